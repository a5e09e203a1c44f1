// The mechanism behind "sees but does not learn", measured on a model's own greedy generations
// (the records an evaluation saves) and on held-out teacher traces, per model:
//   - first-pass vs final accuracy: the first-pass answer is the answer given before the first
//     "Wait!" (world-3 traces end their first pass with "So the answer is \boxed{X}."), the final
//     one is the last \boxed{} of the whole generation; without "Wait!" the two are the same;
//   - the share of generations that verify (hold "Wait!"), and of them the answers the
//     verification fixed (first pass wrong, final right) and broke (first pass right, final wrong);
//   - the copy rate of the teacher's systematic wrong facts (lib/data/world/config.ts
//     slips.wrongFacts): of the equations "a op b = c" whose left side is one of those facts, the
//     share that write the teacher's wrong c;
//   - teacher-forced entropy on the first-pass tokens of held-out verified teacher traces (the
//     response before T_last, which VGGM sees but does not learn; the paper's Fig. 1 direction).
// docs/mechanism.md says what each one stands for.
import type { Dataset } from '../data/dataset.ts';
import type { WorldConfig } from '../data/world/config.ts';
import type { Model } from '../model/model.ts';
import { packBatch, roundedSeqLen } from '../train/batch.ts';
import { encodeTrace, errorPrefix, type WeightedSequence } from '../train/weights.ts';
import { gradeResponse } from './answer.ts';
import { WAIT } from './budget.ts';

/** The generation up to its first "Wait!" (all of it when it has none). */
export function firstPassText(text: string): string {
  const at = text.indexOf(WAIT);
  return at < 0 ? text : text.slice(0, at);
}

export interface GenerationMechanism {
  verifies: boolean;
  firstPass: { pred: string | null; equal: boolean };
  final: { pred: string | null; equal: boolean };
}

/** One generation's first-pass and final answers, graded against `gold`. */
export function generationMechanism(gold: string, text: string): GenerationMechanism {
  const final = gradeResponse(gold, text);
  const verifies = text.includes(WAIT);
  return { verifies, firstPass: verifies ? gradeResponse(gold, firstPassText(text)) : final, final };
}

export interface AnswerMechanism {
  generations: number;
  /** shares of all generations, in [0, 1] */
  firstPassAccuracy: number;
  finalAccuracy: number;
  verifyRate: number;
  /** first pass wrong, final right: the verification repaired the answer */
  fixedRate: number;
  /** first pass right, final wrong: the verification spoiled it */
  brokenRate: number;
  /** counts behind the rates */
  counts: { verifies: number; fixed: number; broken: number; firstPassRight: number; finalRight: number };
}

/** First-pass vs final accuracy, verification, fixes and breaks over generations. */
export function answerMechanism(gens: readonly { gold: string; text: string }[]): AnswerMechanism {
  const c = { verifies: 0, fixed: 0, broken: 0, firstPassRight: 0, finalRight: 0 };
  for (const g of gens) {
    const m = generationMechanism(g.gold, g.text);
    if (m.verifies) c.verifies++;
    if (m.firstPass.equal) c.firstPassRight++;
    if (m.final.equal) c.finalRight++;
    if (!m.firstPass.equal && m.final.equal) c.fixed++;
    if (m.firstPass.equal && !m.final.equal) c.broken++;
  }
  const n = gens.length;
  const r = (k: number) => (n ? k / n : NaN);
  return {
    generations: n,
    firstPassAccuracy: r(c.firstPassRight),
    finalAccuracy: r(c.finalRight),
    verifyRate: r(c.verifies),
    fixedRate: r(c.fixed),
    brokenRate: r(c.broken),
    counts: c,
  };
}

const SYMBOL: Record<string, string> = { '+': '+', '-': '-', '*': '\\times' };
// "a op b = c" anywhere in a text (integers; op as the world writes it)
const EQUATION = /(?<![\d/])(\d+) (\+|-|\\times) (\d+) = (\d+)(?![\d/])/g;

export interface WrongFactCopies {
  /** equations whose left side is one of the teacher's wrong facts */
  attempts: number;
  /** of those, the ones that write the teacher's wrong result */
  copies: number;
  /** of those, the ones that write the right result */
  right: number;
  /** copies / attempts (NaN without attempts) */
  copyRate: number;
}

/**
 * How often the texts write a teacher's wrong fact: of the equations "a op b = c" whose "a op b"
 * is one of `wrongFacts`, the share with c = the teacher's wrong value.
 */
export function wrongFactCopies(texts: readonly string[], wrongFacts: WorldConfig['slips']['wrongFacts']): WrongFactCopies {
  const wrong = new Map(wrongFacts.map((f) => [`${f.a} ${SYMBOL[f.op]} ${f.b}`, { wrong: f.wrong, right: f.op === '+' ? f.a + f.b : f.op === '-' ? f.a - f.b : f.a * f.b }]));
  let attempts = 0,
    copies = 0,
    right = 0;
  for (const t of texts) {
    for (const [, a, op, b, c] of t.matchAll(EQUATION)) {
      const f = wrong.get(`${a} ${op} ${b}`);
      if (!f) continue;
      attempts++;
      if (Number(c) === f.wrong) copies++;
      else if (Number(c) === f.right) right++;
    }
  }
  return { attempts, copies, right, copyRate: attempts ? copies / attempts : NaN };
}

/**
 * The first `n` held-out verified teacher traces (pool traces outside every split, on problems no
 * SFT trace holds; as lib/train/heldout.ts picks them) that fit `context` tokens, each weighted 1
 * on its first-pass tokens (the response before T_last) and 0 elsewhere.
 */
export function firstPassTraces(ds: Dataset, n: number, context: number): WeightedSequence[] {
  const sftProblems = new Set(ds.pool.filter((e) => e.split === 'sft_v1' || e.split === 'sft_v0').map((e) => (e.meta?.key as string | undefined) ?? e.problem));
  const out: WeightedSequence[] = [];
  for (const e of ds.pool) {
    if (out.length >= n) break;
    if (e.split !== 'unused' || e.v !== 1 || sftProblems.has((e.meta?.key as string | undefined) ?? e.problem)) continue;
    const ex = encodeTrace(ds.tokenizer, e);
    const prefix = errorPrefix(ex);
    if (!prefix || ex.ids.length - 1 > context) continue;
    const weights = new Float32Array(ex.ids.length);
    weights.fill(1, prefix.start, prefix.end);
    out.push({ inputIds: ex.ids, weights });
  }
  if (out.length < n) throw new Error(`${ds.dir}: only ${out.length} of ${n} held-out verified teacher traces (pool traces outside every split, on problems no SFT trace holds)`);
  return out;
}

/** Mean entropy (nats) of the model's next-token distribution over the weighted tokens, and their count (forward only). */
export async function teacherForcedEntropy(model: Model, traces: readonly WeightedSequence[], batch = 32): Promise<{ entropy: number; tokens: number }> {
  let sum = 0,
    count = 0;
  for (let i = 0; i < traces.length; i += batch) {
    const chunk = traces.slice(i, i + batch);
    const b = packBatch(chunk, roundedSeqLen(chunk));
    const { entropy } = await model.score({ batch: b.batch, seqLen: b.seqLen, ids: b.inputs, targets: b.targets, weights: b.weights });
    for (let j = 0; j < b.weights.length; j++) {
      if (b.weights[j] <= 0) continue;
      sum += entropy[j];
      count++;
    }
  }
  return { entropy: count ? sum / count : NaN, tokens: count };
}
