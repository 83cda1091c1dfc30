import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { PodnetInputError } from './errors.ts';
import {
  checkOutputDirectory,
  checkOutputFile,
  inputPathKind,
  parseByteSize,
  readInputFile,
  writeOutputFile,
} from './inputFile.ts';

const dir = mkdtempSync(join(tmpdir(), 'podnet-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fifoAt(name: string): string {
  const path = join(dir, name);
  if (!existsSync(path)) execFileSync('mkfifo', [path]);
  return path;
}

function fileAt(name: string, text = 'kind: Namespace\n'): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function problem(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PodnetInputError);
    return (error as PodnetInputError).message;
  }
  throw new Error('expected an input error');
}

describe('readInputFile refuses what is not a regular file, at once', () => {
  test('a FIFO without a writer (would block a plain open)', () => {
    const fifo = fifoAt('fifo');
    expect(problem(() => readInputFile(fifo, { what: 'manifest' }))).toMatch(
      /fifo: is a FIFO \(named pipe\), not a manifest/,
    );
  });
  test('a character device (/dev/zero never ends)', () => {
    expect(problem(() => readInputFile('/dev/zero'))).toMatch(/\/dev\/zero: is a character device/);
  });
  test('a symlink loop', () => {
    symlinkSync(join(dir, 'loop-b'), join(dir, 'loop-a'));
    symlinkSync(join(dir, 'loop-a'), join(dir, 'loop-b'));
    expect(problem(() => readInputFile(join(dir, 'loop-a')))).toMatch(/symbolic link loop/);
  });
  test('a dangling symlink names where it points', () => {
    symlinkSync('/nonexistent/podnet', join(dir, 'dangling'));
    expect(problem(() => readInputFile(join(dir, 'dangling')))).toMatch(
      /dangling symbolic link: it points to \/nonexistent\/podnet/,
    );
  });
  test('a directory where a file is expected', () => {
    expect(problem(() => readInputFile(dir, { what: 'results file' }))).toMatch(
      /is a directory, not a results file/,
    );
  });
  test('a missing file', () => {
    expect(problem(() => readInputFile(join(dir, 'missing.yaml')))).toMatch(/no such file or directory/);
  });
  test('a file over the cap names the cap and how to raise it', () => {
    const big = join(dir, 'big.yaml');
    writeFileSync(big, 'x'.repeat(4096));
    const message = problem(() => readInputFile(big, { maxBytes: 1024 }));
    expect(message).toMatch(/4 KiB, over the input cap of 1 KiB/);
    expect(message).toMatch(/--max-input-size/);
  });
  test('bytes that are not UTF-8', () => {
    const binary = join(dir, 'binary.yaml');
    writeFileSync(binary, Buffer.from([0x61, 0xff, 0xfe, 0x62]));
    expect(problem(() => readInputFile(binary))).toMatch(/not UTF-8 text/);
  });
});

describe('readInputFile reads what is', () => {
  test('a regular file, through a symlink too', () => {
    const file = fileAt('ok.yaml');
    symlinkSync(file, join(dir, 'ok-link.yaml'));
    expect(readInputFile(join(dir, 'ok-link.yaml'))).toBe('kind: Namespace\n');
  });
  test('a file that reports size 0 (procfs) is read to its end', () => {
    expect(readInputFile('/proc/self/status')).toMatch(/^Name:/);
  });
  test('inputPathKind tells files from folders and refuses the rest', () => {
    expect(inputPathKind(dir)).toBe('directory');
    expect(inputPathKind(fileAt('kind.yaml'))).toBe('file');
    expect(problem(() => inputPathKind('/dev/null'))).toMatch(/character device/);
  });
});

describe('output paths are checked before anything is written', () => {
  test('a path under /proc is refused at once, and nothing is created', () => {
    expect(problem(() => checkOutputFile('/proc/podnet-report.html'))).toMatch(/cannot write in \/proc/);
    expect(problem(() => checkOutputDirectory('/proc/1/podnet-out'))).toMatch(/podnet-out/);
  });
  test('a directory, a FIFO or a device where a file goes', () => {
    expect(problem(() => checkOutputFile(dir))).toMatch(/is a directory/);
    expect(problem(() => checkOutputFile(fifoAt('out-fifo')))).toMatch(/is a FIFO/);
    expect(problem(() => checkOutputFile('/dev/null'))).toMatch(/character device/);
  });
  test('a file where a folder goes', () => {
    expect(problem(() => checkOutputDirectory(join(dir, 'ok.yaml')))).toMatch(
      /not a output folder|is a regular|not a/,
    );
  });
  test('a writable place passes, leaves no probe file, and the write is whole', () => {
    const out = join(dir, 'out', 'nested', 'report.html');
    checkOutputFile(out);
    expect(readdirSync(join(dir, 'out', 'nested'))).toEqual([]);
    writeOutputFile(out, '<html></html>');
    expect(readFileSync(out, 'utf8')).toBe('<html></html>');
    expect(readdirSync(join(dir, 'out', 'nested'))).toEqual(['report.html']);
  });
  test('a folder given for output is created when missing', () => {
    const folder = join(dir, 'results-dir');
    checkOutputDirectory(folder);
    expect(existsSync(folder)).toBe(true);
    mkdirSync(join(folder, 'x'), { recursive: true });
  });
});

test('parseByteSize reads the units of --max-input-size', () => {
  expect(parseByteSize('64MiB')).toBe(64 * 1024 * 1024);
  expect(parseByteSize('128M')).toBe(128 * 1024 * 1024);
  expect(parseByteSize('1GiB')).toBe(1024 ** 3);
  expect(parseByteSize('2048')).toBe(2048);
  expect(parseByteSize('lots')).toBeUndefined();
  expect(parseByteSize('0')).toBeUndefined();
});
