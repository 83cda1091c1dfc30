/**
 * Files that are not what a reader expects, for every reader: FIFO, devices, a socket, symlink loops,
 * dangling links (alone and inside a folder), folders, files over the size cap, unreadable files,
 * binary bytes, empty files, a huge line. Each must get exit 2 at once, naming the path and the reason.
 */
import { chmodSync } from 'node:fs';
import {
  kubeconfig,
  randomBytes,
  SMALL_MANIFEST,
  VALID_NET_CONF,
  VALID_PROFILE,
  validManifest,
  validResults,
} from '../fixtures.ts';
import { fifo, folder, link, put, socketFile, sparse, unreadable } from '../setup.ts';
import type { CaseContext, HostileCase } from '../types.ts';

/** Size cap podnet documents (64 MiB); one byte more is over it. */
const CAP = 64 * 1024 * 1024;

interface Reader {
  readonly id: string;
  /** Extension of the hostile file (readers of folders pick files by extension). */
  readonly ext: string;
  /** A valid input, the exit code it gets (and what stderr says when that is a failure); undefined when running it would build a lab. */
  readonly valid?: { readonly text: string; readonly exit: number; readonly stderr?: readonly RegExp[] };
  readonly acceptsFolder: boolean;
  /** Exit codes right for an empty file; undefined: not tried (it would build a lab). */
  readonly emptyExit?: readonly number[];
  /** Whether the reader may run as nobody (the lab needs root, so `lab up` is left out). */
  readonly asNobody: boolean;
  readonly argv: (file: string) => string[];
  readonly setup?: (ctx: CaseContext) => void;
}

const results = `${JSON.stringify(validResults(), null, 2)}\n`;

const READERS: readonly Reader[] = [
  {
    id: 'predict -f',
    ext: '.yaml',
    valid: { text: validManifest(), exit: 0 },
    acceptsFolder: true,
    emptyExit: [0, 2],
    asNobody: true,
    argv: (f) => ['predict', '-f', f],
  },
  {
    id: 'explain -f',
    ext: '.yaml',
    valid: { text: validManifest(), exit: 0 },
    acceptsFolder: true,
    emptyExit: [2],
    asNobody: true,
    argv: (f) => ['explain', '-f', f, '--from', 'x/a', '--to', 'x/b', '--port', '80'],
  },
  {
    id: 'lab up -f',
    ext: '.yaml',
    acceptsFolder: true,
    asNobody: false,
    argv: (f) => ['lab', 'up', '-f', f, '--nodes', '2'],
  },
  {
    id: 'flannel validate',
    ext: '.json',
    valid: { text: VALID_NET_CONF, exit: 0 },
    acceptsFolder: false,
    emptyExit: [2],
    asNobody: true,
    argv: (f) => ['flannel', 'validate', f],
  },
  {
    id: '--profile',
    ext: '.yaml',
    valid: { text: VALID_PROFILE, exit: 0 },
    acceptsFolder: false,
    emptyExit: [0, 2],
    asNobody: true,
    argv: (f) => ['predict', '--profile', f, '-f', 'cluster.yaml'],
    setup: (ctx) => put(ctx, 'cluster.yaml', validManifest()),
  },
  {
    id: 'report',
    ext: '.json',
    valid: { text: results, exit: 0 },
    acceptsFolder: false,
    emptyExit: [2],
    asNobody: true,
    argv: (f) => ['report', f, '-o', 'out/report.html', '--junit', 'out/junit.xml'],
  },
  {
    id: 'replay',
    ext: '.json',
    acceptsFolder: false,
    emptyExit: [2],
    asNobody: true,
    argv: (f) => ['replay', f],
  },
  {
    id: '--kubeconfig',
    ext: '.yaml',
    valid: { text: kubeconfig(), exit: 3, stderr: [/127\.0\.0\.1|unreachable|refused|connect/i] },
    acceptsFolder: false,
    emptyExit: [2],
    asNobody: true,
    argv: (f) => ['predict', '--from-cluster', '--kubeconfig', f],
  },
];

/** stderr must name `path` (its last part is enough) and match `reason`. */
function names(path: string, reason: RegExp): RegExp[] {
  const last = path.split('/').filter(Boolean).pop() ?? path;
  return [new RegExp(last.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), reason];
}

function fileCase(
  reader: Reader,
  hazard: string,
  spec: Omit<HostileCase, 'kind' | 'name' | 'argv'> & { readonly file: string },
): HostileCase {
  const { file, setup, ...rest } = spec;
  return {
    kind: 'files',
    name: `${reader.id}: ${hazard}`,
    ...rest,
    setup: (ctx) => {
      reader.setup?.(ctx);
      setup?.(ctx);
    },
    argv: () => reader.argv(file),
  };
}

function readerCases(r: Reader): HostileCase[] {
  const f = `input${r.ext}`;
  const cases: HostileCase[] = [
    fileCase(r, 'a FIFO with no writer', {
      file: f,
      setup: (ctx) => fifo(ctx, f),
      expect: { exit: 2, stderr: names(f, /FIFO|named pipe|not a regular file/i) },
    }),
    fileCase(r, '/dev/zero', {
      file: '/dev/zero',
      expect: { exit: 2, stderr: names('/dev/zero', /device|not a regular file/i) },
    }),
    fileCase(r, '/dev/null', {
      file: '/dev/null',
      expect: { exit: 2, stderr: names('/dev/null', /device|not a regular file/i) },
    }),
    fileCase(r, 'a UNIX socket', {
      file: f,
      setup: (ctx) => socketFile(ctx, f),
      expect: { exit: 2, stderr: names(f, /socket|not a regular file/i) },
    }),
    fileCase(r, 'a symlink loop', {
      file: f,
      setup: (ctx) => {
        link(ctx, f, `loop2${r.ext}`);
        link(ctx, `loop2${r.ext}`, f);
      },
      expect: { exit: 2, stderr: names(f, /loop|too many levels/i) },
    }),
    fileCase(r, 'a dangling symlink', {
      file: f,
      setup: (ctx) => link(ctx, f, `missing-target${r.ext}`),
      expect: { exit: 2, stderr: names(f, /dangling|missing-target|does not exist|no such file/i) },
    }),
    fileCase(r, `a file over the ${CAP / 2 ** 20} MiB cap (sparse)`, {
      file: f,
      setup: (ctx) => sparse(ctx, f, CAP + 1),
      expect: { exit: 2, stderr: [...names(f, /cap|too large|larger than|exceeds/i), /--max-input-size/] },
    }),
    {
      kind: 'files',
      name: `${r.id}: a file over a cap lowered with --max-input-size 1KiB`,
      setup: (ctx) => {
        r.setup?.(ctx);
        put(ctx, f, `# ${'padding '.repeat(512)}\n${r.valid?.text ?? ''}`);
      },
      argv: () => ['--max-input-size', '1KiB', ...r.argv(f)],
      expect: { exit: 2, stderr: names(f, /cap|too large|larger than|exceeds/i) },
    },
    fileCase(r, 'binary bytes (invalid UTF-8)', {
      file: f,
      setup: (ctx) => put(ctx, f, randomBytes(14, 4096)),
      expect: { exit: 2, stderr: names(f, /UTF-8|binary|not text|syntax|not valid|invalid/i) },
    }),
    fileCase(r, 'a huge line (8 MiB, no newline)', {
      file: f,
      setup: (ctx) => put(ctx, f, 'A'.repeat(8 * 1024 * 1024)),
      expect: { exit: 2, stderr: names(f, /./) },
    }),
  ];
  if (r.acceptsFolder) {
    cases.push(
      fileCase(r, 'a dangling symlink inside a folder', {
        file: 'dir',
        setup: (ctx) => {
          put(ctx, 'dir/good.yaml', SMALL_MANIFEST);
          link(ctx, 'dir/bad.yaml', 'gone.yaml');
        },
        expect: {
          exit: 2,
          stderr: names('dir/bad.yaml', /dangling|gone\.yaml|does not exist|no such file/i),
        },
      }),
      fileCase(r, 'an empty folder', {
        file: 'dir',
        setup: (ctx) => folder(ctx, 'dir'),
        expect: { exit: 2, stderr: names('dir', /no .*(yaml|manifest)|holds no|empty/i) },
      }),
      fileCase(r, 'a FIFO inside a folder', {
        file: 'dir',
        setup: (ctx) => {
          put(ctx, 'dir/good.yaml', SMALL_MANIFEST);
          fifo(ctx, 'dir/pipe.yaml');
        },
        expect: { exit: 2, stderr: names('pipe.yaml', /FIFO|named pipe|not a regular file/i) },
      }),
    );
  } else {
    cases.push(
      fileCase(r, 'a folder where a file is expected', {
        file: 'dir',
        setup: (ctx) => folder(ctx, 'dir'),
        expect: { exit: 2, stderr: names('dir', /directory|folder/i) },
      }),
    );
  }
  if (r.emptyExit) {
    cases.push(
      fileCase(r, 'an empty file', {
        file: f,
        setup: (ctx) => put(ctx, f, ''),
        // An empty manifest may fail later (no pod x/a): the message must then say so, not name the file.
        expect: {
          exit: r.emptyExit,
          stderr: [/input\.|empty|no (objects?|pods?|such)|not found|not in|unexpected end/i],
        },
      }),
    );
  }
  if (r.valid) {
    const valid = r.valid;
    cases.push(
      fileCase(r, 'mode 000 read by root (root may read it: not an error)', {
        file: f,
        setup: (ctx) => unreadable(ctx, f, valid.text),
        expect: { exit: valid.exit, ...(valid.stderr ? { stderr: valid.stderr } : {}) },
      }),
    );
  }
  if (r.asNobody) {
    cases.push(
      fileCase(r, 'mode 000 read by nobody (uid 65534)', {
        file: f,
        asNobody: true,
        setup: (ctx) => {
          unreadable(ctx, f, r.valid?.text ?? results);
          // Outputs (report's out/) go where nobody may write, so the case is about the input alone.
          chmodSync(folder(ctx, 'out'), 0o777);
        },
        expect: { exit: 2, stderr: names(f, /permission denied|EACCES|not readable|cannot read/i) },
      }),
    );
  }
  return cases;
}

export function fileCases(): HostileCase[] {
  return READERS.flatMap(readerCases);
}
