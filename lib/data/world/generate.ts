// The whole world for one seed and scale: held-out evaluation problems, development problems (for
// choices made before evaluation), the labelled teacher pool with its split, and the clean Base
// corpus. Deterministic: the same seed gives the same records.
import { Rng } from '../../util/rng.ts';
import { countWorldTokens } from '../../tokenizer/index.ts';
import { basePrompt, tracePrompt } from '../prompts.ts';
import { ruleLabeller, type Labeller } from '../segment/labeller.ts';
import { assignSplits, splitCounts, type SplitCounts } from '../split.ts';
import type { BaseRecord, EvalProblem, Example, Tier } from '../types.ts';
import { SCALES, TIERS, WORLD_CONFIG, type ScaleName, type WorldConfig } from './config.ts';
import { answerOf, apply, fmt, inDomain, makeProblem, OP_SYMBOL, problemKey, rat, workedSteps, type Op, type Problem } from './problems.ts';
import { teacherTrace } from './teacher.ts';

export interface World {
  seed: number;
  scale: ScaleName;
  config: WorldConfig;
  eval: EvalProblem[];
  /** Development problems: their own RNG stream, disjoint from `eval` and from every training
   *  problem; the place for development accuracy (docs/budget-rules.md). */
  dev: EvalProblem[];
  pool: Example[];
  base: BaseRecord[];
  /** Base-corpus records no model trains on (own RNG stream; problems outside the Base corpus,
   *  `eval` and `dev`): the Base budget's held-out NLL. */
  baseHeldout: BaseRecord[];
  want: SplitCounts;
}

function pickTier(rng: Rng, cfg: WorldConfig): Tier {
  const total = TIERS.reduce((s, t) => s + cfg.tierWeights[t], 0);
  let x = rng.next() * total;
  for (const t of TIERS) if ((x -= cfg.tierWeights[t]) < 0) return t;
  return TIERS[TIERS.length - 1];
}

/** Draws problems whose key is not in `banned`; prefers keys not yet used (`softTries` tries),
 *  since the small-operand math kinds have only a few hundred distinct problems. */
function drawProblem(tier: Tier, rng: Rng, cfg: WorldConfig, banned: Set<string>, used: Set<string>, softTries: number): Problem {
  let fallback: Problem | null = null;
  for (let t = 0; t < 20000; t++) {
    const p = makeProblem(tier, rng, cfg);
    const k = problemKey(p);
    if (banned.has(k)) continue;
    if (!used.has(k)) return p;
    fallback ??= p;
    if (t + 1 >= softTries) return fallback;
  }
  if (fallback) return fallback;
  throw new Error(`world: no ${tier} problem outside the evaluation and development sets after 20000 draws (problem space too small)`);
}

/** `sizes[tier]` problems per tier, none of whose keys is in `taken` (each one drawn is added). */
function drawHeldOut(rng: Rng, cfg: WorldConfig, sizes: Record<Tier, number>, taken: Set<string>, idPrefix: string): EvalProblem[] {
  const out: EvalProblem[] = [];
  for (const tier of TIERS)
    for (let i = 0; i < sizes[tier]; i++) {
      const p = drawProblem(tier, rng, cfg, taken, new Set(), 1);
      taken.add(problemKey(p));
      out.push({ id: `${idPrefix}-${tier}-${i}`, tier, problem: p.text, answer: answerOf(p), key: problemKey(p) });
    }
  return out;
}

/** `n` records of the clean Base corpus (drills, worked or terse answers, never a verification),
 *  on problems outside `banned`, preferring ones not in `used` (each one drawn is added to it). */
function baseCorpus(n: number, rng: Rng, cfg: WorldConfig, facts: ReturnType<typeof allFacts>, banned: Set<string>, used: Set<string>, idPrefix: string): BaseRecord[] {
  const base: BaseRecord[] = [];
  for (let i = 0; i < n; i++) {
    const id = `${idPrefix}-${i}`;
    if (rng.next() < cfg.base.factDrillFraction) {
      const drill = Array.from({ length: cfg.base.factsPerDrill }, () => rng.pick(facts));
      const exprs = drill.map((f) => `${f.a} ${OP_SYMBOL[f.op]} ${f.b}`);
      const values = drill.map((f) => fmt(apply(f.op, rat(f.a), rat(f.b))));
      const ans = values[values.length - 1];
      const asked = exprs.length > 1 ? `${exprs.slice(0, -1).join(', ')} and ${exprs[exprs.length - 1]}` : exprs[0];
      const work = exprs.map((e, j) => `${e} = ${values[j]}.`).join(' ');
      base.push({ id, tier: 'drill', problem: `Compute ${asked}.`, answer: ans, solution: `${work} The answer is \\boxed{${ans}}.` });
      continue;
    }
    const tier = pickTier(rng, cfg);
    const worked = rng.next() < cfg.base.worked[tier];
    for (;;) {
      const p = drawProblem(tier, rng, cfg, banned, used, 30);
      const ans = answerOf(p);
      const work = worked ? workedSteps(p) : p.terse;
      const solution = `${work ? work + ' ' : ''}The answer is \\boxed{${ans}}.`;
      if (countWorldTokens(basePrompt(p.text)) + countWorldTokens(solution) + 2 > cfg.maxTokens) continue;
      used.add(problemKey(p));
      base.push({ id, tier, problem: p.text, answer: ans, solution, key: problemKey(p) });
      break;
    }
  }
  return base;
}

function allFacts(cfg: WorldConfig): { a: number; op: Op; b: number }[] {
  const out: { a: number; op: Op; b: number }[] = [];
  const top = cfg.facts.addLeftMax + cfg.facts.operandMax;
  for (const op of ['+', '-', '*', '/'] as Op[])
    for (let a = 0; a <= Math.max(top, cfg.facts.mulMax * cfg.facts.mulMax); a++)
      for (let b = 1; b <= cfg.facts.mulMax; b++) if (inDomain(cfg, a, op, b)) out.push({ a, op, b });
  return out;
}

export function generateWorld(opts: { seed: number; scale: ScaleName; config?: WorldConfig; labeller?: Labeller }): World {
  const cfg = opts.config ?? WORLD_CONFIG;
  const sc = SCALES[opts.scale];
  const labeller = opts.labeller ?? ruleLabeller;
  const root = new Rng(opts.seed);
  const evalRng = root.fork(1), poolRng = root.fork(2), baseRng = root.fork(3), devRng = root.fork(4), baseHeldoutRng = root.fork(5);
  const pre = `w${opts.seed}`;

  // 1. Held-out evaluation problems, then development problems from their own stream; both are
  // distinct from each other and banned from all training data.
  const heldKeys = new Set<string>();
  const evals = drawHeldOut(evalRng, cfg, sc.eval, heldKeys, `${pre}-eval`);
  const dev = drawHeldOut(devRng, cfg, sc.dev, heldKeys, `${pre}-dev`);

  // 2. The raw teacher pool, labelled by the labeller (not by the truth).
  const used = new Set<string>();
  const pool: Example[] = [];
  for (let i = 0; i < sc.pool; i++) {
    const tier = pickTier(poolRng, cfg);
    for (;;) {
      const p = drawProblem(tier, poolRng, cfg, heldKeys, used, 30);
      const tr = teacherTrace(p, poolRng, cfg);
      const prompt = tracePrompt(p.text);
      // Context limit: prompt + the longer of raw/rewritten response + bos + eos.
      if (countWorldTokens(prompt) + Math.max(countWorldTokens(tr.raw), countWorldTokens(tr.truth.rewritten)) + 2 > cfg.maxTokens) continue;
      used.add(problemKey(p));
      const l = labeller.label(tr.raw);
      if (l instanceof Promise) throw new Error('generateWorld: the world is labelled synchronously (use the rule labeller)');
      pool.push({
        id: `${pre}-pool-${i}`, tier, problem: p.text, answer: answerOf(p), raw: tr.raw, response: l.rewritten, v: l.v, tLast: l.tLast,
        split: 'unused', label: { labeller: labeller.name, version: labeller.version }, truth: tr.truth, meta: { kind: p.kind, key: problemKey(p) },
      });
      break;
    }
  }
  const want = splitCounts(sc.unit);
  const splits = assignSplits(pool.map((e) => e.v), want, opts.seed, pool.map((e) => e.meta!.key as string));
  pool.forEach((e, i) => (e.split = splits[i]));

  // 3. The clean Base corpus: fact drills, worked or terse answers, never a verification.
  const facts = allFacts(cfg);
  const base = baseCorpus(sc.base, baseRng, cfg, facts, heldKeys, used, `${pre}-base`);
  // 4. A held-out Base corpus from its own stream, for choosing the Base budget on NLL
  // (docs/budget-rules.md): the same recipe, on problems outside the Base corpus, eval and dev.
  const notBase = new Set([...heldKeys, ...base.flatMap((b) => (b.key ? [b.key] : []))]);
  const baseHeldout = baseCorpus(sc.baseHeldout, baseHeldoutRng, cfg, facts, notBase, new Set(), `${pre}-base-heldout`);
  return { seed: opts.seed, scale: opts.scale, config: cfg, eval: evals, dev, pool, base, baseHeldout, want };
}
