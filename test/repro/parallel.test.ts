// Seeds in parallel worker processes (lib/repro/parallel.ts): the grouping and the worker command
// line, and end to end at smoke scale: table1 with two workers publishes exactly the numbers of
// the one-process run, and reports every model the workers trained.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seedGroups, workerArgv } from '../../lib/repro/parallel.ts';
import { readResults } from '../../lib/report/results.ts';

describe('seed groups and worker command lines', () => {
  it('deals seeds round-robin into at most `jobs` non-empty groups', () => {
    expect(seedGroups([1, 2, 3], 2)).toEqual([[1, 3], [2]]);
    expect(seedGroups([1, 2, 3], 8)).toEqual([[1], [2], [3]]);
    expect(seedGroups([4], 2)).toEqual([[4]]);
    expect(seedGroups([1, 2], 1)).toEqual([[1, 2]]);
  });

  it('replaces the seed and job options in both spellings and keeps the rest', () => {
    expect(workerArgv(['--scale', 'cpu', '--seeds', '1,2,3', '--jobs=3', '--force', '--out', 'r'], [2], '/t/r.json')).toEqual([
      '--scale',
      'cpu',
      '--force',
      '--out',
      'r',
      '--seeds',
      '2',
      '--jobs',
      '1',
      '--warm-only',
      '/t/r.json',
    ]);
    expect(workerArgv(['--seed=4', '--family', 'llama-like'], [4], 'x')).toEqual(['--family', 'llama-like', '--seeds', '4', '--jobs', '1', '--warm-only', 'x']);
  });
});

describe('table1 with two worker processes (smoke scale)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'vggm-parallel-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const table1 = (tag: string, jobs: number) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/table1.ts', '--scale', 'smoke', '--seeds', '1,2', '--jobs', String(jobs), '--out', join(tmp, tag)], {
      env: { ...process.env, VGGM_CACHE: join(tmp, `cache-${tag}`), VGGM_PROGRESS: 'plain' },
      encoding: 'utf8',
      timeout: 400_000,
    });
    if (r.status !== 0)
      throw new Error(
        `table1 --jobs ${jobs} exited ${r.status}: ${r.stderr
          .split('\n')
          .filter((l) => !l.startsWith('Warning'))
          .slice(-4)
          .join(' | ')}`,
      );
    return { stdout: r.stdout, file: readResults(join(tmp, tag, 'table1.json')) };
  };

  it('publishes the numbers of the one-process run and lists what the workers trained', () => {
    const par = table1('par', 2);
    const seq = table1('seq', 1);
    expect(par.stdout).toMatch(/seeds 1 in a worker process/);
    expect(par.stdout).toMatch(/seeds 2 done/);
    expect(existsSync(join(tmp, 'cache-par', 'logs', 'table1-seeds-2.log'))).toBe(true);
    expect(par.file.config.jobs).toBe(2);
    expect(seq.file.config.jobs).toBe(1);
    const values = (f: typeof par.file) => f.sets.accuracy.points.map((p) => [p.group, p.x, p.values]);
    expect(values(par.file)).toEqual(values(seq.file));
    // smoke trains one Base per seed: 2 x (pretrain, 2 SFT, 3 GRPO), each once
    const trained = par.file.config.modelsTrainedHere as string[];
    expect(new Set(trained).size).toBe(12);
    expect(trained.length).toBe(12);
    expect([...trained].sort()).toEqual([...(seq.file.config.modelsTrainedHere as string[])].sort());
  }, 800_000);
});
