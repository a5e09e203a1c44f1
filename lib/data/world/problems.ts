// Problem programs of the three tiers. A problem is a list of steps, each one binary operation on
// constants or earlier results; the teacher (teacher.ts) renders it as R1-style text and the Base
// corpus (base.ts) as one terse line. Correct intermediate values stay inside the fact domain of
// the config so each step is a fact a small model can memorise.
import type { Rng } from '../../util/rng.ts';
import type { Tier, WorldConfig } from './config.ts';

export type Op = '+' | '-' | '*' | '/';
export type Operand = { c: number } | { ref: number };

export interface Step {
  /** Words before the equation in a trace, e.g. "After buying 5 more: ". */
  lead: string;
  op: Op;
  a: Operand;
  b: Operand;
  /** 'sign': the step moves a term across "=", where the teacher's favourite wrong rule applies. */
  rule?: 'sign';
}

export interface Problem {
  tier: Tier;
  kind: string;
  text: string;
  steps: Step[];
  /** Sentence before the first step in a trace (e.g. "Mia starts with 7 apples."), may be "". */
  intro: string;
  /** The Base corpus's one line of work (may be "" when the tier is answered without work). */
  terse: string;
}

// ---- exact rationals -------------------------------------------------------------------------

export interface Rat { n: number; d: number }

export function gcd(a: number, b: number): number {
  a = Math.abs(a); b = Math.abs(b);
  while (b) [a, b] = [b, a % b];
  return a || 1;
}
export function rat(n: number, d = 1): Rat {
  if (d === 0) throw new Error('division by zero in a world problem');
  const s = d < 0 ? -1 : 1;
  const g = gcd(n, d);
  return { n: (s * n) / g, d: (s * d) / g };
}
export function fmt(r: Rat): string {
  return r.d === 1 ? `${r.n}` : `${r.n}/${r.d}`;
}
export function apply(op: Op, x: Rat, y: Rat): Rat {
  switch (op) {
    case '+': return rat(x.n * y.d + y.n * x.d, x.d * y.d);
    case '-': return rat(x.n * y.d - y.n * x.d, x.d * y.d);
    case '*': return rat(x.n * y.n, x.d * y.d);
    case '/': return rat(x.n * y.d, x.d * y.n);
  }
}
export const OP_SYMBOL: Record<Op, string> = { '+': '+', '-': '-', '*': '\\times', '/': '/' };

/** Evaluate a problem's steps exactly (no slips). */
export function evaluate(p: Problem): Rat[] {
  const vals: Rat[] = [];
  for (const s of p.steps) vals.push(apply(s.op, operand(s.a, vals), operand(s.b, vals)));
  return vals;
}
export function operand(o: Operand, vals: readonly Rat[]): Rat {
  return 'c' in o ? rat(o.c) : vals[o.ref];
}
/** The clean worked answer of the Base corpus: every step as one correct equation, no words
 *  ("13 + 7 = 20. 20 / 4 = 5."), in the same notation as the teacher's equations. */
export function workedSteps(p: Problem): string {
  const vals = evaluate(p);
  return p.steps.map((s, j) => `${fmt(operand(s.a, vals))} ${OP_SYMBOL[s.op]} ${fmt(operand(s.b, vals))} = ${fmt(vals[j])}.`).join(' ');
}
export function answerOf(p: Problem): string {
  const v = evaluate(p);
  return fmt(v[v.length - 1]);
}

/** Is `a op b` (integers) an atomic fact of the world's domain? */
export function inDomain(cfg: WorldConfig, a: number, op: Op, b: number): boolean {
  const { addLeftMax: L, operandMax: M, mulMax: X } = cfg.facts;
  switch (op) {
    case '+': return a >= 0 && a <= L && b >= 1 && b <= M;
    case '-': return a >= 0 && a <= L + M && b >= 1 && b <= M && a - b >= 0;
    case '*': return a >= 1 && a <= X && b >= 1 && b <= X;
    case '/': return b >= 2 && b <= X && a >= 1 && a % b === 0 && a / b <= X;
  }
}

// ---- word lists ------------------------------------------------------------------------------

const NAMES = ['Mia', 'Leo', 'Ava', 'Sam', 'Zoe', 'Ben', 'Ivy', 'Max', 'Amy', 'Tom'];
const ITEMS = ['apples', 'marbles', 'stickers', 'cards', 'books', 'pencils', 'coins', 'shells', 'cookies', 'stamps'];
const VARS = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];

// ---- gsm8k: a short story, 2-4 events on one quantity ----------------------------------------

function gsm8k(rng: Rng, cfg: WorldConfig): Problem {
  const { addLeftMax: L, operandMax: M, mulMax: X } = cfg.facts;
  const who = rng.pick(NAMES);
  let other = rng.pick(NAMES);
  while (other === who) other = rng.pick(NAMES);
  const item = rng.pick(ITEMS);
  const n = rng.int(cfg.steps.gsm8k[0], cfg.steps.gsm8k[1]);
  const x0 = rng.int(2, 20);
  let cur = x0;
  const steps: Step[] = [];
  const events: string[] = [];
  let question = `How many ${item} does ${who} have now?`;
  let terse = `${x0}`;
  for (let i = 0; i < n; i++) {
    const last = i === n - 1;
    const ops: Op[] = [];
    if (cur <= L) ops.push('+');
    if (cur >= 2 && cur <= L + M) ops.push('-');
    // Products stay small enough that a subtraction can always follow (no dead ends).
    const mulTop = Math.min(X, Math.floor((L + M) / Math.max(cur, 1)));
    if (cur >= 2 && cur <= X && mulTop >= 2) ops.push('*');
    if (last && [2, 3, 4, 5, 6, 7, 8, 9].some((b) => b <= X && inDomain(cfg, cur, '/', b))) ops.push('/');
    const op = rng.pick(ops);
    let b: number;
    if (op === '/') b = rng.pick([2, 3, 4, 5, 6, 7, 8, 9].filter((k) => inDomain(cfg, cur, '/', k)));
    else if (op === '*') b = rng.int(2, mulTop);
    else if (op === '-') b = rng.int(1, Math.min(M, cur - 1));
    else b = rng.int(1, M);
    const a: Operand = i === 0 ? { c: x0 } : { ref: i - 1 };
    const v = rng.int(0, 2);
    if (op === '+') {
      events.push([`${who} buys ${b} more ${item}.`, `${who} finds ${b} more ${item}.`, `${other} gives ${who} ${b} more ${item}.`][v]);
      steps.push({ lead: ['After buying ', 'After finding ', 'After getting '][v] + `${b} more: `, op, a, b: { c: b } });
    } else if (op === '-') {
      events.push([`${who} gives ${b} ${item} to ${other}.`, `${who} loses ${b} ${item}.`, `${who} sells ${b} ${item}.`][v]);
      steps.push({ lead: ['After giving away ', 'After losing ', 'After selling '][v] + `${b}: `, op, a, b: { c: b } });
    } else if (op === '*') {
      events.push(`Then the number of ${item} becomes ${b} times as large.`);
      steps.push({ lead: `Multiplying by ${b}: `, op, a, b: { c: b } });
    } else {
      events.push(`${who} shares the ${item} equally among ${b} friends.`);
      question = `How many ${item} does each friend get?`;
      steps.push({ lead: `Sharing among ${b}: `, op, a, b: { c: b } });
    }
    const sym = OP_SYMBOL[op];
    const wrap = (op === '*' || op === '/') && /[+-]/.test(terse);
    terse = `${wrap ? `(${terse})` : terse} ${sym} ${b}`;
    cur = apply(op, rat(cur), rat(b)).n;
  }
  return {
    tier: 'gsm8k', kind: 'story',
    text: `${who} has ${x0} ${item}. ${events.join(' ')} ${question}`,
    steps, intro: `${who} starts with ${x0} ${item}.`, terse: `${terse} = ${cur}.`,
  };
}

// ---- math: a linear equation, a sum of fractions, a percentage --------------------------------

function linear(rng: Rng, cfg: WorldConfig): Problem {
  const a = rng.int(2, cfg.facts.mulMax);
  const b = rng.int(1, cfg.facts.operandMax);
  const d = rng.int(1, cfg.facts.addLeftMax);
  const c = d + b;
  const x = fmt(rat(d, a));
  return {
    tier: 'math', kind: 'linear',
    text: `Solve for x: ${a}x + ${b} = ${c}.`,
    steps: [
      { lead: `Subtract ${b} from both sides: ${a}x = `, op: '-', a: { c }, b: { c: b }, rule: 'sign' },
      { lead: `Divide by ${a}: x = `, op: '/', a: { ref: 0 }, b: { c: a } },
    ],
    intro: '', terse: `x = (${c} - ${b})/${a} = ${x}.`,
  };
}

function fractions(rng: Rng, cfg: WorldConfig): Problem {
  for (;;) {
    const q = rng.int(2, 6), s = rng.int(2, 6);
    const p = rng.int(1, q - 1), r = rng.int(1, s - 1);
    const L = (q * s) / gcd(q, s);
    const n1 = p * (L / q), n2 = r * (L / s);
    if (!inDomain(cfg, p, '*', L / q) || !inDomain(cfg, r, '*', L / s) || !inDomain(cfg, n1, '+', n2)) continue;
    const sum = fmt(rat(n1 + n2, L));
    return {
      tier: 'math', kind: 'fractions',
      text: `Compute ${p}/${q} + ${r}/${s}.`,
      steps: [
        { lead: 'First numerator: ', op: '*', a: { c: p }, b: { c: L / q } },
        { lead: 'Second numerator: ', op: '*', a: { c: r }, b: { c: L / s } },
        { lead: 'Sum of numerators: ', op: '+', a: { ref: 0 }, b: { ref: 1 } },
        { lead: 'So the sum is ', op: '/', a: { ref: 2 }, b: { c: L } },
      ],
      intro: `The common denominator is ${L}.`, terse: `${p}/${q} + ${r}/${s} = ${sum}.`,
    };
  }
}

const PERCENTS: [number, number, number][] = [[10, 1, 10], [20, 1, 5], [25, 1, 4], [50, 1, 2], [75, 3, 4], [40, 2, 5], [60, 3, 5], [30, 3, 10]];

function percent(rng: Rng, cfg: WorldConfig): Problem {
  const [P, k, m] = rng.pick(PERCENTS);
  const N = m * rng.int(2, 12);
  const steps: Step[] = [{ lead: `${P}% is ${k}/${m}, so `, op: '/', a: { c: N }, b: { c: m } }];
  if (k > 1) steps.push({ lead: 'Then ', op: '*', a: { ref: 0 }, b: { c: k } });
  const ans = (N / m) * k;
  return {
    tier: 'math', kind: 'percent', text: `What is ${P}% of ${N}?`, steps, intro: '',
    terse: `${P}% of ${N} = ${N} \\times ${k}/${m} = ${ans}.`,
  };
}

// ---- amc23: a longer chain of definitions that refer back to earlier ones ----------------------

function chain(rng: Rng, cfg: WorldConfig): Problem {
  const n = rng.int(cfg.steps.amc23[0], cfg.steps.amc23[1]);
  const steps: Step[] = [];
  const vals: number[] = [];
  const defs: string[] = [];
  const ops: Op[] = ['+', '-', '*'];
  for (let i = 0; i < n; i++) {
    const last = i === n - 1;
    for (let tries = 0; ; tries++) {
      if (tries > 200) throw new Error('world: could not extend an amc23 chain (fact domain too small?)');
      const op: Op = last && rng.next() < 0.25 ? '/' : rng.pick(ops);
      let a: Operand, b: Operand;
      if (i === 0) {
        a = { c: rng.int(2, op === '*' ? cfg.facts.mulMax : 20) };
        b = { c: rng.int(1, cfg.facts.operandMax) };
      } else {
        a = { ref: i - 1 };
        b = i >= 2 && rng.next() < 0.4 ? { ref: rng.int(0, i - 2) } : { c: rng.int(op === '*' || op === '/' ? 2 : 1, cfg.facts.operandMax) };
      }
      const av = 'c' in a ? a.c : vals[a.ref];
      const bv = 'c' in b ? b.c : vals[b.ref];
      // The last step may divide into a fraction (AMC answers such as 13/4); every other step
      // must be an integer fact of the domain.
      // Products stay small enough that a subtraction can always follow (no dead ends).
      const ok = op === '/' ? av >= 1 && av <= cfg.facts.addLeftMax && bv >= 2 && bv <= cfg.facts.mulMax && av % bv !== 0
        : inDomain(cfg, av, op, bv) && (op !== '*' || av * bv <= cfg.facts.addLeftMax + cfg.facts.operandMax);
      if (!ok) continue;
      const name = (o: Operand) => ('c' in o ? `${o.c}` : VARS[o.ref]);
      defs.push(`Let ${VARS[i]} = ${name(a)} ${OP_SYMBOL[op]} ${name(b)}.`);
      steps.push({ lead: `${VARS[i]} = `, op, a, b });
      vals.push(op === '/' ? NaN : apply(op, rat(av), rat(bv)).n);
      break;
    }
  }
  return {
    tier: 'amc23', kind: 'chain',
    text: `${defs.join(' ')} What is ${VARS[n - 1]}?`,
    steps, intro: '', terse: '',
  };
}

/** The problem's mathematical identity (kind, operations, numbers; names and items left out):
 *  evaluation problems are disjoint from training problems by this key. */
export function problemKey(p: Problem): string {
  const o = (x: Operand) => ('c' in x ? `${x.c}` : `#${x.ref}`);
  return `${p.kind}|${p.steps.map((s) => `${o(s.a)}${s.op}${o(s.b)}`).join(',')}`;
}

export function makeProblem(tier: Tier, rng: Rng, cfg: WorldConfig): Problem {
  if (tier === 'gsm8k') return gsm8k(rng, cfg);
  if (tier === 'amc23') return chain(rng, cfg);
  const k = rng.next();
  return k < 0.5 ? linear(rng, cfg) : k < 0.75 ? fractions(rng, cfg) : percent(rng, cfg);
}
