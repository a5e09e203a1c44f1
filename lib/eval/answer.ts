// Final-answer extraction and equivalence: what the GRPO reward and every evaluation call.
//
// extractAnswer(text): in this order, the first that applies wins
//   1. the last well-formed \boxed{...} or \fbox{...} (nested braces; `\boxed 5` too);
//   2. GSM8K's `#### N` (last such line);
//   3. the last "answer is X" / "answer: X" (X up to the end of its line or sentence; the math
//      inside $...$ when X holds some; else the first number in X);
//   4. the whole text, when it is itself a bare answer (one line that parses as an answer, or
//      a single word: `\frac{1}{2}`, `x = 3`, `Evelyn`);
//   5. the last $...$, \(...\) or \[...\] whose content parses as an answer;
//   6. the last plain number (1,000 / -3.5 / 3/4), else null.
//
// isEquivalent(gold, pred), gold first, in the spirit of Math-Verify. Decisions:
//   - numbers: relative tolerance 1e-6 below 1, absolute 1e-6 up to 1e6, relative 1e-12 beyond
//     (large integers must match exactly); 0.333 ≠ 1/3.
//   - percent: a % sign is dropped (50% ≡ 50, because "what percent" golds are the bare number);
//     a predicted 50% also matches a gold 0.5; a gold 50% does not accept 0.5.
//   - units, `\text{...}` after a value, ^\circ, \$, "dollars"/"cm"/... are ignored; a whole
//     `\text{X}` is a text answer compared case- and space-insensitively ((C) ≡ C ≡ \text{(C)}).
//   - `x = 3` ≡ `3` when the left side is a lone variable; two equations are equal when
//     lhs - rhs are proportional (planes, lines).
//   - tuples and intervals: ordered, brackets must agree ((3,4] ≠ (3,4)); a gold (a, b) also
//     accepts `a, b` in the same order and a column vector; bare lists `1, -2`, `\{...\}` sets and
//     `a \pm b` are unordered multisets; unions of intervals are unordered.
//   - expressions in variables: same free variables and equal values at 6 fixed sample points.
//   - numbers in a base (52_8): digits and base must agree; the bare digits 52 are accepted.
//   - a gold that cannot be parsed is equal only to a prediction with the same normalised string.
//   - 1,000 (no spaces, groups of three) is one thousand; 1, 000 or 1,2 are lists.
//   - one-variable inequalities are intervals (x > 3 ≡ (3, \infty), -2 \le x < 7 ≡ [-2, 7));
//     \emptyset ≡ \{\}; \mathbb{R} ≡ (-\infty, \infty); 1.5e3 is scientific notation (2e is 2·e).
//   - `f(x) = ...` counts as a lone-variable left side.
// Nothing here throws: any internal error counts as "not equal" / "no answer".
import { equal } from './answer-equal.ts';
import { normalize, parseAnswer, textKey, type Parsed } from './answer-parse.ts';

/** Content of the last well-formed \boxed{...} / \fbox{...}, or null. */
function lastBoxed(text: string): string | null {
  const re = /\\(?:boxed|fbox)(?![a-zA-Z])/g;
  const starts: number[] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) starts.push(m.index + m[0].length);
  for (let k = starts.length - 1; k >= 0; k--) {
    let i = starts[k];
    while (i < text.length && text[i] === ' ') i++;
    if (text[i] !== '{') {
      // \boxed 5: up to the next space or math delimiter.
      const m = /^[^\s$]+/.exec(text.slice(i));
      if (m && i > starts[k]) return m[0];
      continue;
    }
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      if (text[j] === '\\' ) { j++; continue; }
      if (text[j] === '{') depth++;
      else if (text[j] === '}' && --depth === 0) return text.slice(i + 1, j).trim();
    }
  }
  return null;
}

const NUMBER = /-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\s*\/\s*\d+)?|-?\.\d+/g;

function lastNumber(text: string): string | null {
  const all = text.match(NUMBER);
  return all ? all[all.length - 1].replace(/\s+/g, '') : null;
}

function firstNumber(text: string): string | null {
  const m = text.match(NUMBER);
  return m ? m[0].replace(/\s+/g, '') : null;
}

function parses(s: string): boolean {
  return parseAnswer(s) !== null;
}

/** A short text answer: at most `words` words, one line, ≤ 40 characters. */
function shortWords(s: string, words: number): boolean {
  const t = normalize(s);
  return t.length > 0 && t.length <= 40 && !t.includes('\n') && t.split(' ').length <= words;
}

function answerIs(text: string): string | null {
  const re = /(?:final answer|answer)\s*(?:is|:|=)\s*(?:\*\*)?\s*:?\s*/gi;
  let last: RegExpExecArray | null = null;
  for (let m = re.exec(text); m; m = re.exec(text)) last = m;
  if (!last) return null;
  let seg = text.slice(last.index + last[0].length).split('\n')[0];
  const math = /\$\$?([^$]+)\$\$?|\\\((.+?)\\\)/.exec(seg);
  if (math) return (math[1] ?? math[2]).trim();
  seg = seg.split(/\.(?:\s|$)/)[0].replace(/\*\*/g, '').trim();
  if (seg === '') return null;
  if (parses(seg)) return seg;
  return firstNumber(seg) ?? (shortWords(seg, 3) ? seg : null);
}

function lastMath(text: string): string | null {
  const re = /\$\$([^$]+)\$\$|\$([^$]+)\$|\\\(([\s\S]+?)\\\)|\\\[([\s\S]+?)\\\]/g;
  let found: string | null = null;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const inner = (m[1] ?? m[2] ?? m[3] ?? m[4]).trim();
    if (parses(inner)) found = inner;
  }
  return found;
}

/** The final answer a text gives, as a string (not yet normalised), or null. */
export function extractAnswer(text: string): string | null {
  try {
    if (typeof text !== 'string') return null;
    const boxed = lastBoxed(text);
    if (boxed !== null) return boxed;
    const hashes = text.match(/####\s*([^\n]*)/g);
    if (hashes) {
      const v = hashes[hashes.length - 1].replace(/^####\s*/, '').trim();
      if (v !== '') return v;
    }
    const said = answerIs(text);
    if (said !== null) return said;
    const whole = text.trim();
    if (whole !== '' && !whole.includes('\n') && (parses(whole) || shortWords(whole, 1))) return whole;
    return lastMath(text) ?? lastNumber(text);
  } catch {
    return null;
  }
}

/** String form used when structure does not decide: spacing, \text and delimiters removed. */
function canon(s: string): string {
  return normalize(s).replace(/\\text\s*\{([^{}]*)\}/g, '$1').replace(/\s+/g, '');
}

// Golds repeat across samples and epochs: parse each once.
const goldCache = new Map<string, Parsed | null>();
const GOLD_CACHE_MAX = 100_000;

function parseGold(gold: string): Parsed | null {
  let v = goldCache.get(gold);
  if (v === undefined) {
    if (goldCache.size >= GOLD_CACHE_MAX) goldCache.clear();
    v = parseAnswer(gold);
    goldCache.set(gold, v);
  }
  return v;
}

/** Is `pred` the same final answer as `gold`? Both are bare answers (already extracted). */
export function isEquivalent(gold: string, pred: string): boolean {
  try {
    if (typeof gold !== 'string' || typeof pred !== 'string') return false;
    const cg = canon(gold);
    if (cg === '') return false;
    if (cg === canon(pred)) return true;
    const g = parseGold(gold);
    if (g === null) return false;
    if (g.k === 'text') {
      const p = parseAnswer(pred);
      return p?.k === 'text' ? p.s === g.s : textKey(pred) === g.s;
    }
    const p = parseAnswer(pred);
    return p !== null && equal(g, p);
  } catch {
    return false;
  }
}

export interface Graded {
  /** The extracted answer, or null when the response gives none. */
  pred: string | null;
  equal: boolean;
}

/** Reward/evaluation entry point: extract the response's answer and compare it to the gold answer. */
export function gradeResponse(goldAnswer: string, responseText: string): Graded {
  const pred = extractAnswer(responseText);
  return { pred, equal: pred !== null && isEquivalent(goldAnswer, pred) };
}
