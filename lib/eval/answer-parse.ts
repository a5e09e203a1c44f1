// A final answer string (LaTeX or plain) → a structured value that answer-equal.ts compares.
// Shapes: scalar number, symbolic expression, equation, ordered bracketed sequence (tuple or
// interval, brackets kept), unordered list/set, union of intervals, matrix, number in a base,
// plain text. Units, degree signs, currency, spacing macros and thousands separators are removed
// here so that comparison only sees mathematics.
import { compile, parse, type EvalFunction, type MathNode } from 'mathjs';
import { latexToMathjs } from './latex-expr.ts';

export interface Complex { re: number; im: number }

export type Parsed =
  | { k: 'num'; v: Complex; pct: boolean }
  | { k: 'sym'; f: EvalFunction; vars: string[] }
  | { k: 'eq'; lhs: Parsed; rhs: Parsed; lhsVar: string | null }
  | { k: 'seq'; open: string; close: string; items: Parsed[] }
  | { k: 'list'; items: Parsed[] }
  | { k: 'set'; items: Parsed[] }
  | { k: 'union'; parts: Parsed[] }
  | { k: 'matrix'; rows: Parsed[][] }
  | { k: 'based'; digits: string; base: number }
  | { k: 'text'; s: string };

const KNOWN_NAMES = new Set(['pi', 'e', 'i', 'Infinity']);
// Words dropped after a number: units and the words models put after answers.
const UNIT_WORDS =
  /(\s+(?:\\?(?:dollars?|cents?|degrees?|units?|square|sq|cubic|feet|foot|ft|inches|inch|in|cm|mm|km|m|meters?|miles?|mph|hours?|hrs?|minutes?|mins?|seconds?|secs?|days?|weeks?|months?|years?|people|students|pounds?|lbs?|ounces?|oz|kg|grams?|g|liters?|gallons?|percent|points?|apples|marbles|pages|books|eggs|cookies|times|ways)\.?)(?:\^\{?\d\}?)?)+\s*$/i;

/** Light clean-up shared by the parser and the string fallback. */
export function normalize(raw: string): string {
  let s = raw.trim();
  s = s.replace(/^\$+|\$+$/g, '').replace(/^\\\(|\\\)$/g, '').replace(/^\\\[|\\\]$/g, '');
  // A whole \boxed{...} (golds copied with their box) is its content.
  const boxed = /^\\(?:boxed|fbox)\s*\{([\s\S]*)\}$/.exec(s);
  if (boxed) s = boxed[1].trim();
  // Thousands separators written for LaTeX: 10,\!080 and 10{,}080 (before \! is removed).
  s = s.replace(/(\d)\s*(?:,\\!|\{,\})\s*(?=\d{3}(?!\d))/g, '$1');
  s = s.replace(/\\(?:left|right|big|Big|bigg|Bigg)(?![a-zA-Z])\s*/g, '');
  s = s.replace(/(?<!\\)\\[!,;:> ]|~/g, ' ').replace(/\\(?:displaystyle|quad|qquad)(?![a-zA-Z])/g, ' ');
  s = s.replace(/\\[dt]frac(?![a-zA-Z])/g, '\\frac');
  s = s.replace(/\\(?:mbox|textbf|textrm|mathrm|mathbf|textit|operatorname|textnormal)\s*\{/g, '\\text{');
  s = s.replace(/\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|\\circ|°|\\degree/g, '');
  s = s.replace(/\\%|%/g, '%').replace(/\\\$|\$/g, '');
  s = s.replace(/\\le(?![a-zA-Z])|\\leq(?![a-zA-Z])/g, '≤').replace(/\\ge(?![a-zA-Z])|\\geq(?![a-zA-Z])/g, '≥');
  s = s.replace(/[−–]/g, '-').replace(/\\(?:emptyset|varnothing)(?![a-zA-Z])|∅/g, '\\{\\}');
  s = s.replace(/\\mathbb\s*\{?R\}?|ℝ/g, '(-\\infty,\\infty)');
  s = s.replace(/\\neq?(?![a-zA-Z])/g, '≠').replace(/\\lt(?![a-zA-Z])/g, '<').replace(/\\gt(?![a-zA-Z])/g, '>');
  s = s.replace(/\s+/g, ' ').trim();
  s = s.replace(/[.\s]+$/, '');
  return s;
}

/** Index of the bracket that closes the one at `start` (any of ( [ { counts), or -1. */
function matchClose(s: string, start: number): number {
  let depth = 0;
  for (let i = start; i < s.length; i++) {
    const c = s[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return i;
      if (depth < 0) return -1;
    }
  }
  return -1;
}

/** Split at a separator that sits outside every bracket. */
function splitTop(s: string, sep: string | RegExp): string[] {
  const parts: string[] = [];
  let depth = 0;
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (depth === 0) {
      const rest = s.slice(i);
      const m = typeof sep === 'string' ? (rest.startsWith(sep) ? sep : null) : sep.exec(rest)?.[0];
      if (m) {
        parts.push(s.slice(last, i));
        i += m.length - 1;
        last = i + 1;
      }
    }
  }
  parts.push(s.slice(last));
  return parts;
}

/** `\text{...}` as the whole answer → its contents; elsewhere (units, words) it is dropped. */
function stripText(s: string): { text: string | null; rest: string } {
  const whole = /^\\text\s*\{([^{}]*)\}$/.exec(s);
  if (whole) return { text: whole[1].trim(), rest: whole[1].trim() };
  const rest = s
    .replace(/\\text\s*\{\s*(?:or|and)\s*\}/g, ',')
    .replace(/\\text\s*\{[^{}]*\}(?:\s*\^\s*\{?\d\}?)?/g, ' ')
    .trim();
  return { text: null, rest };
}

function toComplex(v: unknown): Complex | null {
  if (typeof v === 'number') return { re: v, im: 0 };
  if (v && typeof v === 'object' && 're' in v && 'im' in v) {
    const c = v as { re: number; im: number };
    return { re: c.re, im: c.im };
  }
  return null;
}

function freeSymbols(node: MathNode): string[] {
  const names = new Set<string>();
  node.traverse((n, path, parent) => {
    if (n.type === 'SymbolNode' && !(parent && parent.type === 'FunctionNode' && path === 'fn')) {
      const name = (n as unknown as { name: string }).name;
      if (!KNOWN_NAMES.has(name)) names.add(name);
    }
  });
  return [...names].sort();
}

/** A scalar: number (with %), expression in variables, or null. */
function parseScalar(s: string): Parsed | null {
  let t = s.trim();
  let pct = false;
  if (t.endsWith('%')) { pct = true; t = t.slice(0, -1).trim(); }
  if (/^\s*percent\s*$/i.test(t)) return null;
  const unit = UNIT_WORDS.exec(t);
  if (unit && unit.index > 0 && /[\d})]\s*$/.test(t.slice(0, unit.index))) {
    if (/percent/i.test(unit[0])) pct = true;
    t = t.slice(0, unit.index).trim();
  }
  if (t.includes('%')) return null;
  // Plain thousands separators: 58,500 and -1,234,567.5 (a whole scalar only, so 1,-2 is a list).
  if (/^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(t)) t = t.replace(/,/g, '');
  const expr = latexToMathjs(t);
  if (expr === null) return null;
  let node: MathNode;
  try { node = parse(expr); } catch { return null; }
  const vars = freeSymbols(node);
  const f = compile(expr);
  if (vars.length > 0) return pct ? null : { k: 'sym', f, vars };
  let v: Complex | null;
  try { v = toComplex(f.evaluate({})); } catch { return null; }
  if (!v || Number.isNaN(v.re) || Number.isNaN(v.im)) return null;
  return { k: 'num', v, pct };
}

/** Scalar or equation (`x = 3`, `y = 2x + 3`, `5x - 7y + 4 = 0`). */
function parseItem(s: string): Parsed | null {
  const sides = splitTop(s, '=');
  if (sides.length >= 2) {
    const lhsRaw = sides[0].trim();
    const rhsRaw = sides[sides.length - 1].trim();
    const lhs = parseScalar(lhsRaw);
    const rhs = parseScalar(rhsRaw);
    if (!lhs || !rhs) return null;
    // x = y = 3: only the first and the last side matter for comparison.
    const lhsVar = /^[a-zA-Z](?:_\{?\w+\}?|\([a-z]\))?$/.test(lhsRaw) ? lhsRaw.replace(/[{}]/g, '') : null;
    return { k: 'eq', lhs, rhs, lhsVar };
  }
  return parseScalar(s);
}

/** `a \pm b` → [a + b, a - b]; items without \pm stay as they are. */
function expandPm(s: string): string[] {
  const parts = splitTop(s, /^\\(?:pm|mp)(?![a-zA-Z])/);
  if (parts.length !== 2) return parts.length === 1 ? [s] : [];
  return [`${parts[0]}+(${parts[1]})`, `${parts[0]}-(${parts[1]})`];
}

function parseItems(parts: string[]): Parsed[] | null {
  const out: Parsed[] = [];
  for (const p of parts) {
    const v = parseStructure(p.trim());
    if (!v) return null;
    if (v.k === 'list') out.push(...v.items);
    else out.push(v);
  }
  return out;
}

function parseMatrix(s: string): Parsed | null {
  const m = /^\\begin\{([pbvBV]?matrix)\}([\s\S]*)\\end\{\1\}$/.exec(s);
  if (!m) return null;
  const rows: Parsed[][] = [];
  for (const row of m[2].split(/\\\\/)) {
    if (row.trim() === '') continue;
    const cells = parseItems(row.split('&'));
    if (!cells) return null;
    rows.push(cells);
  }
  if (rows.length === 0 || rows.some((r) => r.length !== rows[0].length)) return null;
  return { k: 'matrix', rows };
}

/**
 * One-variable inequalities as intervals: x > 3 → (3, ∞), -2 ≤ x < 7 → [-2, 7). Returns
 * undefined when `s` holds no inequality sign, null when it holds one in another shape.
 */
function parseInequality(s: string): Parsed | null | undefined {
  if (!/[<>≤≥]/.test(s)) return undefined;
  const parts = s.split(/([<>≤≥])/).map((x) => x.trim());
  const isVar = (x: string) => /^[a-zA-Z]$/.test(x);
  const bound = (x: string) => parseScalar(x);
  const inf = (sign: string): Parsed => ({ k: 'num', v: { re: sign === '-' ? -Infinity : Infinity, im: 0 }, pct: false });
  const closed = (op: string) => op === '≤' || op === '≥';
  if (parts.length === 3) {
    let [a, op, b] = parts;
    if (isVar(b) && !isVar(a)) {
      [a, b] = [b, a];
      op = { '<': '>', '>': '<', '≤': '≥', '≥': '≤' }[op]!;
    }
    if (!isVar(a)) return null;
    const v = bound(b);
    if (!v) return null;
    if (op === '<' || op === '≤') return { k: 'seq', open: '(', close: closed(op) ? ']' : ')', items: [inf('-'), v] };
    return { k: 'seq', open: closed(op) ? '[' : '(', close: ')', items: [v, inf('+')] };
  }
  if (parts.length === 5 && isVar(parts[2])) {
    const [a, op1, , op2, b] = parts;
    const up = (op: string) => op === '<' || op === '≤';
    if (up(op1) !== up(op2)) return null;
    const lo = bound(up(op1) ? a : b);
    const hi = bound(up(op1) ? b : a);
    if (!lo || !hi) return null;
    const [opLo, opHi] = up(op1) ? [op1, op2] : [op2, op1];
    return { k: 'seq', open: closed(opLo) ? '[' : '(', close: closed(opHi) ? ']' : ')', items: [lo, hi] };
  }
  return null;
}

function parseStructure(s: string): Parsed | null {
  if (s === '') return null;
  const ineq = parseInequality(s);
  if (ineq !== undefined) return ineq;
  if (s.startsWith('\\begin')) return parseMatrix(s);
  // x \in [-2, 7]: the membership prefix carries nothing to compare.
  s = s.replace(/^[a-zA-Z]\s*\\in(?![a-zA-Z])\s*/, '');
  const unions = splitTop(s, /^\\cup(?![a-zA-Z])/);
  if (unions.length > 1) {
    const parts = parseItems(unions);
    return parts ? { k: 'union', parts } : null;
  }
  if (s.startsWith('\\{') && s.endsWith('\\}')) {
    const inner = s.slice(2, -2).trim();
    const items = inner === '' ? [] : parseItems(splitTop(inner, ','));
    return items ? { k: 'set', items } : null;
  }
  const open = s[0];
  if ((open === '(' || open === '[') && matchClose(s, 0) === s.length - 1) {
    const inner = s.slice(1, -1);
    const parts = splitTop(inner, ',');
    if (parts.length >= 2) {
      const items = parseItems(parts);
      return items ? { k: 'seq', open, close: s[s.length - 1], items } : null;
    }
  }
  const commas = splitTop(s, ',');
  if (commas.length >= 2 && !/^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(s)) {
    const items = parseItems(commas);
    return items ? { k: 'list', items } : null;
  }
  const based = /^(\d+)\s*_\s*\{?\s*(\d+)\s*\}?$/.exec(s);
  if (based) return { k: 'based', digits: based[1].replace(/^0+(?=\d)/, ''), base: Number(based[2]) };
  const pm = expandPm(s);
  if (pm.length !== 1) {
    const items = pm.map(parseItem);
    return pm.length === 2 && items.every((x) => x) ? { k: 'list', items: items as Parsed[] } : null;
  }
  return parseItem(s);
}

/** Lower-cased words of a text answer; `(C)`, `C` and `\text{(C)}` all become `c`. */
export function textKey(s: string): string {
  return normalize(s)
    .replace(/\\text\s*\{([^{}]*)\}/g, '$1')
    .toLowerCase()
    .replace(/\s+/g, '')
    .replace(/^\(([a-z])\)$/, '$1');
}

/** Parse a final answer, or null when it is outside what the grader understands. */
export function parseAnswer(raw: string): Parsed | null {
  const s = normalize(raw);
  if (s === '') return null;
  const { text, rest } = stripText(s);
  const v = parseStructure(rest);
  if (v) return v;
  if (text !== null) return { k: 'text', s: textKey(text) };
  return null;
}
