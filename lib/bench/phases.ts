// Where a reproduction run's time went, by phase, from what the run leaves behind: each trained
// model's done.json (stage, seconds; GRPO also rolloutSeconds) and metrics.jsonl (per-step `ms`),
// and the progress lines of the evaluations in the logs ("eval <model>: n/n (100%) 12s elapsed, done").
// Phase seconds are process-seconds: workers run side by side, so they add up to more than the wall.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface PhaseTime {
  phase: string;
  /** models trained or evaluations run in this phase */
  runs: number;
  seconds: number;
}

interface Done {
  stage?: string;
  method?: string;
  seconds?: number;
  rolloutSeconds?: number;
}

interface Rec {
  kind?: string;
  ms?: number;
}

function records(path: string): Rec[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Rec);
}

/** "12s", "1m05s", "1h02m" (lib/util/cli.ts formatDuration) in seconds; NaN when not one. */
export function parseDuration(s: string): number {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(s);
  if (!m || s === '') return NaN;
  return 3600 * Number(m[1] ?? 0) + 60 * Number(m[2] ?? 0) + Number(m[3] ?? 0);
}

/** Seconds of every finished evaluation in a log (1-second resolution, as the progress line prints). */
export function evalSeconds(log: string): number[] {
  const out: number[] = [];
  for (const line of log.split('\n')) {
    const m = /^eval .*: (\d+)\/(\d+) \(100%\) (\S+) elapsed, done/.exec(line);
    if (m) out.push(parseDuration(m[3]));
  }
  return out.filter((x) => Number.isFinite(x));
}

/** Phases of the models in `<cache>/models` and the evaluations in `logs`, largest first. */
export function phaseTimes(cacheDir: string, logs: readonly string[]): PhaseTime[] {
  const acc = new Map<string, PhaseTime>();
  const add = (phase: string, seconds: number, runs = 1) => {
    const p = acc.get(phase) ?? { phase, runs: 0, seconds: 0 };
    p.runs += runs;
    p.seconds += seconds;
    acc.set(phase, p);
  };
  const modelsDir = join(cacheDir, 'models');
  for (const key of existsSync(modelsDir) ? readdirSync(modelsDir).sort() : []) {
    const donePath = join(modelsDir, key, 'done.json');
    if (!existsSync(donePath)) continue;
    const done = JSON.parse(readFileSync(donePath, 'utf8')) as Done;
    const total = done.seconds ?? 0;
    const recs = records(join(modelsDir, key, 'metrics.jsonl'));
    const stepSec = recs.reduce((s, r) => s + (r.ms ?? 0), 0) / 1000;
    if (done.stage === 'sft') {
      add(`SFT ${done.method} steps`, stepSec);
      // diagnostics, gradient variance, snapshots and checkpoints run between the timed steps
      add(`SFT ${done.method} diagnostics, snapshots, checkpoints`, Math.max(0, total - stepSec));
    } else if (done.stage === 'grpo') {
      if (done.rolloutSeconds !== undefined) {
        add('GRPO rollouts', done.rolloutSeconds);
        add('GRPO updates, reference, checkpoints', Math.max(0, total - done.rolloutSeconds));
      } else add('GRPO (rollouts and updates; run predates rolloutSeconds)', total);
    } else if (done.stage === 'pretrain') {
      add('Base (pretraining)', total);
    } else add(done.stage ?? 'unknown stage', total);
  }
  const evals = logs.flatMap(evalSeconds);
  if (evals.length)
    add(
      'evaluation',
      evals.reduce((a, b) => a + b, 0),
      evals.length,
    );
  return [...acc.values()].sort((a, b) => b.seconds - a.seconds);
}
