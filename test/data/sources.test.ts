// The vendored benchmark files are the published ones: data/benchmarks/SOURCES.md names each
// file's repository, path, commit, license and sha256, and this test holds the files to it.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BENCHMARK_FILES, benchmarkDir } from '../../lib/data/benchmarks.ts';

const DIR = join(import.meta.dirname, '../../data/benchmarks');
const COLUMNS = ['file', 'repository', 'path', 'commit', 'license', 'license file', 'sha256', 'rows'];

interface Source { file: string; repository: string; path: string; commit: string; license: string; 'license file': string; sha256: string; rows: string }

/** The rows of the SOURCES.md table, keyed by its header. */
function sources(): Source[] {
  const lines = readFileSync(join(DIR, 'SOURCES.md'), 'utf8').split('\n').filter((l) => l.startsWith('|'));
  const cells = (l: string) => l.split('|').slice(1, -1).map((c) => c.trim());
  expect(cells(lines[0])).toEqual(COLUMNS);
  return lines.slice(2).map((l) => Object.fromEntries(cells(l).map((c, i) => [COLUMNS[i], c])) as unknown as Source);
}

describe('data/benchmarks/SOURCES.md', () => {
  const rows = sources();

  it('lists every benchmark file the loader reads, and every .jsonl in the folder', () => {
    expect(rows.map((r) => r.file).sort()).toEqual(Object.values(BENCHMARK_FILES).sort());
    expect(readdirSync(DIR).filter((f) => f.endsWith('.jsonl')).sort()).toEqual(Object.values(BENCHMARK_FILES).sort());
  });

  it.each(rows.map((r) => [r.file, r] as const))('%s: sha256, line count, provenance and license text', (file, r) => {
    const bytes = readFileSync(join(DIR, file));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(r.sha256);
    expect(bytes.toString('utf8').split('\n').filter((l) => l.trim() !== '').length).toBe(Number(r.rows));
    expect(r.repository).toMatch(/^[\w.-]+\/[\w.-]+$/);
    expect(r.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(r.license).toBe('MIT');
    const license = join(DIR, r['license file']);
    expect(existsSync(license)).toBe(true);
    expect(readFileSync(license, 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} /);
  });

  it('is where the loader reads unless VGGM_BENCHMARKS names another folder', () => {
    const saved = process.env.VGGM_BENCHMARKS;
    try {
      delete process.env.VGGM_BENCHMARKS;
      expect(benchmarkDir()).toBe(DIR);
      process.env.VGGM_BENCHMARKS = '/elsewhere';
      expect(benchmarkDir()).toBe('/elsewhere');
    } finally {
      if (saved === undefined) delete process.env.VGGM_BENCHMARKS;
      else process.env.VGGM_BENCHMARKS = saved;
    }
  });
});
