// Seeds in parallel processes. One training process on lavapipe keeps about one core busy (the
// host side and the small dispatches of a step serialise), so on a 2-core machine the seeds of a
// reproduction script run faster side by side. Every model and every evaluation goes through the
// content-addressed caches (lib/train/cache.ts, lib/repro/evals.ts), so the parallel part only
// has to FILL those caches: each worker is this same script run on a group of seeds with
// --warm-only; the parent then runs the script once more over all seeds, finds everything cached,
// and publishes. Models shared by all seeds (the Base of a `sharedBase` scale) are trained by the
// parent before the workers start, so no two processes ever train the same cache entry.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface WorkerGroup {
  seeds: number[];
  log: string;
  report: string;
}

/** Seeds dealt round-robin into at most `jobs` non-empty groups. */
export function seedGroups(seeds: readonly number[], jobs: number): number[][] {
  const n = Math.max(1, Math.min(jobs, seeds.length));
  const groups: number[][] = Array.from({ length: n }, () => []);
  seeds.forEach((s, i) => groups[i % n].push(s));
  return groups;
}

/** The command line of this script for a group of seeds, in warm-only mode. */
export function workerArgv(argv: readonly string[], seeds: readonly number[], report: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const name = a.split('=')[0];
    if (['--seeds', '--seed', '--jobs', '--warm-only'].includes(name)) {
      // skip the value too when it is a separate word
      if (!a.includes('=') && name !== '--warm-only' && i + 1 < argv.length && !argv[i + 1].startsWith('--')) i++;
      continue;
    }
    out.push(a);
  }
  return [...out, '--seeds', seeds.join(','), '--jobs', '1', '--warm-only', report];
}

/**
 * Runs one worker per group (this script, warm-only) and waits for all of them. Each worker's
 * output goes to its log file; a failed worker fails the run with the tail of its log. Returns
 * the model keys the workers trained (for the results file's `modelsTrainedHere`).
 */
export async function runWorkers(name: string, groups: number[][], userArgv: readonly string[]): Promise<string[]> {
  const dir = resolve(process.env.VGGM_CACHE ?? '.cache', 'logs');
  mkdirSync(dir, { recursive: true });
  const workers: WorkerGroup[] = groups.map((seeds) => {
    const tag = `${name}-seeds-${seeds.join('_')}`;
    return { seeds, log: join(dir, `${tag}.log`), report: join(dir, `${tag}.trained.json`) };
  });
  const children = new Set<ReturnType<typeof spawn>>();
  const stopAll = () => {
    for (const c of children) c.kill('SIGINT');
  };
  process.once('exit', stopAll);
  try {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((done, fail) => {
            rmSync(w.report, { force: true });
            const fd = openSync(w.log, 'w');
            const args = [...process.execArgv, process.argv[1], ...workerArgv(userArgv, w.seeds, w.report)];
            process.stdout.write(`${name}: seeds ${w.seeds.join(',')} in a worker process (log: ${w.log})\n`);
            const child = spawn(process.execPath, args, { stdio: ['ignore', fd, fd], env: process.env });
            children.add(child);
            child.on('error', fail);
            child.on('exit', (code, signal) => {
              children.delete(child);
              if (code === 0) {
                process.stdout.write(`${name}: seeds ${w.seeds.join(',')} done\n`);
                return done();
              }
              stopAll();
              fail(new Error(`${name}: the worker for seeds ${w.seeds.join(',')} failed (${signal ?? `exit ${code}`}): ${lastLine(w.log)} (whole log: ${w.log})`));
            });
          }),
      ),
    );
  } finally {
    process.removeListener('exit', stopAll);
  }
  return workers.flatMap((w) => (existsSync(w.report) ? (JSON.parse(readFileSync(w.report, 'utf8')) as { trained: string[] }).trained : []));
}

function lastLine(path: string): string {
  const lines = readFileSync(path, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.at(-1) ?? '(no output)';
}
