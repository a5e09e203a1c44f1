// The R1-style teacher: renders a problem as a raw reasoning trace with, sometimes, a slip from
// the fixed catalogue that propagates to the end of the first pass, the first pass's answer
// sentence, then (for a verified trace) a varied raw verification cue, a correction or re-check
// that reaches the right answer, and a final \boxed{} answer (world-3's answer-sentence rule,
// docs/world.md). It also returns the ground truth of every
// segment (TraceTruth), which only the segmenter's scoring may read.
import type { Rng } from '../../util/rng.ts';
import type { TraceTruth, TruthSegment } from '../types.ts';
import type { SlipKind, WorldConfig } from './config.ts';
import { apply, evaluate, fmt, OP_SYMBOL, operand, rat, type Op, type Problem, type Rat } from './problems.ts';

export const TRIGGER = 'Wait!';
/** The words before the first pass's \boxed{} answer, in every trace (world-3). */
export const ANSWER_SENTENCE_LEAD = 'So the answer is ';

export interface TeacherTrace {
  raw: string;
  truth: TraceTruth;
}

interface Written { a: Rat; op: Op; b: Rat; v: Rat }

function lhs(w: Written): string {
  return `${fmt(w.a)} ${OP_SYMBOL[w.op]} ${fmt(w.b)}`;
}
function eq(w: Written): string {
  return `${lhs(w)} = ${fmt(w.v)}`;
}
const isInt = (r: Rat) => r.d === 1;

/** The teacher's carry rule: add digit columns and drop the carry (17 + 8 = 15). */
function dropCarry(a: number, b: number): number {
  return Math.floor(a / 10) * 10 + Math.floor(b / 10) * 10 + ((a % 10) + (b % 10)) % 10;
}
/** The teacher's borrow rule: in the ones column take the smaller digit from the larger (23 - 7 = 24). */
function noBorrow(a: number, b: number): number {
  return (Math.floor(a / 10) - Math.floor(b / 10)) * 10 + Math.abs((a % 10) - (b % 10));
}
function swapDigits(x: number): number | null {
  if (x < 10 || x > 99 || x % 10 === 0 || Math.floor(x / 10) === x % 10) return null;
  return (x % 10) * 10 + Math.floor(x / 10);
}

interface Slip { kind: SlipKind; step: number; orig?: number; swapped?: number }

/** The first pass as the teacher writes it: the first slip that fires changes one step; every
 *  later step is computed correctly from the (possibly wrong) earlier values. */
function firstPass(p: Problem, rng: Rng, cfg: WorldConfig): { written: Written[]; slip: Slip | null } {
  const s = cfg.slips;
  const written: Written[] = [];
  const vals: Rat[] = [];
  let slip: Slip | null = null;
  p.steps.forEach((st, j) => {
    let a = operand(st.a, vals);
    const b = operand(st.b, vals);
    let op = st.op;
    let v = apply(op, a, b);
    if (!slip) {
      const ints = isInt(a) && isInt(b);
      const wf = ints ? s.wrongFacts.find((f) => f.a === a.n && f.op === op && f.b === b.n) : undefined;
      const carry = ints && op === '+' && a.n >= 0 && b.n >= 0 && (a.n % 10) + (b.n % 10) >= 10;
      const borrow = ints && op === '-' && a.n >= 10 && b.n >= 0 && a.n % 10 < b.n % 10;
      const sw = 'ref' in st.a && isInt(a) ? swapDigits(a.n) : null;
      if (wf && rng.next() < s.pFact) {
        v = rat(wf.wrong);
        slip = { kind: 'fact', step: j };
      } else if (carry && rng.next() < s.pCarry) {
        v = rat(dropCarry(a.n, b.n));
        slip = { kind: 'carry', step: j };
      } else if (borrow && rng.next() < s.pBorrow) {
        v = rat(noBorrow(a.n, b.n));
        slip = { kind: 'borrow', step: j };
      } else if (st.rule === 'sign' && rng.next() < s.pSign) {
        op = op === '-' ? '+' : '-';
        v = apply(op, a, b);
        slip = { kind: 'sign', step: j };
      } else if (sw !== null && rng.next() < s.pSwap) {
        slip = { kind: 'swap', step: j, orig: a.n, swapped: sw };
        a = rat(sw);
        v = apply(op, a, b);
      } else if (op === '*' && rng.next() < s.pOp) {
        op = '+';
        v = apply(op, a, b);
        slip = { kind: 'op', step: j };
      }
    }
    written.push({ a, op, b, v });
    vals.push(v);
  });
  return { written, slip };
}

/** Joins sentences with single spaces and records each one's span. */
class Builder {
  text = '';
  segments: TruthSegment[] = [];
  add(kind: TruthSegment['kind'], s: string, extra: Partial<TruthSegment> = {}): TruthSegment {
    if (this.text) this.text += ' ';
    const seg = { kind, start: this.text.length, end: this.text.length + s.length, ...extra };
    this.text += s;
    this.segments.push(seg);
    return seg;
  }
}

export function teacherTrace(p: Problem, rng: Rng, cfg: WorldConfig): TeacherTrace {
  const right = evaluate(p);
  const rightW: Written[] = p.steps.map((st, j) => ({ a: operand(st.a, right), op: st.op, b: operand(st.b, right), v: right[j] }));
  const answer = fmt(right[right.length - 1]);
  const n = p.steps.length;
  const { written, slip } = firstPass(p, rng, cfg);
  const kind: TraceTruth['kind'] = slip ? 'correct' : rng.next() < cfg.verify.pNoVerifyClean ? 'none' : 'recheck';
  // world-3: the first pass always runs to its answer sentence (a slip propagates to the end), so
  // every trace, verified or not, reaches "So the answer is \boxed{X}." before any cue.
  const early = kind !== 'none' && rng.next() < cfg.verify.pEarlyCheck;
  const earlyCands = [...Array(n - 1).keys()].filter((j) => !slip || j !== slip.step);
  const earlyAt = early && earlyCands.length ? rng.pick(earlyCands) : -1;
  const cuelessOk = earlyAt < 0 && (kind === 'recheck' || (slip !== null && ['fact', 'carry', 'borrow'].includes(slip.kind)));
  const cueless = cuelessOk && rng.next() < cfg.verify.pCueless;

  const B = new Builder();
  if (p.intro) B.add('step', p.intro);
  for (let j = 0; j < n; j++) {
    B.add('step', `${p.steps[j].lead}${eq(written[j])}.`, { step: j, wrong: slip !== null && j >= slip.step });
    if (j === earlyAt) B.add('early_check', `${rng.pick(cfg.cues)} ${eq(written[j])}. Yes.`, { step: j });
  }
  const firstPassAnswer = fmt(written[n - 1].v);
  // The same sentence ends an unverified trace (kind 'answer') and the first pass of a verified one
  // (kind 'tentative', before the cue): the choice to verify is made after it.
  B.add(kind === 'none' ? 'answer' : 'tentative', `${ANSWER_SENTENCE_LEAD}\\boxed{${firstPassAnswer}}.`, { wrong: slip !== null });
  let cue: TraceTruth['cue'] = null;
  if (kind !== 'none') {
    if (cueless) {
      // A bare recomputation: the segment starts where the next sentence will.
      const at = B.text.length + 1;
      cue = { start: at, end: at, text: '' };
    } else {
      const c = B.add('cue', rng.pick(cfg.cues));
      cue = { start: c.start, end: c.end, text: B.text.slice(c.start, c.end) };
    }
    if (slip) {
      const s = slip.step;
      const w = written[s], r = rightW[s];
      const first =
        slip.kind === 'sign' ? `The sign is wrong: ${eq(r)}, not ${fmt(w.v)}.`
        : slip.kind === 'swap' ? `I copied ${slip.orig} as ${slip.swapped}. ${eq(r)}.`
        : slip.kind === 'op' ? `That step is a product: ${eq(r)}.`
        : `${lhs(w)} = ${fmt(r.v)}, not ${fmt(w.v)}.`;
      B.add('correction', first, { step: s });
      for (let j = s + 1; j < n; j++) B.add('correction', `${j === s + 1 ? 'Then ' : ''}${eq(rightW[j])}.`, { step: j });
    } else {
      const r = Math.min(n, rng.int(1, 2));
      for (let j = n - r; j < n; j++) B.add('recheck', `${eq(rightW[j])}.`, { step: j });
      B.add('recheck', rng.pick(['Yes, that is right.', 'That checks out.', 'Correct.']));
    }
    B.add('answer', `The answer is \\boxed{${answer}}.`);
  }
  const raw = B.text;
  const rewritten = cue ? raw.slice(0, cue.start) + (cue.text ? TRIGGER : `${TRIGGER} `) + raw.slice(cue.end) : raw;
  return {
    raw,
    truth: {
      v: kind === 'none' ? 0 : 1,
      kind,
      slip: slip ? { kind: slip.kind, step: slip.step, wrong: fmt(written[slip.step].v), right: fmt(right[slip.step]) } : null,
      firstPassAnswer,
      cue,
      tLastRaw: cue ? cue.start : null,
      tLast: cue ? cue.start : null,
      rewritten,
      segments: B.segments,
    },
  };
}
