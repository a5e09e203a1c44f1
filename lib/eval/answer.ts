// Final-answer extraction and equivalence: what the GRPO reward and every evaluation call.
// Both follow Math-Verify (huggingface/Math-Verify at 5d148cf, the reward open-r1 uses); the
// rules, the places where this grader decides differently and why, and the agreement with
// Math-Verify's own test verdicts are in docs/grader.md.
//
// extractAnswer(text) (lib/eval/grade/extract.ts): the last \boxed{} (boxes joined by "and" /
// commas are one answer), GSM8K's `#### N`, "final answer is X", "answer: X", "answer ... X",
// the whole text when it is a bare answer, then the rightmost math span or plain number that
// parses; else the first candidate as a string.
//
// isEquivalent(gold, pred), gold first. Numbers compare with a small tolerance (0.333 ≠ 1/3);
// expressions by value at fixed sample points; tuples and intervals keep order and brackets;
// lists, sets and several answers are sets; inequalities compare as relations (-x > -1 ≡ x < 1)
// and a gold inequality also accepts its interval (never the reverse); `x = 3` ≡ 3 when the left
// side names the answer. When unsure: unequal. Nothing here throws.
import { equal } from './answer-equal.ts';
import { normalize, overLimits, parseAnswer, textKey, type Parsed } from './answer-parse.ts';
import { canonicalForm } from './grade/canonical.ts';
import { extractFinal, type Extraction } from './grade/extract.ts';

const parses = (s: string): boolean => parseAnswer(s) !== null;

/** The final answer a text gives and the rule that found it, or null. */
export function extractWithRule(text: string): Extraction | null {
  try {
    return extractFinal(text, parses);
  } catch {
    return null;
  }
}

/** The final answer a text gives, as a string (not yet normalised), or null. */
export function extractAnswer(text: string): string | null {
  return extractWithRule(text)?.answer ?? null;
}

/** String form used when structure does not decide: spacing, \text and delimiters removed. */
function canon(s: string): string {
  return normalize(s)
    .replace(/\\text\s*\{([^{}]*)\}/g, '$1')
    .replace(/\s+/g, '');
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

/** Which comparison decided a verdict (shown by scripts/grade.ts --explain). */
export type DecidingRule = 'over-limits' | 'empty-gold' | 'same-string' | 'unparseable-gold' | 'unparseable-pred' | 'text' | `structure:${Parsed['k']}~${Parsed['k']}`;

export interface Comparison {
  equal: boolean;
  rule: DecidingRule;
  /** Canonical forms (answer-parse.ts's structure, written out), null where a side did not parse. */
  goldForm: string | null;
  predForm: string | null;
}

/** Compare two bare answers, gold first, and say which rule decided. Never throws. */
export function compareAnswers(gold: string, pred: string): Comparison {
  const out = (equal: boolean, rule: DecidingRule, g: Parsed | null = null, p: Parsed | null = null): Comparison => ({
    equal,
    rule,
    goldForm: g ? canonicalForm(g) : null,
    predForm: p ? canonicalForm(p) : null,
  });
  try {
    if (typeof gold !== 'string' || typeof pred !== 'string') return out(false, 'empty-gold');
    if (overLimits(gold) || overLimits(pred)) return out(false, 'over-limits');
    const cg = canon(gold);
    if (cg === '') return out(false, 'empty-gold');
    if (cg === canon(pred)) return out(true, 'same-string');
    const g = parseGold(gold);
    const p = parseAnswer(pred);
    if (g === null) return out(false, 'unparseable-gold', null, p);
    if (g.k === 'text') return out(p?.k === 'text' ? p.s === g.s : textKey(pred) === g.s, 'text', g, p);
    if (p === null) return out(false, 'unparseable-pred', g, null);
    return out(equal(g, p), `structure:${g.k}~${p.k}`, g, p);
  } catch {
    return out(false, 'unparseable-gold');
  }
}

/** Is `pred` the same final answer as `gold`? Both are bare answers (already extracted). */
export function isEquivalent(gold: string, pred: string): boolean {
  return compareAnswers(gold, pred).equal;
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

export interface PairGrade {
  equal: boolean;
  gold: Extraction | null;
  pred: Extraction | null;
  /** How the two answers compared; null when a side gave no answer. */
  comparison: Comparison | null;
}

/**
 * Grade two whole texts as scripts/grade.ts does: each side's answer extracted (a gold with no
 * extractable answer is used as written), then compared gold first.
 */
export function gradePair(goldText: string, predText: string): PairGrade {
  const bare = typeof goldText === 'string' ? goldText.trim() : '';
  const gold = extractWithRule(goldText) ?? (bare !== '' ? { answer: bare, rule: 'whole-text' as const } : null);
  const pred = extractWithRule(predText);
  const comparison = gold !== null && pred !== null ? compareAnswers(gold.answer, pred.answer) : null;
  return { gold, pred, comparison, equal: comparison?.equal ?? false };
}
