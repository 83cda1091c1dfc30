/**
 * Reading what a user points podnet at, and checking where it may write, without ever hanging or
 * crashing on a careless or hostile path: FIFOs, devices, sockets, symlink loops, dangling symlinks,
 * directories where a file is expected and oversized files are refused at once (exit 2), naming the
 * path and the reason. Files are opened non-blocking and checked on the open descriptor (`fstat`),
 * so a path swapped between a check and the read cannot slip through.
 */
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readlinkSync,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { PodnetInputError } from './errors.ts';

/** Default cap on one input file (64 MiB); `--max-input-size` raises it. */
export const DEFAULT_MAX_INPUT_BYTES = 64 * 1024 * 1024;

let maxInputBytes = DEFAULT_MAX_INPUT_BYTES;

/** Sets the cap on input files for this process (the CLI's `--max-input-size`). */
export function setMaxInputBytes(bytes: number): void {
  maxInputBytes = bytes;
}

export interface InputFileOptions {
  /** What the file is, for messages: `manifest`, `results file`, `kubeconfig`… */
  readonly what?: string;
  /** What to do instead, appended to errors about the file's kind. */
  readonly hint?: string;
  /** Overrides the process-wide cap. */
  readonly maxBytes?: number;
}

/** `1.5 MiB`, `64 MiB`, `812 bytes`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}

/** Parses `64MiB`, `128M`, `1GiB`, `500000` (bytes) into bytes; undefined when it is not a size. */
export function parseByteSize(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?$/i.exec(text.trim());
  if (!m) return undefined;
  const unit = (m[2] ?? 'b').toLowerCase();
  const factor = unit.startsWith('k')
    ? 1024
    : unit.startsWith('m')
      ? 1024 ** 2
      : unit.startsWith('g')
        ? 1024 ** 3
        : 1;
  const bytes = Math.floor(Number(m[1]) * factor);
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}

/** The kind of a non-regular file, in words. */
function kindOf(info: Stats): string {
  if (info.isFile()) return 'a regular file';
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  if (info.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

function inputError(path: string, problem: string, hint?: string): PodnetInputError {
  return new PodnetInputError('PODNET_BAD_INPUT_FILE', problem, { file: path }, hint);
}

/** Why opening `path` failed, in words a user can act on. */
function openProblem(path: string, error: NodeJS.ErrnoException, what: string): PodnetInputError {
  switch (error.code) {
    case 'ENOENT': {
      const link = danglingTarget(path);
      return link !== undefined
        ? inputError(path, `dangling symbolic link: it points to ${link}, which does not exist`)
        : new PodnetInputError(
            'PODNET_FILE_NOT_FOUND',
            'no such file or directory',
            { file: path },
            `check the path of the ${what}`,
          );
    }
    case 'ELOOP':
      return inputError(path, 'symbolic link loop (too many levels of symbolic links)');
    case 'EACCES':
    case 'EPERM':
      return inputError(
        path,
        'permission denied',
        `make the ${what} readable, or run as a user who can read it`,
      );
    case 'ENXIO':
      return inputError(path, `is a socket or a device without a reader, not a ${what}`);
    case 'ENOTDIR':
      return inputError(path, 'a part of the path is not a directory');
    case 'ENAMETOOLONG':
      return inputError(path, 'the path is too long');
    case 'EISDIR':
      return inputError(path, `is a directory, not a ${what}`);
    default:
      return inputError(path, `cannot open the ${what}: ${error.code ?? error.message}`);
  }
}

/** The target of `path` when it is a symbolic link whose target is missing. */
function danglingTarget(path: string): string | undefined {
  try {
    if (!lstatSync(path).isSymbolicLink()) return undefined;
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}

/**
 * The text of the regular file at `path` (UTF-8), or exit-2 errors for anything else: a FIFO, a device,
 * a directory, a symlink loop, a dangling symlink, a file over the size cap, bytes that are not UTF-8.
 */
export function readInputFile(path: string, options: InputFileOptions = {}): string {
  const what = options.what ?? 'file';
  const cap = options.maxBytes ?? maxInputBytes;
  let fd: number;
  try {
    // Non-blocking: opening a FIFO without a writer must not wait for one.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    throw openProblem(path, error as NodeJS.ErrnoException, what);
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) {
      throw inputError(
        path,
        `is ${kindOf(info)}, not a ${what}`,
        options.hint ?? 'pass the path of a regular file',
      );
    }
    if (info.size > cap) throw tooLarge(path, info.size, cap, what);
    // Files such as those under /proc report size 0: read until EOF, never past the cap.
    const buffer = Buffer.allocUnsafe(Math.min(cap + 1, 1 << 20));
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buffer, 0, buffer.length, null);
      } catch (error) {
        const e = error as NodeJS.ErrnoException;
        throw inputError(path, `cannot read the ${what}: ${e.code ?? e.message}`);
      }
      if (n === 0) break;
      total += n;
      if (total > cap) throw tooLarge(path, total, cap, what, true);
      chunks.push(Buffer.from(buffer.subarray(0, n)));
    }
    return decodeUtf8(path, Buffer.concat(chunks, total), what);
  } finally {
    closeSync(fd);
  }
}

function tooLarge(path: string, size: number, cap: number, what: string, atLeast = false): PodnetInputError {
  return inputError(
    path,
    `the ${what} is ${atLeast ? 'more than ' : ''}${formatBytes(atLeast ? cap : size)}, over the input cap of ${formatBytes(cap)}`,
    `raise the cap with \`podnet --max-input-size ${Math.ceil(Math.max(cap * 2, size) / 2 ** 20)}MiB …\` if the file is meant to be this large`,
  );
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function decodeUtf8(path: string, bytes: Buffer, what: string): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw inputError(path, `the ${what} is not UTF-8 text (a binary file?)`, `pass a UTF-8 ${what}`);
  }
}

/** What an input path is: a regular file (or a link to one) or a directory; anything else is an error. */
export function inputPathKind(path: string, options: InputFileOptions = {}): 'file' | 'directory' {
  const what = options.what ?? 'file';
  let info: Stats;
  try {
    info = statSync(path);
  } catch (error) {
    throw openProblem(path, error as NodeJS.ErrnoException, what);
  }
  if (info.isDirectory()) return 'directory';
  if (info.isFile()) return 'file';
  throw inputError(
    path,
    `is ${kindOf(info)}, not a ${what}`,
    options.hint ?? 'pass the path of a regular file',
  );
}

/**
 * Checks that a file can be written at `path` before any output is produced: its folder exists or can
 * be made, the path is not a directory, FIFO or device, and a file can be created beside it. Nothing is
 * left behind by the check. Throws exit-2 errors naming the path.
 */
export function checkOutputFile(path: string, what = 'output file'): void {
  const existing = lstatOrUndefined(path);
  if (existing?.isSymbolicLink()) {
    const target = statOrUndefined(path);
    if (target && !target.isFile()) throw outputError(path, `is a link to ${kindOf(target)}, not a ${what}`);
  } else if (existing && !existing.isFile()) {
    throw outputError(path, `is ${kindOf(existing)}; podnet writes a regular ${what} there`);
  }
  checkWritableDirectory(dirname(path), path, what);
}

/** Checks that `path` is, or can be made, a directory podnet can write files in. */
export function checkOutputDirectory(path: string, what = 'output folder'): void {
  const existing = statOrUndefined(path);
  if (existing && !existing.isDirectory()) throw outputError(path, `is ${kindOf(existing)}, not a folder`);
  checkWritableDirectory(path, path, what);
}

function checkWritableDirectory(dir: string, forPath: string, what: string): void {
  try {
    makeDirectories(dir);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw outputError(forPath, `cannot create the folder ${dir} for the ${what}: ${e.code ?? e.message}`);
  }
  const info = statOrUndefined(dir);
  if (!info?.isDirectory()) throw outputError(forPath, `${dir} is not a folder`);
  // /proc, /sys and read-only mounts accept mkdir -p of what exists but refuse new files: try one.
  const probe = join(dir, `.podnet-write-check-${process.pid}-${Date.now()}`);
  try {
    writeFileSync(probe, '', { flag: 'wx' });
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw outputError(forPath, `cannot write in ${dir}: ${e.code ?? e.message}`);
  } finally {
    rmSync(probe, { force: true });
  }
}

/**
 * `mkdir -p` one level at a time. Node's `mkdir(…, {recursive: true})` loops forever where mkdir says
 * ENOENT of a folder whose parent exists (procfs: `/proc/1/x`); here every failure is final.
 */
function makeDirectories(dir: string): void {
  const missing: string[] = [];
  let at = resolve(dir);
  while (statOrUndefined(at) === undefined) {
    missing.push(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const folder of missing.reverse()) mkdirSync(folder);
}

function outputError(path: string, problem: string): PodnetInputError {
  return new PodnetInputError(
    'PODNET_BAD_OUTPUT_PATH',
    problem,
    { file: path },
    'choose a path in a folder you can write to',
  );
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Writes `text` to `path` atomically: to a temporary file beside it, then renamed over it, so a reader
 * (or a crash) never sees half a file. The folder must exist (see {@link checkOutputFile}).
 */
export function writeOutputFile(path: string, text: string): void {
  const target = realTarget(path);
  makeDirectories(dirname(target));
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** A symlink at `path` is written through (the link stays a link), as writeFile would. */
function realTarget(path: string): string {
  try {
    return lstatSync(path).isSymbolicLink() ? realpathSync(path) : path;
  } catch {
    return path;
  }
}
