import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

// writeSync is wrapped so one test can make the disk "fail" half-way through a write.
const failAfter = { bytes: Infinity };
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return {
    ...real,
    writeSync: (fd: number, buf: Uint8Array, off: number, len: number) => {
      if (failAfter.bytes !== Infinity) {
        real.writeSync(fd, buf, off, Math.min(len, failAfter.bytes));
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      }
      return real.writeSync(fd, buf, off, len);
    },
  };
});

const { writeFileAtomic, writeJsonAtomic } = await import('../../lib/util/atomic.ts');

const dir = () => mkdtempSync(join(tmpdir(), 'atomic-'));

afterEach(() => {
  failAfter.bytes = Infinity;
});

describe('writeFileAtomic', () => {
  it('creates missing folders and writes the bytes', () => {
    const p = join(dir(), 'a', 'b', 'x.txt');
    writeFileAtomic(p, 'hello');
    expect(readFileSync(p, 'utf8')).toBe('hello');
    writeFileAtomic(p, new Uint8Array([1, 2, 3]));
    expect([...readFileSync(p)]).toEqual([1, 2, 3]);
  });

  it('leaves the old file intact and no temp file behind when the write fails', () => {
    const d = dir();
    const p = join(d, 'r.json');
    writeFileSync(p, 'OLD CONTENT');
    failAfter.bytes = 3;
    expect(() => writeFileAtomic(p, 'NEW CONTENT THAT IS LONGER')).toThrow(/ENOSPC/);
    expect(fs.readFileSync(p, 'utf8')).toBe('OLD CONTENT');
    expect(readdirSync(d)).toEqual(['r.json']);
  });

  it('leaves the old file intact when the value cannot be serialised', () => {
    const d = dir();
    const p = join(d, 'r.json');
    writeJsonAtomic(p, { a: 1 });
    expect(() => writeJsonAtomic(p, { a: 10n })).toThrow();
    expect(() => writeJsonAtomic(p, undefined)).toThrow(/not JSON-serialisable/);
    expect(JSON.parse(readFileSync(p, 'utf8'))).toEqual({ a: 1 });
    expect(readdirSync(d)).toEqual(['r.json']);
  });

  it('writes indented JSON with a trailing newline', () => {
    const p = join(dir(), 'v.json');
    writeJsonAtomic(p, { b: [1, 2] });
    expect(readFileSync(p, 'utf8')).toBe('{\n  "b": [\n    1,\n    2\n  ]\n}\n');
  });
});
