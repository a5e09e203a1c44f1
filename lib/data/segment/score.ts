// Scoring a labeller against the world's ground truth: T_last agreement and the v confusion matrix.
import type { LoadedTokenizer } from '../../tokenizer/index.ts';
import { encodeExample } from '../encode.ts';
import { tracePrompt } from '../prompts.ts';
import type { Example, TraceTruth } from '../types.ts';
import { splitSentences } from './rules.ts';
import type { Label } from './labeller.ts';

export interface Agreement {
  n: number;
  /** Labels whose tLast equals the truth's (both null counts as agreement). */
  tLastAgree: number;
  /** Same, over traces whose truth has v=1. */
  tLastAgreeV1: number;
  nV1: number;
  /** Labels whose rewritten text equals the truth's. */
  rewrittenAgree: number;
  /** confusion[truth v][label v]. */
  confusion: [[number, number], [number, number]];
}

export function scoreLabels(pairs: Iterable<{ truth: TraceTruth; label: Label }>): Agreement {
  const a: Agreement = { n: 0, tLastAgree: 0, tLastAgreeV1: 0, nV1: 0, rewrittenAgree: 0, confusion: [[0, 0], [0, 0]] };
  for (const { truth, label } of pairs) {
    a.n++;
    const same = truth.tLast === label.tLast;
    if (same) a.tLastAgree++;
    if (truth.v === 1) {
      a.nV1++;
      if (same) a.tLastAgreeV1++;
    }
    if (truth.rewritten === label.rewritten) a.rewrittenAgree++;
    a.confusion[truth.v][label.v]++;
  }
  return a;
}

/** Agreement of the rules labeller with a reference label (an external labeller's, or a person's)
 *  on the examples that carry both in `labels`. */
export interface ReferenceAgreement {
  reference: string;
  n: number;
  vAgree: number;
  /** Both say v=1. */
  bothV1: number;
  /** T_last in the same sentence of the raw trace. */
  sameSentence: number;
  /** T_last within 80 characters. */
  within80: number;
  /** Examples where v or T_last (same sentence) disagree: id, reference and rules offsets. */
  disagreements: { id: string; reference: number | null; rules: number | null }[];
}

/** Two T_last offsets into the same raw trace: in the same sentence, and within 80 characters (the
 *  two agreement measures every comparison of labellers or readers uses). */
export function compareStarts(raw: string, a: number, b: number): { sameSentence: boolean; within80: boolean } {
  const sentences = splitSentences(raw);
  const at = (o: number) => sentences.findIndex((s) => o >= s.start && o < s.end);
  return { sameSentence: at(a) === at(b), within80: Math.abs(a - b) <= 80 };
}

export function referenceAgreement(pool: readonly Example[], rulesName = 'rules'): ReferenceAgreement | null {
  let a: ReferenceAgreement | null = null;
  for (const e of pool) {
    const rules = e.labels?.find((l) => l.labeller === rulesName);
    const ref = e.labels?.find((l) => l.labeller !== rulesName);
    if (!rules || !ref) continue;
    a ??= { reference: `${ref.labeller}@${ref.version}`, n: 0, vAgree: 0, bothV1: 0, sameSentence: 0, within80: 0, disagreements: [] };
    a.n++;
    let agree = ref.v === rules.v;
    if (agree) a.vAgree++;
    if (ref.v === 1 && rules.v === 1) {
      a.bothV1++;
      const c = compareStarts(e.raw, ref.tLastRaw!, rules.tLastRaw!);
      if (c.sameSentence) a.sameSentence++;
      else agree = false;
      if (c.within80) a.within80++;
    }
    if (!agree) a.disagreements.push({ id: e.id, reference: ref.tLastRaw, rules: rules.tLastRaw });
  }
  return a;
}

/** Fraction of response tokens that get loss under VGGM (from T_last on for v=1, all for v=0). */
export function responseLossShare(pool: readonly Example[], tok: LoadedTokenizer): number {
  let learned = 0, all = 0;
  for (const e of pool) {
    const enc = encodeExample(tok, tracePrompt(e.problem), e.response, e.tLast);
    const resp = enc.eos - enc.responseStart;
    all += resp;
    learned += resp - ((enc.tLastToken ?? enc.responseStart) - enc.responseStart);
  }
  return all ? learned / all : 0;
}
