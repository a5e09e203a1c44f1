// Seeds in parallel processes. A training process on lavapipe leaves part of a 2-core machine
// idle (the host side and the many small dispatches of a step serialise: ~1.3 CPU-seconds per
// ~1 s step of the cpu model), so the seeds of a reproduction script run faster side by side. Every model and every evaluation goes through the
// content-addressed caches (lib/train/cache.ts, lib/repro/evals.ts), so the parallel part only
// has to FILL those caches: each worker is this same script run on a group of seeds with
// --warm-only; the parent then runs the script once more over all seeds, finds everything cached,
// and publishes. Models shared by all seeds (the Base of a `sharedBase` scale) are trained first,
// by scripts/pretrain.ts workers, so no two processes ever train the same cache entry. The parent
// itself opens no GPU device until the workers are done: an open Dawn device costs ~20% of a core
// even while the process only waits.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** One worker process: a script of this repository and its arguments. */
export interface WorkerJob {
  /** what the parent prints, e.g. "seeds 1,3" */
  label: string;
  /** the script to run, e.g. process.argv[1] or scripts/pretrain.ts */
  script: string;
  args: string[];
  /** file name stem of its log (and of the report a --warm-only worker writes) */
  tag: string;
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

/** Where the worker of `tag` writes its log and its list of trained models. */
export function workerFiles(tag: string): { log: string; report: string } {
  const dir = resolve(process.env.VGGM_CACHE ?? '.cache', 'logs');
  mkdirSync(dir, { recursive: true });
  return { log: join(dir, `${tag}.log`), report: join(dir, `${tag}.trained.json`) };
}

/**
 * Runs the jobs as child processes, all at once, and waits for all of them. Each one's output
 * goes to its log file; a failed one stops the others and fails the run with the tail of its
 * log. Returns the model keys the --warm-only workers trained (for `modelsTrainedHere`).
 */
export async function runWorkers(name: string, jobs: readonly WorkerJob[]): Promise<string[]> {
  const children = new Set<ReturnType<typeof spawn>>();
  const stopAll = () => {
    for (const c of children) c.kill('SIGINT');
  };
  process.once('exit', stopAll);
  try {
    await Promise.all(
      jobs.map(
        (job) =>
          new Promise<void>((done, fail) => {
            const { log, report } = workerFiles(job.tag);
            rmSync(report, { force: true });
            const fd = openSync(log, 'w');
            process.stdout.write(`${name}: ${job.label} in a worker process (log: ${log})\n`);
            const child = spawn(process.execPath, [...process.execArgv, job.script, ...job.args], { stdio: ['ignore', fd, fd], env: process.env });
            children.add(child);
            child.on('error', fail);
            child.on('exit', (code, signal) => {
              children.delete(child);
              if (code === 0) {
                process.stdout.write(`${name}: ${job.label} done\n`);
                return done();
              }
              stopAll();
              fail(new Error(`${name}: the worker for ${job.label} failed (${signal ?? `exit ${code}`}): ${lastLine(log)} (whole log: ${log})`));
            });
          }),
      ),
    );
  } finally {
    process.removeListener('exit', stopAll);
  }
  return jobs.flatMap((j) => {
    const { report } = workerFiles(j.tag);
    return existsSync(report) ? (JSON.parse(readFileSync(report, 'utf8')) as { trained: string[] }).trained : [];
  });
}

function lastLine(path: string): string {
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.at(-1) ?? '(no output)';
}
