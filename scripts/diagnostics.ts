// Print the "sees but does not learn" diagnostics of every cached SFT run: at the last diagnostic
// step, the mean NLL and entropy (from the step's own forward pass) on the teacher's error-prefix
// tokens vs on the learned tokens, and the run's mean cross-batch gradient noise-to-signal.
// Reads .cache/models/sft-*/ (what pretrain/sft/table1 trained); writes nothing. These are the
// training-time measures; the mechanism measured on the trained models' own answers (first pass vs
// final, verification, the teacher's wrong facts, held-out entropy) is results/diagnostics.*,
// which every scripts/table1.ts run writes (docs/mechanism.md).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheRoot } from '../lib/util/paths.ts';
import { MetricsLog } from '../lib/train/metrics.ts';
import { runMain, scriptYargs, UsageError } from '../lib/util/cli.ts';

interface Tagged {
  n: number;
  nll: number;
  entropy: number;
}

await runMain(async () => {
  const args = await scriptYargs('diagnostics', '$0 [--family F]\n\nThe "sees but does not learn" diagnostics of every cached SFT run (no GPU).')
    .option('family', { type: 'string', describe: 'only runs of this student family (qwen-like, llama-like)' })
    .strict()
    .parseAsync();
  const root = cacheRoot();
  if (!existsSync(root)) throw new UsageError(`no model cache at ${root}: train first (e.g. npx tsx scripts/table1.ts)`);
  const rows: string[][] = [];
  for (const key of readdirSync(root)
    .filter((k) => k.startsWith('sft-'))
    .sort()) {
    const dir = join(root, key);
    if (!existsSync(join(dir, 'done.json'))) continue;
    const done = JSON.parse(readFileSync(join(dir, 'done.json'), 'utf8')) as { method: string; family: string; seed: number; steps: number };
    if (args.family && done.family !== args.family) continue;
    const records = new MetricsLog(join(dir, 'metrics.jsonl')).read() as unknown as Array<Record<string, unknown>>;
    const diag = records.filter((r) => r.kind === 'diag').at(-1) as { step: number; prefix: Tagged; learned: Tagged } | undefined;
    const gradvar = records.filter((r) => r.kind === 'gradvar').map((r) => r.noiseToSignal as number);
    const f = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(3));
    const mean = gradvar.length ? gradvar.reduce((a, b) => a + b, 0) / gradvar.length : undefined;
    rows.push([
      key,
      done.method,
      done.family,
      String(done.seed),
      String(done.steps),
      String(diag?.step ?? '–'),
      f(diag?.prefix.nll),
      f(diag?.learned.nll),
      f(diag?.prefix.entropy),
      f(diag?.learned.entropy),
      f(mean),
    ]);
  }
  if (!rows.length) throw new UsageError(`no finished SFT run in ${root}`);
  const head = ['run', 'method', 'family', 'seed', 'steps', 'diag step', 'prefix NLL', 'learned NLL', 'prefix H', 'learned H', 'grad noise/signal'];
  console.log(head.join('\t'));
  for (const r of rows) console.log(r.join('\t'));
});
