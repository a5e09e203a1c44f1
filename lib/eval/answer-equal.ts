// Equality of two parsed answers, gold first. Numbers compare with a small tolerance; expressions
// in variables compare by evaluating both at fixed sample points; tuples and intervals are
// ordered and keep their brackets; lists and sets are unordered (as multisets).
import type { Complex, Parsed } from './answer-parse.ts';

/**
 * Numeric closeness. Relative 1e-6 below magnitude 1, absolute 1e-6 up to 1e6 (so 1234567 and
 * 1234568 differ), relative 1e-12 beyond (doubles carry ~16 digits, so 11111111100 vs
 * 11111111101 still differ).
 */
export function closeNum(a: Complex, b: Complex): boolean {
  if (!Number.isFinite(a.re) || !Number.isFinite(b.re)) return a.re === b.re && a.im === b.im;
  if (!Number.isFinite(a.im) || !Number.isFinite(b.im)) return false;
  const d = Math.hypot(a.re - b.re, a.im - b.im);
  const s = Math.max(Math.hypot(a.re, a.im), Math.hypot(b.re, b.im));
  const tol = Math.max(1e-12, Math.min(1e-6 * s, Math.max(1e-6, 1e-12 * s)));
  return d <= tol;
}

// Sample points for expressions in variables: irregular, positive and negative, away from
// integers so that accidental agreement (x^2 vs x at 1) cannot happen.
const SAMPLES = [0.7371, 1.3183, 2.1419, -0.4637, 1.8871, -1.2953];

function evalAt(p: Parsed & { k: 'sym' | 'num' }, vars: string[], j: number): Complex | null {
  if (p.k === 'num') return p.v;
  const scope: Record<string, number> = {};
  vars.forEach((v, n) => {
    scope[v] = SAMPLES[(j + 2 * n) % SAMPLES.length] + 0.1 * n;
  });
  try {
    const r = p.f.evaluate(scope);
    if (typeof r === 'number') return { re: r, im: 0 };
    if (r && typeof r === 'object' && 're' in r) return { re: r.re, im: r.im };
  } catch {
    /* outside the domain at this point */
  }
  return null;
}

function closeSym(a: Complex, b: Complex): boolean {
  const d = Math.hypot(a.re - b.re, a.im - b.im);
  const s = Math.max(1, Math.hypot(a.re, a.im), Math.hypot(b.re, b.im));
  return d <= 1e-8 * s;
}

function sameVars(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function isScalar(p: Parsed): p is Parsed & { k: 'sym' | 'num' } {
  return p.k === 'num' || p.k === 'sym';
}

/** Scalars in variables: equal at every sample point where both are defined (≥ 3 such points). */
function equalScalar(g: Parsed & { k: 'sym' | 'num' }, p: Parsed & { k: 'sym' | 'num' }): boolean {
  if (g.k === 'num' && p.k === 'num') {
    if (closeNum(g.v, p.v)) return true;
    // "50%" as a prediction also stands for 0.5; a gold "50%" accepts only 50 (see answer.ts).
    return p.pct && !g.pct && closeNum(g.v, { re: p.v.re / 100, im: p.v.im / 100 });
  }
  const gv = g.k === 'sym' ? g.vars : [];
  const pv = p.k === 'sym' ? p.vars : [];
  if (!sameVars(gv, pv)) return false;
  let defined = 0;
  for (let j = 0; j < SAMPLES.length; j++) {
    const a = evalAt(g, gv, j);
    const b = evalAt(p, gv, j);
    const okA = a !== null && Number.isFinite(a.re) && Number.isFinite(a.im);
    const okB = b !== null && Number.isFinite(b.re) && Number.isFinite(b.im);
    if (okA !== okB) return false;
    if (!okA) continue;
    if (!closeSym(a!, b!)) return false;
    defined++;
  }
  return defined >= 3;
}

/** lhs - rhs of two equations proportional (5x - 7y + 4 = 0 ≡ -10x + 14y - 8 = 0). */
function equalEquation(g: Parsed & { k: 'eq' }, p: Parsed & { k: 'eq' }): boolean {
  if (g.lhsVar && p.lhsVar && g.lhsVar === p.lhsVar) return equal(g.rhs, p.rhs);
  return proportional(g, p, false);
}

/**
 * g.lhs - g.rhs = c · (p.lhs - p.rhs) for one constant c ≠ 0 at every sample point (c > 0 when
 * `positive`: inequalities keep their direction only under a positive factor).
 */
function proportional(g: { lhs: Parsed; rhs: Parsed }, p: { lhs: Parsed; rhs: Parsed }, positive: boolean): boolean {
  if (!isScalar(g.lhs) || !isScalar(g.rhs) || !isScalar(p.lhs) || !isScalar(p.rhs)) return false;
  const vars = [...new Set([g.lhs, g.rhs, p.lhs, p.rhs].flatMap((x) => (x.k === 'sym' ? x.vars : [])))].sort();
  const gVars = [...new Set([g.lhs, g.rhs].flatMap((x) => (x.k === 'sym' ? x.vars : [])))].sort();
  if (!sameVars(vars, gVars) || vars.length === 0) return false;
  let ratio: Complex | null = null;
  let defined = 0;
  for (let j = 0; j < SAMPLES.length; j++) {
    const vals = [g.lhs, g.rhs, p.lhs, p.rhs].map((x) => evalAt(x as Parsed & { k: 'sym' | 'num' }, vars, j));
    if (vals.some((v) => v === null || !Number.isFinite(v.re) || !Number.isFinite(v.im) || v.im !== 0)) continue;
    const fg = vals[0]!.re - vals[1]!.re;
    const fp = vals[2]!.re - vals[3]!.re;
    if (Math.abs(fp) < 1e-12) {
      if (Math.abs(fg) > 1e-9) return false;
      continue;
    }
    const r = { re: fg / fp, im: 0 };
    if (r.re === 0) return false;
    if (positive && r.re < 0) return false;
    if (ratio === null) ratio = r;
    else if (!closeSym(ratio, r)) return false;
    defined++;
  }
  return defined >= 3;
}

/**
 * Set equality under `equal`: every gold item has an equal prediction item and every prediction
 * item an equal gold item (a repeated item counts once, as in a set).
 */
function equalUnordered(g: Parsed[], p: Parsed[]): boolean {
  if (g.length === 0 || p.length === 0) return g.length === p.length;
  return g.every((x) => p.some((y) => equal(x, y))) && p.every((y) => g.some((x) => equal(x, y)));
}

/** Two named tuples with the same names compare name by name (a_3 = 2, a_37 = 19 in any order). */
function equalNamed(g: Parsed & { k: 'seq' }, p: Parsed & { k: 'seq' }): boolean | null {
  if (!g.names || !p.names || g.names.length !== p.names.length) return null;
  const idx = new Map(p.names.map((n, i) => [n, i]));
  if (!g.names.every((n) => idx.has(n))) return null;
  return g.names.every((n, i) => equal(g.items[i], p.items[idx.get(n)!]));
}

function equalInequality(g: Parsed & { k: 'ineq' }, p: Parsed & { k: 'ineq' }): boolean {
  if (g.rel && p.rel) return g.rel.op === p.rel.op && proportional(g.rel, p.rel, g.rel.op !== '≠');
  return g.interval !== null && p.interval !== null && equal(g.interval, p.interval);
}

function sortedReals(items: Parsed[]): Parsed[] | null {
  if (!items.every((x) => x.k === 'num' && x.v.im === 0)) return null;
  return [...items].sort((a, b) => (a as { v: Complex }).v.re - (b as { v: Complex }).v.re);
}

function equalOrdered(g: Parsed[], p: Parsed[]): boolean {
  return g.length === p.length && g.every((x, i) => equal(x, p[i]));
}

function vectorOf(m: Parsed & { k: 'matrix' }): Parsed[] | null {
  if (m.rows.length === 1) return m.rows[0];
  if (m.rows.every((r) => r.length === 1)) return m.rows.map((r) => r[0]);
  return null;
}

/** Gold first: is the prediction `p` the same answer as the gold `g`? */
export function equal(g: Parsed, p: Parsed): boolean {
  // `x = 3` against `3` (either side): compare the right-hand side; a predicted chain
  // (a + 2z = 2z + a = 101) also ends in its answer. A gold chain must be matched as written.
  if (g.k === 'eq' && p.k !== 'eq') return g.lhsVar !== null && equal(g.rhs, p);
  if (p.k === 'eq' && g.k !== 'eq') return (p.lhsVar !== null || p.chain || p.lhs.k === 'num') && equal(g, p.rhs);
  // Gold inequality against an interval: its interval decides. A gold interval is never matched
  // by an inequality (Math-Verify's asymmetry: restating the question's inequality is no answer).
  if (g.k === 'ineq') {
    if (p.k === 'ineq') return equalInequality(g, p);
    return g.interval !== null && equal(g.interval, p);
  }
  if (p.k === 'ineq') return false;
  // 1,22 against 1.22: the decimal-comma reading of a two-number list (Math-Verify's number rule).
  if (g.k === 'list' && g.decimal && p.k === 'num') return closeNum(g.decimal, p.v);
  if (p.k === 'list' && p.decimal && g.k === 'num') return closeNum(g.v, p.decimal);
  // A list whose items are all one value is that value as a set ({639/40, 15 39/40} = {639/40}).
  const many = (x: Parsed) => x.k === 'list' || x.k === 'set';
  if (many(p) && !many(g) && g.k !== 'seq') return (p as { items: Parsed[] }).items.length > 0 && (p as { items: Parsed[] }).items.every((y) => equal(g, y));
  if (many(g) && !many(p) && p.k !== 'seq') return (g as { items: Parsed[] }).items.length > 0 && (g as { items: Parsed[] }).items.every((x) => equal(x, p));
  switch (g.k) {
    case 'num':
    case 'sym':
      return isScalar(p) && equalScalar(g, p);
    case 'eq':
      return p.k === 'eq' && equalEquation(g, p);
    case 'seq':
      if (p.k === 'seq') {
        if (g.open !== p.open || g.close !== p.close) return false;
        return equalNamed(g, p) ?? equalOrdered(g.items, p.items);
      }
      // Math-Verify accepts the set {1, 3} for the pair (1, 3), not for (3, 1): a set of reals
      // is read in increasing order.
      if (p.k === 'set') return g.open === '(' && g.close === ')' && sortedReals(p.items) !== null && equalOrdered(g.items, sortedReals(p.items)!);
      // A point (a, b) written without its parentheses keeps its order; [a, b) never matches.
      if (p.k === 'list') return g.open === '(' && g.close === ')' && equalOrdered(g.items, p.items);
      if (p.k === 'matrix') {
        const v = vectorOf(p);
        return v !== null && g.open === '(' && g.close === ')' && equalOrdered(g.items, v);
      }
      return false;
    case 'list':
    case 'set':
      return (p.k === 'list' || p.k === 'set') && equalUnordered(g.items, p.items);
    case 'union':
      return p.k === 'union' && equalUnordered(g.parts, p.parts);
    case 'matrix': {
      if (p.k === 'matrix') {
        return g.rows.length === p.rows.length && g.rows.every((r, i) => equalOrdered(r, p.rows[i]));
      }
      const v = vectorOf(g);
      return v !== null && p.k === 'seq' && p.open === '(' && p.close === ')' && equalOrdered(v, p.items);
    }
    case 'based':
      if (p.k === 'based') return p.digits === g.digits && p.base === g.base;
      // The digits without the base subscript are accepted (the question names the base).
      return p.k === 'num' && p.v.im === 0 && Number.isInteger(p.v.re) && p.v.re >= 0 && String(p.v.re) === g.digits;
    case 'text':
      return p.k === 'text' && p.s === g.s;
  }
}
