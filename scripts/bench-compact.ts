// Generation compaction (lib/model/generate.ts) against the uncompacted peer, measured in the same
// run: greedy, evaluation-style decoding (batch 64, 160 new tokens, padding ids suppressed) of a
// freshly initialised cpu-scale model on a generated world's evaluation prompts. An untrained model
// never chooses EOS on purpose, so a stand-in EOS and the batch's prompts are picked from the
// model's own greedy outputs on --screen prompts: a token and 64 prompts whose first occurrences
// of it (the rows' stop steps, were it EOS) match the world's teacher responses' token lengths,
// i.e. when an SFT model would stop. Both variants run
// interleaved (A, B, A, B, ...) and the ratio of their medians is printed: the machine is shared,
// so absolute times vary. Their outputs are also compared (they must be identical).
// With --checkpoint, a trained model folder (e.g. a cached SFT model) answers the first --batch
// development prompts and stops on its own EOS: real stop times, no stand-in.
//   npx tsx scripts/data.ts generate --scale cpu --out /tmp/w
//   npx tsx scripts/bench-compact.ts --data /tmp/w [--batch 64] [--max-new 160] [--reps 3]
//   npx tsx scripts/bench-compact.ts --data .cache/data/world-3-cpu-s1 --checkpoint .cache/models/sft-…
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { loadDataset } from '../lib/data/dataset.ts';
import { paddingIds, promptFor, promptIds } from '../lib/eval/format.ts';
import { createContext } from '../lib/gpu/index.ts';
import { families, type Family } from '../lib/model/config.ts';
import { generate, type GenerateOptions, type Generation } from '../lib/model/generate.ts';
import { loadModelFolder } from '../lib/model/checkpoint.ts';
import { Model } from '../lib/model/model.ts';
import { modelConfig } from '../lib/train/pipeline.ts';
import { runMain, scriptYargs } from '../lib/util/cli.ts';

function quartiles(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const q = (f: number) => s[Math.min(s.length - 1, Math.floor(f * s.length))];
  return `${q(0)} / ${q(0.25)} / ${q(0.5)} / ${q(0.75)} / ${s[s.length - 1]}`;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * A stand-in EOS and the prompts to time: for each candidate token, the prompts whose first
 * occurrence of it (the step they would stop at, `steps` when never) match the sorted target
 * lengths one by one, closest first; the token whose match is closest wins.
 */
function standIn(gens: Generation[], target: number[], steps: number, never: Set<number>): { eos: number; picked: number[] } {
  const want = target.map((n) => Math.min(n, steps)).sort((a, b) => a - b);
  const candidates = new Set(gens.flatMap((g) => g.tokens).filter((t) => !never.has(t)));
  let best = { eos: -1, picked: [] as number[], cost: Infinity };
  for (const t of candidates) {
    const stop = gens.map((g) => (g.tokens.includes(t) ? g.tokens.indexOf(t) + 1 : steps));
    const used = new Set<number>();
    let cost = 0;
    for (const w of want) {
      let pick = -1;
      for (let i = 0; i < stop.length; i++) if (!used.has(i) && (pick < 0 || Math.abs(stop[i] - w) < Math.abs(stop[pick] - w))) pick = i;
      used.add(pick);
      cost += Math.abs(stop[pick] - w);
    }
    if (cost < best.cost) best = { eos: t, picked: [...used].sort((x, y) => x - y), cost };
  }
  return best;
}

async function main(): Promise<void> {
  const a = await scriptYargs('bench-compact', '$0 --data DIR [options]\n\nTime greedy generation with and without compaction, interleaved.')
    .option('data', { type: 'string', demandOption: true, describe: 'a world folder (scripts/data.ts generate)' })
    // An initialised qwen-like model (tied embeddings) answers every prompt with the same repeated
    // token, so no token can stand in for EOS; llama-like's untied head gives varied outputs.
    .option('family', { choices: families, default: 'llama-like' as Family })
    .option('batch', { type: 'number', default: 64 })
    .option('max-new', { type: 'number', default: 160 })
    .option('reps', { type: 'number', default: 3, describe: 'timed runs of each variant' })
    .option('seed', { type: 'number', default: 1, describe: 'model initialisation' })
    .option('screen', { type: 'number', default: 640, describe: 'evaluation (then development) prompts screened for the batch' })
    .option('checkpoint', { type: 'string', describe: 'a trained model folder: its own EOS on the first --batch development prompts (no stand-in)' })
    .strict()
    .parseAsync();
  const data = loadDataset(a.data);
  const ctx = await createContext();
  const trained = a.checkpoint ? loadModelFolder(ctx, a.checkpoint) : null;
  const tok = trained?.tokenizer ?? data.tokenizer;
  const model = trained?.model ?? Model.init(ctx, modelConfig('cpu', a.family, tok.vocabSize), a.seed);
  const suppressTokens = paddingIds(tok, model.config.vocab);
  const greedy: GenerateOptions = { greedy: true, maxNewTokens: a['max-new'], suppressTokens };
  const teacher = data.pool.slice(0, a.batch).map((ex) => tok.encode(ex.response).ids.length + 1);

  let prompts: number[][];
  let opts: GenerateOptions;
  let steps = a['max-new'];
  if (trained) {
    prompts = data.dev.slice(0, a.batch).map((p) => promptIds(tok, promptFor('trace', p.problem)));
    opts = { ...greedy, eosTokenId: tok.eosId };
  } else {
    // Screen --screen prompts (untimed), then keep the batch whose stand-in stops match the
    // teacher's response lengths (its tokens and its EOS: what an SFT model imitates).
    const screened = [...data.eval, ...data.dev].slice(0, a.screen).map((p) => promptIds(tok, promptFor('trace', p.problem)));
    const free: Generation[] = [];
    for (let i = 0; i < screened.length; i += a.batch) free.push(...(await generate(model, screened.slice(i, i + a.batch), { ...greedy, compact: false })));
    steps = free[0].tokens.length;
    const { eos: eosTokenId, picked } = standIn(free, teacher, steps, new Set(suppressTokens));
    prompts = picked.map((i) => screened[i]);
    opts = { ...greedy, eosTokenId };
    console.log(`${prompts.length} of ${screened.length} prompts screened; stand-in EOS ${eosTokenId}`);
  }
  const want = await generate(model, prompts, { ...opts, compact: false });
  const stops = want.map((g) => g.tokens.length);
  console.log(`${prompts.length} prompts, ${steps} steps; teacher response tokens (min / q1 / median / q3 / max) ${quartiles(teacher)}`);
  console.log(`rows stop after ${quartiles(stops)} tokens (${stops.filter((n, i) => want[i].stop === 'length').length} rows run to the end)`);

  // Were a step's cost proportional to its rows, compaction to exactly the live rows after every
  // step would take this fraction of the time: the rows' own tokens over the uncompacted batch's
  // row-steps (it decodes until the readback after the last stop, every 16 steps).
  const uncompactedSteps = Math.min(steps, Math.ceil(Math.max(...stops) / 16) * 16);
  const bound = stops.reduce((s, n) => s + n, 0) / (prompts.length * uncompactedSteps);
  console.log(`rows' own tokens / uncompacted row-steps: ${bound.toFixed(3)}`);

  const variants = [
    { name: 'uncompacted', o: { ...opts, compact: false } },
    { name: 'compacted', o: opts },
  ];
  const times = new Map(variants.map((v) => [v.name, [] as number[]]));
  for (const v of variants) await generate(model, prompts, v.o); // pipelines and activation shapes, outside the timing
  for (let r = 0; r < a.reps; r++) {
    for (const v of variants) {
      const t0 = performance.now();
      const got = await generate(model, prompts, v.o);
      times.get(v.name)!.push((performance.now() - t0) / 1000);
      if (!isDeepStrictEqual(got, want)) throw new Error(`${v.name}: the generations differ from the uncompacted reference`);
    }
  }
  for (const [name, t] of times) console.log(`${name}: ${t.map((x) => x.toFixed(2)).join(', ')} s (median ${median(t).toFixed(2)})`);
  const ratio = median(times.get('compacted')!) / median(times.get('uncompacted')!);
  console.log(`compacted / uncompacted time: ${ratio.toFixed(3)} (speed-up ${(1 / ratio).toFixed(2)}x); generations identical`);
  ctx.destroy();
}

runMain(main);
