// Runs as pid 1 of the case's own pid, mount and network namespaces (see sandbox.ts): gives podnet a
// private /run (the case's run folder, so a lab built by mistake lives and dies here), read-only folders
// when the case asks, loopback up, then runs the command and records what it left running.
//
// argv: --run DIR --report FILE [--ro DIR]... [--as-nobody] [--argv-file FILE] -- COMMAND ARGS...
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

const args = process.argv.slice(2);
const dash = args.indexOf('--');
const own = args.slice(0, dash);
const command = args.slice(dash + 1);
const option = (name) => own[own.indexOf(name) + 1];
const readOnly = own.flatMap((a, i) => (a === '--ro' ? [own[i + 1]] : []));
const report = option('--report');

function must(file, argv) {
  const r = spawnSync(file, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) {
    process.stderr.write(`sandbox: ${file} ${argv.join(' ')} failed: ${r.stderr}\n`);
    process.exit(125);
  }
}

must('mount', ['--bind', option('--run'), '/run']);
for (const dir of readOnly) {
  must('mount', ['--bind', dir, dir]);
  must('mount', ['-o', 'remount,bind,ro', dir]);
}
must('ip', ['link', 'set', 'lo', 'up']);

let argv = command;
const argvFile = option('--argv-file');
if (own.includes('--argv-file')) {
  // Raw bytes (non-UTF-8) cannot pass through node's spawn: perl execs them from a NUL-separated file.
  const script =
    'open my $f, "<", shift or die; local $/; my @a = split /\\0/, <$f>; exec { $a[0] } @a; exit 127';
  argv = ['perl', '-e', script, argvFile];
}
if (own.includes('--as-nobody')) {
  argv = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--', ...argv];
}

const child = spawn(argv[0], argv.slice(1), { stdio: 'inherit' });
child.on('error', (error) => {
  process.stderr.write(`sandbox: cannot run ${argv[0]}: ${error.message}\n`);
  process.exit(125);
});
child.on('exit', (code, signal) => {
  const leftovers = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || entry === '1') continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (/\) Z /.test(stat)) continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
      leftovers.push(`${entry} ${cmdline.slice(0, 200)}`);
    } catch {
      // gone meanwhile
    }
  }
  writeFileSync(report, JSON.stringify({ code, signal, leftovers }));
  process.exit(code ?? 128);
});
