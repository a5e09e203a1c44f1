// Final-answer extraction from a whole response, in the order Math-Verify's parser applies
// (huggingface/Math-Verify src/math_verify/parser.py at 5d148cf, with \boxed at priority 0 as
// open-r1's reward configures it). Each rule is a priority group; within a group the candidate
// that ends rightmost is tried first, and the first candidate that parses wins. When nothing in
// any group parses, the first candidate found is returned as a string answer (Math-Verify's
// fallback_mode="first_match"). docs/grader.md lists the rules with examples.
//
// Several answers: boxes (or math spans) separated only by commas, "and"/"or" and spacing are
// one answer, joined with ", " so that the parser reads them as an unordered list.

export type ExtractRule =
  'boxed' | 'boxed-several' | 'gsm8k-hashes' | 'final-answer-is' | 'answer-colon' | 'answer-word' | 'whole-text' | 'last-math-or-number' | 'fallback-string';

export interface Extraction {
  /** The answer string (several answers joined with ", "). */
  answer: string;
  rule: ExtractRule;
}

interface Candidate {
  answers: string[];
  start: number;
  end: number;
}

/** Longest text searched: a longer response gives no answer. */
export const MAX_TEXT_CHARS = 1 << 20;
/** Most candidates tried per rule (math spans are at most 8000 characters, in MATH_SPAN): the
 *  work stays near-linear in the text, whatever it holds (docs/grader.md, "Bounded work"). */
const MAX_TRIES = 64;

/** For each "{" of `text`, the index of its matching "}" (-1 when unclosed); one linear pass. */
function braceMatches(text: string): Int32Array {
  const match = new Int32Array(text.length).fill(-1);
  const open: number[] = [];
  for (let j = 0; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 92)
      j++; // backslash: the next character is escaped
    else if (c === 123) open.push(j);
    else if (c === 125 && open.length > 0) match[open.pop()!] = j;
  }
  return match;
}

/** Top-level \boxed{...} / \fbox{...} spans (balanced braces), plus `\boxed 5`. */
function boxes(text: string): { start: number; end: number; inner: string }[] {
  const out: { start: number; end: number; inner: string }[] = [];
  const re = /\\(?:boxed|fbox)(?![a-zA-Z])/g;
  let match: Int32Array | null = null;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    let i = m.index + m[0].length;
    while (text[i] === ' ') i++;
    if (text[i] !== '{') {
      const bare = /^[^\s$]+/.exec(text.slice(i, i + 200));
      if (bare && i > m.index + m[0].length) out.push({ start: m.index, end: i + bare[0].length, inner: bare[0] });
      continue;
    }
    match ??= braceMatches(text);
    const close = match[i];
    if (close < 0) continue;
    out.push({ start: m.index, end: close + 1, inner: text.slice(i + 1, close).trim() });
    re.lastIndex = close + 1;
  }
  return out;
}

/**
 * Text between two answers that joins them into one answer: only spacing, math delimiters,
 * commas/semicolons and at most four words one of which is "and"/"or" ("\boxed{1} and \boxed{2}",
 * "\boxed{(3,3)} \text{ for part (a) and } \boxed{(1,1)}"). Anything longer is prose: the
 * later answer replaces the earlier (a first-pass answer, then "Wait!", then the final one).
 */
export function isGlue(gap: string): boolean {
  if (gap.length > 60 || /[\n.!?]/.test(gap.replace(/\\[()[\]]/g, ''))) return false;
  const rest = gap
    .replace(/\\text\s*\{([^{}]*)\}/g, ' $1 ')
    .replace(/[a-zA-Z](?:_\{?\w+\}?)?\s*=/g, ' ')
    .replace(/\\[()[\]]|\$|\\(?:quad|qquad|,|;|!|:| )|[,;~]/g, ' ')
    .trim();
  if (rest === '') return true;
  const words = rest.split(/\s+/);
  return words.length <= 4 && words.some((w) => w === 'and' || w === 'or') && !/\d/.test(rest.replace(/\([a-z]\)/g, ''));
}

const PERCENT_AFTER = /^\s*(?:\$|\\\))?\s*(?:\\?%|percentage|percent|pct)(?![a-zA-Z])/;

function withPercent(answer: string, text: string, end: number): string {
  return PERCENT_AFTER.test(text.slice(end, end + 20)) ? `${answer}\\%` : answer;
}

/** The last run of glued boxes and where it ends, or null when the text has no box. */
function boxedAnswers(text: string): { answers: string[]; end: number } | null {
  const all = boxes(text);
  if (all.length === 0) return null;
  let first = all.length - 1;
  while (first > 0 && isGlue(text.slice(all[first - 1].end, all[first].start))) first--;
  return { answers: all.slice(first).map((b) => withPercent(b.inner, text, b.end)), end: all[all.length - 1].end };
}

// Math spans: $$..$$, \[..\] (may cross lines), $..$ and \(..\) (one line), and a bare
// \frac{a}{b} of two plain numbers.
const MATH_SPAN =
  /(?<!\\)\$\$((?:[^$]|\$(?!\$)){1,8000}?)(?<!\\)\$\$|(?<!\\)\\\[([\s\S]{1,8000}?)(?<!\\)\\\]|(?<![\\\d])\$((?:\\\$|[^\n$]){1,8000}?)(?<!\\)\$|(?<!\\)\\\(((?:[^\\\n]|\\(?!\))){1,8000}?)(?<!\\)\\\)|(-?\\frac\{-?\d+(?:[.,]\d+)?\}\{-?\d+(?:[.,]\d+)?\})/g;

interface Span {
  start: number;
  end: number;
  inner: string;
}

function mathSpans(text: string, from = 0): Span[] {
  const out: Span[] = [];
  MATH_SPAN.lastIndex = from;
  for (let m = MATH_SPAN.exec(text); m; m = MATH_SPAN.exec(text)) {
    const inner = (m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5]).trim();
    out.push({ start: m.index, end: m.index + m[0].length, inner: withPercent(inner, text, m.index + m[0].length) });
  }
  return out;
}

/** Math spans grouped with the spans that follow them through ", ", "and", "or" (at most 6). */
function spanGroups(spans: Span[], text: string): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; i < spans.length; i++) {
    const answers = [spans[i].inner];
    let j = i;
    while (j + 1 < spans.length && answers.length < 6 && /^\s*(?:,?\s*and|,?\s*or|,)\s*$/.test(text.slice(spans[j].end, spans[j + 1].start))) {
      j++;
      answers.push(spans[j].inner);
    }
    out.push({ answers, start: spans[i].start, end: spans[j].end });
  }
  return out;
}

// Plain numbers and arithmetic (Math-Verify's expression target): 1,000.5 / 1 000 / 2,74 / .5 /
// 28% / 28 pct, or an expression of digits and operators such as (1/2)*(4/3). Anchored after
// the start, a space or "=", optionally after a currency sign.
const NUMBER = String.raw`(?:-?[1-9]\d{0,2}(?:[ ,]\d{3})+(?:\.\d+)?|-?\d+[.,]\d+|\.\d+|-?\d+)(?:\s*(?:%|[Pp]ercentage|[Pp]ercent|[Pp]ct))?`;
const EXPR = String.raw`-?\(?-?\d[\d.\s+\-*×/^()÷]{0,80}?[+\-*×/^()÷][\d.\s+\-*×/^()÷]{0,80}\d\)?`;
// An expression must end at punctuation, space or the end; a number may be followed by a unit.
const PLAIN = new RegExp(String.raw`(?:^|(?<=[\s=]))(?:\*\*)?[$€£¥₹]?(?:(${EXPR})(?=(?:\*\*)?(?:[.,:\s)$]|$))|(${NUMBER}))`, 'g');

function plainNumbers(text: string, from = 0): Candidate[] {
  const out: Candidate[] = [];
  PLAIN.lastIndex = from;
  for (let m = PLAIN.exec(text); m; m = PLAIN.exec(text)) {
    const found = (m[1] ?? m[2]).trim().replace(/\s*(?:[Pp]ercentage|[Pp]ercent|[Pp]ct)$/, '%');
    out.push({ answers: [found], start: m.index + m[0].length - found.length, end: m.index + m[0].length });
    if (m[0].length === 0) PLAIN.lastIndex++;
  }
  return out;
}

type Parses = (answer: string) => boolean;

/** Rightmost-ending candidate first; the first one that parses. */
function firstParsing(cands: Candidate[], parses: Parses): string | null {
  const sorted = [...cands].sort((a, b) => b.end - a.end).slice(0, MAX_TRIES);
  for (const c of sorted) {
    const joined = c.answers.join(', ');
    if (parses(joined)) return joined;
  }
  return null;
}

/** Candidates after each match of `anchor`, looked for within `reach` characters. */
function anchored(text: string, anchor: RegExp, reach: number): Candidate[] {
  const out: Candidate[] = [];
  // The rightmost matches are tried first; earlier ones are never reached past MAX_TRIES.
  for (const m of [...text.matchAll(anchor)].slice(-MAX_TRIES)) {
    const from = m.index + m[0].length;
    const window = text.slice(from, from + reach + 400);
    // The first math span or number that starts within `reach` characters of the anchor.
    const span = spanGroups(mathSpans(window), window).find((c) => c.start <= reach);
    const num = plainNumbers(window).find((c) => c.start <= reach);
    const first = [span, num].filter((c): c is Candidate => c !== undefined).sort((a, b) => a.start - b.start)[0];
    if (first) out.push({ answers: first.answers, start: from + first.start, end: from + first.end });
  }
  return out;
}

/** The response's final answer and the rule that found it, or null when it gives none. */
export function extractFinal(text: string, parses: Parses): Extraction | null {
  if (typeof text !== 'string' || text.length > MAX_TEXT_CHARS) return null;
  let fallback: string | null = null;
  const attempt = (answer: string | null, rule: ExtractRule): Extraction | null => {
    if (answer === null) return null;
    if (parses(answer)) return { answer, rule };
    fallback ??= answer;
    return null;
  };
  // "The final answer is X. I hope it is correct" (the MATH few-shot sign-off) ranks with the
  // box: whichever of the two ends later is tried first.
  const boxed = boxedAnswers(text);
  const hope = anchored(text, /final answer is:?\s*/gi, 20).filter((c) => /^\.?\s?I hope/.test(text.slice(c.end, c.end + 8)));
  const signOff = hope.length > 0 ? hope[hope.length - 1] : null;
  if (signOff && (!boxed || signOff.end > boxed.end)) {
    const r = attempt(signOff.answers.join(', '), 'final-answer-is');
    if (r) return r;
  }
  if (boxed) {
    const r = attempt(boxed.answers.join(', '), boxed.answers.length > 1 ? 'boxed-several' : 'boxed');
    if (r) return r;
  }
  const hashes = [...text.matchAll(/####\s*([^\n]*)/g)].map((m) => m[1].trim()).filter((s) => s !== '');
  if (hashes.length > 0) {
    const r = attempt(hashes[hashes.length - 1], 'gsm8k-hashes');
    if (r) return r;
  }
  const groups: [RegExp, number, ExtractRule][] = [
    [/final answer is:?\s*/gi, 20, 'final-answer-is'],
    [/final answer.{0,100}?\s+is:?/gi, 20, 'final-answer-is'],
    [/answer\s*\**\s*:\**/gi, 50, 'answer-colon'],
    [/answer/gi, 50, 'answer-word'],
  ];
  for (const [anchor, reach, rule] of groups) {
    const cands = anchored(text, anchor, reach);
    const found = firstParsing(cands, parses);
    if (found !== null) return { answer: found, rule };
    if (cands.length > 0) fallback ??= cands.sort((a, b) => b.end - a.end)[0].answers.join(', ');
  }
  // A bare answer as the whole text (x = 3, \frac{1}{2}, Evelyn): one line, not a sentence with
  // math in it ("so $x \geq 5$" is prose around a math span, read by the next rule).
  const whole = text.trim();
  const prose = /[a-zA-Z]{2,}\s+[^\s]/.test(whole.replace(/\\[a-zA-Z]+(\s*\{[^{}]*\})?/g, '')) && /\$|\\\(|\\\[/.test(whole);
  if (whole !== '' && !whole.includes('\n') && whole.length <= 200 && !prose) {
    if (parses(whole)) return { answer: whole, rule: 'whole-text' };
    if (/^[A-Za-z]+$/.test(whole) && whole.length <= 40) return { answer: whole, rule: 'whole-text' };
  }
  // A number inside a math span is part of that span's answer, never an answer of its own.
  const spans = mathSpans(text);
  const inSpan = (c: Candidate) => {
    // Spans are disjoint and in order: the last one starting at or before c decides.
    let lo = 0;
    let hi = spans.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (spans[mid].start <= c.start) lo = mid;
      else hi = mid - 1;
    }
    return spans.length > 0 && spans[lo].start <= c.start && c.end <= spans[lo].end;
  };
  // Numbers always parse, so the rightmost ones decide: look in the last 8 KiB first.
  let numbers = plainNumbers(text, Math.max(0, text.length - 8192));
  if (numbers.length === 0) numbers = plainNumbers(text);
  const cands = [...spanGroups(spans, text), ...numbers.filter((c) => !inSpan(c))];
  const found = firstParsing(cands, parses);
  if (found !== null) return { answer: found, rule: 'last-math-or-number' };
  if (cands.length > 0) fallback ??= cands.sort((a, b) => b.end - a.end)[0].answers.join(', ');
  return fallback === null ? null : { answer: fallback, rule: 'fallback-string' };
}
