/** Creating the hostile files of a case inside its work folder (FIFOs, sockets, links, sparse files…). */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';
import type { CaseContext } from './types.ts';

/** Writes `content` at `work/<name>`, making folders. */
export function put(ctx: CaseContext, name: string, content: string | Buffer): string {
  const path = ctx.path(name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

export function folder(ctx: CaseContext, name: string): string {
  const path = ctx.path(name);
  mkdirSync(path, { recursive: true });
  return path;
}

function mustRun(file: string, args: readonly string[]): void {
  const r = spawnSync(file, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.error || r.status !== 0) throw new Error(`${file} failed: ${r.error?.message ?? String(r.stderr)}`);
}

export function fifo(ctx: CaseContext, name: string): string {
  const path = ctx.path(name);
  mkdirSync(dirname(path), { recursive: true });
  mustRun('mkfifo', [path]);
  return path;
}

/** A listening-then-closed UNIX socket file (perl leaves the file; node would unlink it). */
export function socketFile(ctx: CaseContext, name: string): string {
  const path = ctx.path(name);
  mkdirSync(dirname(path), { recursive: true });
  mustRun('perl', [
    '-MIO::Socket::UNIX',
    '-e',
    'IO::Socket::UNIX->new(Type => SOCK_STREAM(), Local => shift, Listen => 1) or die "$!"',
    path,
  ]);
  return path;
}

export function link(ctx: CaseContext, name: string, target: string): string {
  const path = ctx.path(name);
  mkdirSync(dirname(path), { recursive: true });
  symlinkSync(target, path);
  return path;
}

/** A sparse file of `bytes` (no disk used). */
export function sparse(ctx: CaseContext, name: string, bytes: number): string {
  const path = ctx.path(name);
  const fd = openSync(path, 'w');
  try {
    ftruncateSync(fd, bytes);
  } finally {
    closeSync(fd);
  }
  return path;
}

/** Mode 000: unreadable for anyone but root. */
export function unreadable(ctx: CaseContext, name: string, content: string): string {
  const path = put(ctx, name, content);
  chmodSync(path, 0o000);
  return path;
}
