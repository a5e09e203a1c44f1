// A final answer string (LaTeX or plain) → a structured value that answer-equal.ts compares.
// Shapes: scalar number, symbolic expression, equation, ordered bracketed sequence (tuple or
// interval, brackets kept), unordered list/set, union of intervals, matrix, number in a base,
// plain text. Units, degree signs, currency, spacing macros and thousands separators are removed
// here so that comparison only sees mathematics.
import { compile, parse, type EvalFunction, type MathNode } from 'mathjs';
import { latexToMathjs } from './latex-expr.ts';

export interface Complex {
  re: number;
  im: number;
}

export type Parsed =
  | { k: 'num'; v: Complex; pct: boolean }
  | { k: 'sym'; f: EvalFunction; vars: string[]; expr: string }
  // `chain`: written with more sides (a + 2z = 2z + a = 101); only the first and last are kept.
  | { k: 'eq'; lhs: Parsed; rhs: Parsed; lhsVar: string | null; chain: boolean }
  // An inequality: `rel` is lhs op rhs with op < ≤ or ≠ (> and ≥ are flipped), null for a chain;
  // `interval` is the set it describes when it bounds a lone variable, else null.
  | { k: 'ineq'; rel: { lhs: Parsed; rhs: Parsed; op: '<' | '≤' | '≠' } | null; interval: Parsed | null }
  // `names`: the variables of `p=5, q=2` or `(p, q) = (5, 2)`, one per item.
  | { k: 'seq'; open: string; close: string; items: Parsed[]; names?: string[] }
  // `decimal`: the value of 1,22 read with a decimal comma (the list 1, 22 otherwise).
  | { k: 'list'; items: Parsed[]; decimal?: Complex }
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
  // A doubled backslash before a command name (\\frac, from text escaped twice) is that command;
  // a matrix row break (\\) is followed by a space, a digit or a sign instead.
  let s = raw.trim().replace(/\\\\(?=(?:frac|dfrac|tfrac|left|right|le|leq|ge|geq|boxed|sqrt|pi|cdot|times|infty|text|in|cup)(?![a-zA-Z]))/g, '\\');
  s = s
    .replace(/^\$+|\$+$/g, '')
    .replace(/^\\\(|\\\)$/g, '')
    .replace(/^\\\[|\\\]$/g, '');
  // A whole \boxed{...} (golds copied with their box) is its content.
  const boxed = /^\\(?:boxed|fbox)\s*\{([\s\S]*)\}$/.exec(s);
  if (boxed) s = boxed[1].trim();
  // Thousands separators written for LaTeX: 10,\!080 and 10{,}080 (before \! is removed).
  s = s.replace(/(\d)\s*(?:,\\!|\{,\})\s*(?=\d{3}(?!\d))/g, '$1');
  s = s.replace(/\\(?:left|right|big|Big|bigg|Bigg)(?![a-zA-Z])\s*/g, '');
  s = s.replace(/(?<!\\)\\[!,;:> ]|~/g, ' ').replace(/\\displaystyle(?![a-zA-Z])|\\q?quad/g, ' ');
  s = s.replace(/\\[dtc]frac(?![a-zA-Z])/g, '\\frac');
  s = s.replace(/\\begin\{array\}\{[^{}]*\}([\s\S]*?)\\end\{array\}/g, '\\begin{matrix}$1\\end{matrix}');
  s = s.replace(/>=/g, '≥').replace(/<=/g, '≤').replace(/!=/g, '≠');
  s = s.replace(/\\(?:mbox|textbf|textrm|mathrm|mathbf|textit|operatorname|textnormal)\s*\{/g, '\\text{');
  s = s.replace(/\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|\\circ|°|\\degree/g, '');
  s = s.replace(/\\%|%/g, '%').replace(/\\\$|\$/g, '');
  s = s.replace(/(\d|\})\s*(?:percentage|percent|pct)(?![a-zA-Z])/g, '$1%');
  s = s.replace(/\\le(?![a-zA-Z])|\\leq(?![a-zA-Z])/g, '≤').replace(/\\ge(?![a-zA-Z])|\\geq(?![a-zA-Z])/g, '≥');
  s = s.replace(/[−–]/g, '-').replace(/\\(?:emptyset|varnothing)(?![a-zA-Z])|∅/g, '\\{\\}');
  s = s.replace(/\\mathbb\s*\{?R\}?|ℝ/g, '(-\\infty,\\infty)');
  s = s
    .replace(/\\neq?(?![a-zA-Z])/g, '≠')
    .replace(/\\lt(?![a-zA-Z])/g, '<')
    .replace(/\\gt(?![a-zA-Z])/g, '>');
  s = approx(s);
  s = s.replace(/\s+/g, ' ').trim();
  s = s.replace(/[.\s]+$/, '');
  return s;
}

/**
 * `a \approx b`: after an equation (x = 1/3 \approx 0.33) the approximation is dropped; alone
 * (x \approx 11) it reads as `=` (Math-Verify's test_relations_math decides both).
 */
function approx(s: string): string {
  const at = s.search(/\\approx(?![a-zA-Z])|≈/);
  if (at < 0) return s;
  const before = s.slice(0, at);
  return before.includes('=') ? before : s.replace(/\\approx(?![a-zA-Z])|≈/g, '=');
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

/** Longest answer parsed structurally, and deepest bracket nesting: beyond, "unparseable". */
export const MAX_ANSWER_CHARS = 4000;
export const MAX_DEPTH = 32;

// Thousands groups (1,000 / -12,000.5): commas between groups of three, first group 1-3 digits
// not starting with 0. Any other digits,digits is a decimal comma (1,22 / 0,111 / 1000,99), as
// Math-Verify's number pattern reads it.
const THOUSANDS = /^-?[1-9]\d{0,2}(,\d{3})+(\.\d+)?$/;
const DECIMAL_COMMA = /^-?\d+,\d+$/;

/** A scalar: number (with %), expression in variables, or null. */
function parseScalar(s: string): Parsed | null {
  let t = s.trim();
  let pct = false;
  if (t.endsWith('%')) {
    pct = true;
    t = t.slice(0, -1).trim();
  }
  if (/^\s*percent\s*$/i.test(t)) return null;
  const unit = UNIT_WORDS.exec(t);
  if (unit && unit.index > 0 && /[\d})]\s*$/.test(t.slice(0, unit.index))) {
    if (/percent/i.test(unit[0])) pct = true;
    t = t.slice(0, unit.index).trim();
  }
  if (t.includes('%')) return null;
  if (THOUSANDS.test(t)) t = t.replace(/,/g, '');
  // a:b is the ratio a/b (7:32); a zero second part (12:00, a time) is not a ratio.
  const ratio = /^([^:]+):([^:]+)$/.exec(t);
  if (ratio) {
    if (/^\s*0+\s*$/.test(ratio[2])) return null;
    t = `\\frac{${ratio[1]}}{${ratio[2]}}`;
  }
  const expr = latexToMathjs(t);
  if (expr === null) return null;
  let node: MathNode;
  try {
    node = parse(expr);
  } catch {
    return null;
  }
  const vars = freeSymbols(node);
  const f = compile(expr);
  if (vars.length > 0) return pct ? null : { k: 'sym', f, vars, expr };
  let v: Complex | null;
  try {
    v = toComplex(f.evaluate({}));
  } catch {
    return null;
  }
  if (!v || Number.isNaN(v.re) || Number.isNaN(v.im)) return null;
  return { k: 'num', v, pct };
}

/**
 * The left side of an equation names the answer when it holds letters and no arithmetic sign or
 * coefficient: x, f(x), a_3, |AB|, A:B, V_1:V_2, \frac{NO}{BO}. Then `name = v` also matches a
 * bare v (Math-Verify compares the right side); `a + 3z = 0` or `7 = 11a + c` do not.
 */
function namesAnswer(lhs: string): string | null {
  const bare = lhs.replace(/_\{?[\w\\]+\}?/g, '').replace(/\\frac|\\[a-zA-Z]+/g, '');
  if (!/[a-zA-Z]/.test(bare) || /[-+=<>≤≥\d^]/.test(bare)) return null;
  return lhs.replace(/[{}\s]/g, '');
}

/** Tuple of variable names `(p, q)`, or null. */
function nameTuple(lhs: string): string[] | null {
  const m = /^\((.*)\)$/.exec(lhs);
  if (!m) return null;
  const names = m[1].split(',').map((x) => x.trim());
  return names.length >= 2 && names.every((n) => /^[a-zA-Z](?:_\{?\w+\}?)?$/.test(n)) ? names : null;
}

/** Scalar or equation (`x = 3`, `y = 2x + 3`, `5x - 7y + 4 = 0`, `D = (0, 1)`, `(p, q) = (3, 2)`). */
function parseItem(s: string): Parsed | null {
  const sides = splitTop(s, '=');
  if (sides.length >= 2) {
    const lhsRaw = sides[0].trim();
    const rhsRaw = sides[sides.length - 1].trim();
    const tuple = nameTuple(lhsRaw);
    if (tuple) {
      const rhs = parseStructure(rhsRaw);
      return rhs?.k === 'seq' && rhs.items.length === tuple.length ? { ...rhs, names: tuple } : null;
    }
    const lhsVar = namesAnswer(lhsRaw);
    const rhs = lhsVar !== null ? parseStructure(rhsRaw) : parseScalar(rhsRaw);
    // An unreadable side in a chain (1 = \zzz = x = 0) leaves its last side as the answer.
    if (sides.length > 2 && rhs && sides.slice(0, -1).some((x) => !parseScalar(x.trim()) && namesAnswer(x.trim()) === null)) return rhs;
    const lhs = parseScalar(lhsRaw) ?? (lhsVar !== null ? { k: 'text' as const, s: lhsVar } : null);
    if (!rhs) return null;
    if (!lhs) return sides.length > 2 ? rhs : null;
    // x = y = 3: only the first and the last side matter for comparison.
    return { k: 'eq', lhs, rhs, lhsVar, chain: sides.length > 2 };
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
    if (p.trim() === '') continue;
    const v = parseStructure(p.trim());
    if (!v) return null;
    if (v.k === 'list') out.push(...v.items);
    else out.push(v);
  }
  return out.length > 0 ? out : null;
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

type Grid = Complex[][];

function numericGrid(m: Parsed | null): Grid | null {
  if (m?.k !== 'matrix' || !m.rows.every((r) => r.every((x) => x.k === 'num'))) return null;
  return m.rows.map((r) => r.map((x) => (x as { v: Complex }).v));
}

function gridOp(a: Grid, b: Grid, op: string): Grid | null {
  const mul = (x: Complex, y: Complex): Complex => ({ re: x.re * y.re - x.im * y.im, im: x.re * y.im + x.im * y.re });
  if (op === '+' || op === '-') {
    if (a.length !== b.length || a[0].length !== b[0].length) return null;
    const k = op === '+' ? 1 : -1;
    return a.map((r, i) => r.map((x, j) => ({ re: x.re + k * b[i][j].re, im: x.im + k * b[i][j].im })));
  }
  if (a[0].length !== b.length) return null;
  return a.map((r) =>
    b[0].map((_, j) =>
      r.reduce(
        (acc, x, t) => {
          const p = mul(x, b[t][j]);
          return { re: acc.re + p.re, im: acc.im + p.im };
        },
        { re: 0, im: 0 },
      ),
    ),
  );
}

/**
 * Numeric matrices added, subtracted or multiplied (juxtaposed, \cdot, \times) left to right:
 * Math-Verify evaluates such an answer ("The sum is A + B") to its matrix.
 */
function matrixArithmetic(s: string): Parsed | null {
  const parts = s.split(/(?<=\\end\{[pbvBV]?matrix\})\s*([+-]|\\cdot|\\times)?\s*(?=\\begin\{)/);
  if (parts.length < 3) return null;
  let acc = numericGrid(parseMatrix(parts[0].trim()));
  for (let i = 1; acc && i + 1 < parts.length; i += 2) {
    const next = numericGrid(parseMatrix(parts[i + 1].trim()));
    const op = parts[i] === '+' || parts[i] === '-' ? parts[i] : '*';
    acc = next ? gridOp(acc, next, op) : null;
  }
  return acc ? { k: 'matrix', rows: acc.map((r) => r.map((v) => ({ k: 'num' as const, v, pct: false }))) } : null;
}

const FLIP: Record<string, string> = { '<': '>', '>': '<', '≤': '≥', '≥': '≤', '≠': '≠' };

/**
 * Inequalities. One relation `a op b` keeps its sides (op turned to < ≤ ≠ by swapping sides) so
 * that -x > -1 ≡ x < 1; when it bounds a lone variable (x > 3, -2 ≤ x < 7) it also carries its
 * interval. Returns undefined when `s` holds no inequality sign, null when it cannot be read.
 */
function parseInequality(s: string): Parsed | null | undefined {
  if (!/[<>≤≥≠]/.test(s)) return undefined;
  const parts = s.split(/([<>≤≥≠])/).map((x) => x.trim());
  const isVar = (x: string) => /^[a-zA-Z](?:_\{?\w+\}?|\([a-z]\))?$/.test(x);
  const inf = (sign: string): Parsed => ({ k: 'num', v: { re: sign === '-' ? -Infinity : Infinity, im: 0 }, pct: false });
  const closed = (op: string) => op === '≤' || op === '≥';
  if (parts.length === 3) {
    const [a, op, b] = parts;
    const lhs = parseScalar(a);
    const rhs = parseScalar(b);
    if (!lhs || !rhs) return null;
    const rel = op === '>' || op === '≥' ? { lhs: rhs, rhs: lhs, op: FLIP[op] as '<' | '≤' } : { lhs, rhs, op: op as '<' | '≤' | '≠' };
    let interval: Parsed | null = null;
    if (op !== '≠' && (isVar(a) || isVar(b))) {
      const [v, o] = isVar(a) ? [rhs, op] : [lhs, FLIP[op]];
      interval =
        o === '<' || o === '≤'
          ? { k: 'seq', open: '(', close: closed(o) ? ']' : ')', items: [inf('-'), v] }
          : { k: 'seq', open: closed(o) ? '[' : '(', close: ')', items: [v, inf('+')] };
    }
    return { k: 'ineq', rel, interval };
  }
  // A chain around something other than a lone variable (f(2) < f(1) < f(4)): no relation or
  // interval to compare, so only the same written chain matches (answer.ts's string check).
  if (parts.length >= 5 && !isVar(parts[2])) return { k: 'ineq', rel: null, interval: null };
  if (parts.length === 5) {
    const [a, op1, , op2, b] = parts;
    const up = (op: string) => op === '<' || op === '≤';
    if (up(op1) !== up(op2) || op1 === '≠' || op2 === '≠') return null;
    const lo = parseScalar(up(op1) ? a : b);
    const hi = parseScalar(up(op1) ? b : a);
    if (!lo || !hi) return null;
    const [opLo, opHi] = up(op1) ? [op1, op2] : [op2, op1];
    return { k: 'ineq', rel: null, interval: { k: 'seq', open: closed(opLo) ? '[' : '(', close: closed(opHi) ? ']' : ')', items: [lo, hi] } };
  }
  return null;
}

/** `p=5, q=2` (distinct named variables) → the tuple (5, 2) with its names. */
function namedTuple(items: Parsed[]): Parsed | null {
  if (items.length < 2 || !items.every((x) => x.k === 'eq' && x.lhsVar !== null)) return null;
  const eqs = items as (Parsed & { k: 'eq' })[];
  const names = eqs.map((e) => e.lhsVar!);
  if (new Set(names).size !== names.length) return null;
  return { k: 'seq', open: '(', close: ')', items: eqs.map((e) => e.rhs), names };
}

function parseStructure(s: string): Parsed | null {
  if (s === '') return null;
  // Several answer groups: -12;-11;-10 or p=5,q=2;p=7,q=2.
  const groups = splitTop(s, ';');
  if (groups.length > 1) {
    const items = parseItems(groups);
    return items ? { k: 'list', items } : null;
  }
  // "and" / "or" between answers (19, 46, and 82; (11,7) or (7,11)) separate like commas.
  s = s
    .replace(/(^|[^a-zA-Z\\])(?:and|or)(?![a-zA-Z])/g, '$1,')
    .replace(/^,+|,+$/g, '')
    .trim();
  const ineq = parseInequality(s);
  if (ineq !== undefined) return ineq;
  if (s.startsWith('\\begin')) return parseMatrix(s) ?? matrixArithmetic(s);
  // [\begin{array}...\end{array}] (the brackets drawn around an array) is the matrix.
  const framed = /^[([]\s*(\\begin\{(\w+)\}[\s\S]*\\end\{\2\})\s*[)\]]$/.exec(s);
  if (framed) return parseMatrix(framed[1]);
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
  // {1, 3}: braces around a comma list are a set too (Math-Verify reads them so).
  if (open === '{' && matchClose(s, 0) === s.length - 1 && splitTop(s.slice(1, -1), ',').length >= 2) {
    const items = parseItems(splitTop(s.slice(1, -1), ','));
    return items ? { k: 'set', items } : null;
  }
  if ((open === '(' || open === '[') && matchClose(s, 0) === s.length - 1) {
    const inner = s.slice(1, -1);
    // (0;-2;6): semicolons separate coordinates when no comma does.
    let parts = splitTop(inner, ',');
    if (parts.length === 1) parts = splitTop(inner, ';');
    if (parts.length >= 2) {
      const items = parseItems(parts);
      return items ? { k: 'seq', open, close: s[s.length - 1], items } : null;
    }
  }
  const commas = splitTop(s, ',');
  if (commas.length >= 2 && !THOUSANDS.test(s)) {
    const items = parseItems(commas);
    if (!items) return null;
    if (DECIMAL_COMMA.test(s)) {
      const d = parseScalar(s.replace(',', '.'));
      if (d?.k === 'num') return { k: 'list', items, decimal: d.v };
    }
    return namedTuple(items) ?? (items.length === 1 ? items[0] : { k: 'list', items });
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

/** Deepest bracket nesting of `s`, counting ( [ { and \left. */
export function nestingDepth(s: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 40 || c === 91 || c === 123) max = Math.max(max, ++depth);
    else if (c === 41 || c === 93 || c === 125) depth--;
  }
  return max;
}

/** Too long or too deeply nested to parse within the grader's bounds (docs/grader.md). */
export function overLimits(s: string): boolean {
  return s.length > MAX_ANSWER_CHARS || nestingDepth(s) > MAX_DEPTH;
}

/** Parse a final answer, or null when it is outside what the grader understands. */
export function parseAnswer(raw: string): Parsed | null {
  if (typeof raw !== 'string' || overLimits(raw)) return null;
  const s = normalize(raw);
  if (s === '') return null;
  const { text, rest } = stripText(s);
  const v = parseStructure(rest);
  if (v) return v;
  if (text !== null) return { k: 'text', s: textKey(text) };
  return null;
}
