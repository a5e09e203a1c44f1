// Rule-based detector of the final verification segment in raw R1-style text (the rule and its
// examples: docs/labelling.md). The trace's thinking is cut into sentences; each sentence is a
// verification cue (a check opens: "Let me double-check.", "To confirm, ...", "Plugging back
// in ...", or a bare "Wait,"/"Hmm,"), a slip correction ("Wait, no.", "I made a mistake"), an
// exploration hedge ("Wait, maybe ...", "Wait, this is just a rough idea"), or plain. T_last is the
// FIRST cue of the final check: the first cue after the last correction that comes once the final
// answer has been stated; when no cue follows the answer's statement (a check that corrects the
// result and then states it), the first cue after the last tentative answer. The cue's leading
// interjection ("Wait, but", "Hmm,", "Hold on,") becomes the trigger "Wait!" and the rest of the
// cue's words are kept, capitalised ("Wait, but let me double-check." -> "Wait! Let me ...");
// a cue without interjection gets "Wait! " in front. A check that opens right after the answer's
// statement is not restarted by the slips it corrects inside itself, and a final "check" that
// computes nothing is no verification (rules@5). rules@6: a check may be announced after the
// sentence's first words ("..., but let me make sure", "to make sure I didn't ..."); a bulleted
// breakdown line is no statement of the answer; an answer listing values is stated value by value;
// a decimal answer is stated by a longer value that rounds to it; "the answer should be all
// integers ..." states no value. rules@7: whether a sentence states the answer is also decided by
// the project's answer grader (lib/eval/answer.ts, the evaluation's equivalence), so that a tuple,
// interval, matrix, dollar amount or large fraction in R1's own spelling counts; an interjection
// doubting the result ("Wait, that seems too low") or asking for a missed case opens a check;
// "Wait a second," is an interjection; an operation written in words computes. rules@8: a value
// that an operation continues ("= 3^12", "k = n - 1") states nothing; "x in [3, 4)" and "so 48 is a
// candidate" state their values. rules@9: roots in plain spellings ("3*sqrt(11)", "sqrt(65)/9");
// "another way to compute" and "Alternatively, ..." (not a supposition) after the answer open a
// check. rules@10: a remark on the result ("Wait, that's interesting.") and a simplification
// ("let me see if I can simplify", "check if ... share any common factors") open no check; "make
// it" states a value. rules@11: superscript powers ("x³") read as "^3"; "becomes" states a value.
// rules@12: a check that re-derives with LaTeX fractions, restates its steps as a numbered recap or
// re-rounds ("54.54 becomes 54.55") computes; a remark on how a step came out ("Wait, that
// simplifies nicely!") or on a value's form ("Wait, but 52.5 is a decimal.") opens no check, and
// neither does "Alternatively, ..." that redoes one product another way; a condition answer is
// stated after "where"/"such that" and across inline-math delimiters. rules@13: π, "·" and an
// evaluated power ("2^7 is 128") compute; "4√35 over 35" is a fraction; "it's just 3" and "is always
// 3" state a value; checking that a solution is admissible (a case's condition, the denominator)
// is a step of solving; after an interjection, "maybe I made a mistake in ..." opens a check and
// re-reading what the problem asks ("But wait, the problem says ...") opens none.
// It never sees ground truth.

import { isEquivalent } from '../../eval/answer.ts';

export const TRIGGER = 'Wait!';

export interface Detection {
  v: 0 | 1;
  /** Offset of the "W" of "Wait!" in `rewritten`; null when v=0. */
  tLast: number | null;
  rewritten: string;
  /** The replaced span of the raw text (empty where "Wait! " is inserted before a cue). */
  cue: { start: number; end: number; text: string } | null;
  method: 'cue' | 'recompute' | 'none';
  /** The rules trust this T_last: v=1 and the start sentence names a check of the result
   *  (CONFIDENT_START_RE). Where false, a language-model or human label is worth asking for
   *  (`data.ts label-export --uncertain-only`). */
  confident: boolean;
}

// A start sentence that names a check of the result ("Let me double-check my calculations.", "Let
// me verify by plugging back in.", "Wait, let me make sure I didn't make a mistake."), as against an
// interjection, a doubt or a question that the rules take for the start ("Wait, that seems high.",
// "Is that correct?"). Fixed before labelling round 10 measured it (docs/labelling.md): on the 246
// development traces the rules' start agrees with the reading on 140 of the 150 traces it marks.
const CONFIDENT_START_RE = /\b(?:double[- ]?check(?:ing)?|re-?check|verify|verifying|confirm|make sure|cross-check|go (?:back )?(?:through|over)|going (?:back )?(?:through|over)|plug(?:ging)? (?:\w+ )?back|substitut(?:e|ing) (?:\w+ )?back)\b|\bcheck (?:my|the|this|that|it|again|if (?:that|this|it)(?:'s| is) (?:correct|right))\b/i;

export type SentenceKind = 'verify' | 'interjection' | 'correction' | 'hedge' | 'plain';

export interface Sentence {
  start: number;
  end: number;
  kind: SentenceKind;
}

// A leading interjection chain: "Wait,", "But wait,", "Hmm, wait.", "Oh, hold on:", "Actually,".
const INTERJ = String.raw`(?:(?:but|and|oh|okay|ok|so),?\s+)?(?:wait(?: a (?:second|minute|moment|sec)\b)?|hmm+|actually|hold on|hang on)\b(?:\s*(?:[,.!:;]|\.\.\.|—)\s*|\s+)(?:(?:wait|hmm+|hold on)\b(?:\s*(?:[,.!:;]|\.\.\.|—)\s*|\s+))?`;
const INTERJ_RE = new RegExp(`^${INTERJ}`, 'i');

const VERB = String.raw`(?:double[- ]?check|re-?check|check|verify|re-?verify|confirm|recalculate|re-?compute|recount|re-?derive|re-?examine|make sure|cross-check|sanity[- ]check|validate|plug|substitute|test)`;
// A check that opens the sentence (after an optional interjection or connective).
const VERIFY_OPEN_RE = new RegExp(
  String.raw`^(?:(?:but|so|now|then|okay|ok|alright|also|again|first|finally|just|and),?\s+)*(?:` +
    String.raw`(?:let me|let's|let us|i should|i need to|i'll|i will|i can|we can|we should|maybe i should|i want to|i'd better|better)\s+(?:(?:quickly|also|just|again|now|first|carefully|briefly)\s+)?${VERB}` +
    String.raw`|(?:to\s+)?(?:double[- ]?check|verify|confirm|check|cross-check)(?:ing)?\b` +
    String.raw`|(?:verification|double[- ]?checking|checking|sanity check)\b` +
    String.raw`|is (?:that|this|it) (?:right|correct)\b` +
    String.raw`|(?:this|that|which) (?:matches|agrees with|is consistent with|confirms) (?:the |my |our )?(?:earlier|previous|first|other|original)\b` +
    String.raw`|(?:alternatively|another way|let me (?:try|think of) another (?:way|approach|method)|using another method)\b[^.?!\n]{0,160}?\b(?:to\s+(?:confirm|verify|check|double-check)|verif|confirm|check)` +
    `)`,
  'i',
);
// A check announced anywhere in the sentence ("Alternatively, compute it directly to confirm").
const VERIFY_ANY_RE = /\b(?:to (?:confirm|verify|double-check|check (?:the|this|that|my|our))|plug(?:ging)? (?:\w+ ){0,3}back|substitut(?:e|ing) (?:\w+ ){0,3}back|double-check|another (?:way|method|approach) to (?:compute|calculate|find|solve|get|derive|do)\b)/i;
// A check announced after the sentence's first words (rules@6): "Let me go through each step again
// to make sure I didn't make a mistake.", "Let me just recap to make sure I didn't make any
// mistakes", "Hmm, that seems straightforward, but let me make sure I'm not missing anything." A
// bare "I need to make sure the denominator is not zero" sets a condition and checks nothing.
const VERIFY_LATE_RE = /\bto make sure (?:that )?(?:i(?:'m| am)? |we(?:'re| are)? )(?:not|didn't|did not|haven't|have not|don't|do not|made|got)\b|\b(?:but|so),? (?:let me|let's|i should|i'll) (?:just |quickly |also )?(?:double[- ]?check|check|verify|confirm|make sure)\b/i;
// A correction of a slip or a hedge during exploration (after the interjection, or anywhere for
// the explicit admissions).
const CORRECTION_AFTER_RE = /^(?:no\b|nope\b|that(?:'s| is| was) (?:not|wrong|incorrect)|that can(?:'t|not) be|this (?:is|was) wrong|i (?:think i )?(?:made|make) (?:a |an )?(?:mistake|error)|i (?:messed|mixed) up|i miscalculated|hold on,? no\b)/i;
// "Maybe I made a mistake", "if I made an error": a doubt that opens a check, not an admission.
const DOUBTED_ADMISSION_RE = /\b(?:maybe|perhaps|possibly|if|whether|might have|may have)\s+(?:i\s+)?(?:(?:think\s+i\s+)?made|messed|miscalculated|mixed)\b/i;
const CORRECTION_ANY_RE = /\b(?:i (?:think i )?made (?:a |an )?(?:mistake|error|miscalculation)|my mistake|i miscalculated|i messed up|that(?:'s| is| was) (?:wrong|incorrect|not (?:right|correct))|that can(?:'t|not) be (?:right|correct))/i;
const HEDGE_AFTER_RE = /^(?:maybe|perhaps|this is (?:just|only)|that(?:'s| is) (?:just|only)|i'm not sure|not sure|but (?:maybe|perhaps)|is (?:there|it possible)|what if|how about)/i;
// An interjection that only concludes ("Hmm, so the answer is 33.", "Hmm, that seems right.").
// rules@7: an interjection that doubts the result's size or ease ("Wait, that seems a bit high.",
// "Wait, that seems really low, but ...", "But wait, that seems too straightforward.") opens a check
// of it; "Wait, that seems right" only concludes.
const DOUBTS_RESULT_RE = /^(?:but\s+)?(?:that|this|it)(?:'s| is| seems| looks)\s+(?:(?:like\s+)?(?:a bit|a little|quite|really|too|very|rather|pretty|surprisingly|suspiciously|kind of)\s+)+(?:a\s+)?(?:high|low|large|small|big|huge|straightforward|easy|simple|few|many|odd|strange)\b/i;
// rules@7: an interjection asking whether the result misses a case ("But hold on, is there a
// possibility that in a leap year, she might walk one more time?") checks the result; "Wait, is there
// a better way?" still explores.
const ASKS_MISSED_CASE_RE = /^is (?:there|it possible)\b[^?]*\b(?:possibility|possible that|chance|case|cases|any other|another (?:solution|case|answer|possibility))\b[^?]*\?\s*$/i;
// rules@12: an alternative that computes one product ("Alternatively, I can compute 60 * 7 first").
const ALTERNATIVE_PRODUCT_RE = /\b(?:compute|calculate|multiply|divide|add|subtract)\b[^.?!]{0,40}\d\s*(?:[*×÷/+]|\\times|\\cdot)\s*\d|\d\s*(?:[*×÷/+]|\\times|\\cdot)\s*\d+\s+(?:can|could) be (?:calculated|computed|done|found)\b/i;
const ALTERNATIVELY_RE = /^alternatively,\s+(?!if\b|suppos|assum|maybe\b|perhaps\b|what if\b)/i;
// rules@10: an interjection that only remarks on the result ("Wait, that's interesting.", "Wait,
// that was straightforward!") reflects and checks nothing; a doubt ("that seems too straightforward")
// is DOUBTS_RESULT_RE's, and opens a check.
const REMARK_RE = /^(?:that|this|it)(?:'s| is| was| seems| looks)\s+(?:(?:really|quite|pretty|very|so|kind of)\s+)?(?:interesting|neat|nice|cool|clever|elegant|straightforward|simple|easy|surprising)\s*[.!]\s*$/i;
// rules@12: neither does a remark on the form of a value, before writing it another way ("Wait,
// but 52.5 is a decimal." then "Maybe I should express that as a fraction."),
const FORM_REMARK_RE = /^(?:but\s+)?(?:that|this|it|the answer|the result|-?[\d.,]+)(?:'s| is)\s+(?:a|an|in)\s+(?:decimal|fraction|improper fraction|mixed number|percentage|base[- ]\w+)(?: form)?\s*[.!]\s*$/i;
// or one on how a step came out ("Wait, that simplifies nicely!", "Hmm, it all cancels out
// neatly.").
const WORKED_OUT_RE = /^(?:that|this|it|everything)(?: all)? (?:simplifies|simplified|cancels|cancelled|canceled|works out|worked out|cleans up|comes out)(?: out| down| up)? (?:nicely|neatly|beautifully|cleanly|well)\s*[.!]\s*$/i;
// rules@10: simplifying a result is a step of the derivation, not a check of it ("Hmm, let me see if
// I can simplify this fraction.", "Let me check if 2469 and 20000 have any common factors.").
const SIMPLIFIES_RE = /^(?:(?:so|now|then|but|and),?\s+)?(?:let me|let's|i can|i should|i need to|maybe i can|we can)\s+(?:see if (?:i|we) can\s+|try to\s+)?(?:simplify|reduce)\b|\bcheck (?:if|whether) [^.?!]{0,60}\b(?:share|have) (?:any )?common (?:factors?|divisors?)\b/i;
// rules@13: checking that a solution is admissible (a case's condition, a denominator, the domain,
// an extraneous root) is a step of solving, not a check of the result ("Now, I need to check if
// this solution satisfies the initial condition of Case 2.", "So, let me check the denominator when
// x is 3:").
const ADMISSIBLE_RE = /\bcheck\b[^.?!]{0,80}\b(?:satisf(?:y|ies) the (?:\w+ )?(?:condition|constraint|restriction)|the denominator|(?:in|within) the domain|extraneous)\b/i;
// rules@13: re-reading what the problem asks ("But wait, the problem says ...").
const PROBLEM_SAYS_RE = /^(?:but\s+)?the (?:problem|question) (?:says|asks|wants|states|specifies|is asking)\b/i;
const CONCLUDE_AFTER_RE = /^(?:so\b|therefore|thus|hence|yes\b|yeah|right\b|okay\b|ok\b|that (?:seems|makes|checks|works|matches)|that's (?:it|correct|right|consistent))/i;
// An interjection that questions a result it restates opens a check ("Wait, so is T 180 days?",
// "Hmm, so the answer is 33?"); the same words ending in a full stop only conclude.
const QUESTIONS_RESULT_RE = /^(?:so,?\s+)?(?:is|are|was|were|does|do|did)\b[^?]*\?\s*$|^so\b[^?]*\b(?:is|are|was|equals?|gives?)\b[^?]*\?\s*$/i;

/** Sentences of `text` (split after . ? ! : followed by space, and at blank lines / newlines). */
export function splitSentences(text: string, from = 0, to = text.length): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  const re = /(?:[.?!](?=\s)|:(?=\s*\n)|\n)\s*/g;
  re.lastIndex = from;
  let start = from;
  for (let m = re.exec(text); m && m.index < to; m = re.exec(text)) {
    const end = Math.min(m.index + m[0].length, to);
    // Skip leading whitespace of the sentence so that its start is its first character.
    if (text.slice(start, end).trim()) out.push({ start: start + (text.slice(start, end).length - text.slice(start, end).trimStart().length), end });
    start = end;
  }
  if (start < to && text.slice(start, to).trim()) out.push({ start: start + (text.slice(start, to).length - text.slice(start, to).trimStart().length), end: to });
  return out;
}

/** What a sentence does. */
export function classifySentence(s: string): SentenceKind {
  // Markdown emphasis and list bullets do not change what the sentence says.
  const t = s.replace(/^[\s*#>-]+/, '');
  const ij = INTERJ_RE.exec(t);
  const rest = ij ? t.slice(ij[0].length) : t;
  if ((CORRECTION_ANY_RE.test(t) && !DOUBTED_ADMISSION_RE.test(t)) || (ij && CORRECTION_AFTER_RE.test(rest))) return 'correction';
  if (SIMPLIFIES_RE.test(rest) || ADMISSIBLE_RE.test(rest)) return 'plain';
  if (VERIFY_OPEN_RE.test(rest) || VERIFY_ANY_RE.test(t) || VERIFY_LATE_RE.test(t)) return 'verify';
  if (ij && ASKS_MISSED_CASE_RE.test(rest)) return 'verify';
  // rules@13: "But wait a minute, maybe I made a mistake in the discriminant calculation." doubts
  // the result and opens its check; "Wait, maybe I should try x = 2" still explores.
  if (ij && DOUBTED_ADMISSION_RE.test(rest)) return 'verify';
  if (ij && HEDGE_AFTER_RE.test(rest)) return 'hedge';
  // rules@13: re-reading what the problem asks ("But wait, the problem says to express the sum in
  // base seven.") steers the last step; it checks nothing.
  if (ij && PROBLEM_SAYS_RE.test(rest)) return 'plain';
  if (ij && (QUESTIONS_RESULT_RE.test(rest) || DOUBTS_RESULT_RE.test(rest))) return 'verify';
  if (ij && CONCLUDE_AFTER_RE.test(rest)) return 'plain';
  if (ij && (REMARK_RE.test(rest) || WORKED_OUT_RE.test(rest) || FORM_REMARK_RE.test(rest))) return 'plain';
  // rules@9: "Alternatively, ..." opens another route; after the answer that is a second method,
  // a check (the paper: "solving again by another method"); the trigger goes in front of it. A
  // supposed alternative ("Alternatively, if the layout were different, ...") still explores.
  // rules@12: "Alternatively, I can compute 60 * 7 first, ..." or "Alternatively, 209 * 25 can be
  // calculated as:" redoes one product of the derivation another way, in passing: the derivation's
  // own step, not a check of its result.
  if (ALTERNATIVELY_RE.test(t) && !ALTERNATIVE_PRODUCT_RE.test(t)) return 'interjection';
  if (ij) return 'interjection';
  return 'plain';
}

/** End of the thinking: the "</think>" (R1) or "<|end_of_thought|>" (Bespoke-Stratos) tag when
 *  there is one, else the whole text. */
function thinkingEnd(raw: string): number {
  const ends = ['</think>', '<|end_of_thought|>'].map((t) => raw.indexOf(t)).filter((i) => i >= 0);
  return ends.length ? Math.min(...ends) : raw.length;
}

/** Start of the thinking: after an opening "<think>" or "<|begin_of_thought|>" tag. */
function thinkingStart(raw: string): number {
  const m = /^\s*(?:<think>|<\|begin_of_thought\|>)/.exec(raw);
  return m ? m[0].length : 0;
}

/** Braced content after the last "\boxed{" (nested braces), or null. */
export function lastBoxedIn(text: string): string | null {
  const at = text.lastIndexOf('\\boxed{');
  if (at < 0) return null;
  let depth = 0;
  for (let i = at + 6; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(at + 7, i);
  }
  return null;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Spellings under which the final answer may be stated in the thinking ("\frac{3}{4}", "3/4"). */
function answerForms(ans: string): string[] {
  const a = ans.trim().replace(/^\$|\$$/g, '').replace(/\\[dt]frac/g, '\\frac').replace(/\\!|\\,|\s+/g, ' ').trim();
  const forms = new Set([a]);
  const frac = /^(-?)\\frac\{(\d+)\}\{(\d+)\}$/.exec(a);
  if (frac) forms.add(`${frac[1]}${frac[2]}/${frac[3]}`);
  // rules@7: a dollar amount ("\\$1.17") is stated as "$1.17" or "1.17", and rounds like a decimal.
  const cur = /^\\\$\s*(-?\d+(?:\.\d+)?)$/.exec(a);
  if (cur) { forms.clear(); forms.add(cur[1]); forms.add(`$${cur[1]}`); }
  const tex = /^\\text(?:bf)?\{(.+)\}$/.exec(a);
  if (tex) forms.add(tex[1]);
  // rules@12: the words joining a compound answer ("x < 1 \\text{ or } x > 2") are written plain.
  if (/\\text\{\s*(?:or|and)\s*\}/.test(a)) forms.add(a.replace(/\\text\{\s*(or|and)\s*\}/g, ' $1 ').replace(/\s+/g, ' '));
  for (const f of [...forms]) { const letter = /^\(?([A-E])\)?$/.exec(f); if (letter) forms.add(letter[1]); }
  // A negative fraction has its sign in front or in the numerator ("-\frac{31}{75}", "\frac{-31}{75}").
  for (const f of [...forms]) {
    const neg = /^-\\frac\{(\d+)\}\{(\d+)\}$/.exec(f) ?? /^\\frac\{-(\d+)\}\{(\d+)\}$/.exec(f);
    if (neg) for (const g of [`-\\frac{${neg[1]}}{${neg[2]}}`, `\\frac{-${neg[1]}}{${neg[2]}}`, `-${neg[1]}/${neg[2]}`]) forms.add(g);
  }
  // A whole number of four or more digits is written with or without thousands separators
  // ("36,084" for 36084).
  for (const f of [...forms]) {
    const int = /^(-?)(\d{1,3}(?:,\d{3})+|\d{4,})$/.exec(f);
    if (int) { const d = int[2].replace(/,/g, ''); forms.add(int[1] + d); forms.add(int[1] + d.replace(/\B(?=(\d{3})+$)/g, ',')); }
  }
  // R1 writes answers in plain text as often as in LaTeX: "11√3" for 11\sqrt{3}, "-ln2" or
  // "-ln(2)" for -\ln 2, "π/4" for \frac{\pi}{4}.
  for (const f of [...forms]) {
    const plain = f.replace(/\\sqrt\{([^{}]+)\}/g, '√$1').replace(/\\pi\b\s*/g, 'π').replace(/\\(ln|log|sin|cos|tan|exp)\b\s*/g, '$1 ').replace(/\\frac\{([^{}]+)\}\{([^{}]+)\}/g, '$1/$2').trim();
    if (plain !== f && !/\\/.test(plain)) {
      forms.add(plain);
      const call = /^(.*\b(?:ln|log|sin|cos|tan|exp)) (\w+)$/.exec(plain);
      if (call) forms.add(`${call[1]}(${call[2]})`);
    }
  }
  // rules@9: a root is also written "sqrt(65)", "√(65)", and a coefficient before it with "*" or
  // a space ("3*sqrt(11)", "3 sqrt(11)", "3√11" for 3\sqrt{11}; "sqrt(65)/9" for \frac{\sqrt{65}}{9}).
  for (const f of [...forms]) {
    if (!/√/.test(f) || /\\/.test(f)) continue;
    for (const root of ['sqrt($1)', '√($1)']) {
      const g = f.replace(/√(\w+)/g, root);
      forms.add(g);
      if (/^-?\d+(?:sqrt|√)/.test(g)) for (const sep of ['*', ' * ', ' ']) forms.add(g.replace(/^(-?\d+)/, `$1${sep}`));
    }
  }
  return [...forms].filter((f) => f.length > 0);
}

// rules@11: R1 writes powers as superscripts ("x³ - 6x² + 64" for x^3 - 6x^2 + 64); they are read as
// "^3" when a sentence is tested for the answer.
const SUPERSCRIPTS: Record<string, string> = { '⁰': '0', '¹': '1', '²': '2', '³': '3', '⁴': '4', '⁵': '5', '⁶': '6', '⁷': '7', '⁸': '8', '⁹': '9' };
function superscriptsAsPowers(s: string): string {
  return s.replace(/[⁰¹²³⁴⁵⁶⁷⁸⁹]+/g, (d) => `^${[...d].map((c) => SUPERSCRIPTS[c]).join('')}`);
}

// Words after which a value is stated as a result.
// A qualifier may stand between them ("is approximately 6.4", "is indeed 384"); "rounds to 5.8"
// states a rounded result; a one-letter variable's membership ("x in", "x ∈") states a set answer
// (rules@8); "becomes" and "make(s) it" state a value (rules@10, 11).
const STATES_BEFORE_RE = new RegExp(String.raw`(?:=|≈|\bis|(?<=\w)'s|(?<![\w\\])[a-zA-Z](?:\\\))?\s+(?:in|∈)|\\in|\bare|\bbe|\bget|\bgives?|\bequals?|\bbecomes?|\bmakes?(?: it)?|\boption|\bchoice|\brounds? to|\brounded to|\banswer\b[^.\n]{0,20}?|:|\\boxed\{)\s*(?:(?:approximately|approx\.|about|roughly|around|indeed|exactly|still|always|just|simply|then)\s+)?\**\$?\\?\(?\s*$`, 'i');

/** Does the sentence state `forms` as a result ("= 33", "is 33", "answer: 33", "\boxed{33}")? The
 *  value itself matches case-sensitively (an answer "A" is not the variable "a"). `answer` is the
 *  answer as boxed, for the grader. */
function statesAnswer(s: string, forms: string[], answer: string = forms[0]): boolean {
  // A bulleted line ("- Hundreds: 89", "- 488 - 400 + 1 = 89 numbers.") lists one part of a
  // breakdown; the answer's value there is a coincidence, not the result (rules@6).
  if (BREAKDOWN_LINE_RE.test(s)) return false;
  // An answer that lists values ("-2, 1") is stated by a sentence that states every one of them, in
  // any order and spelling ("So, n = 1 and n = -2.", "\boxed{-2} and \boxed{1}") (rules@6).
  const parts = listParts(forms[0]);
  if (parts && parts.every((p) => statesAnswer(s, answerForms(p)))) return true;
  if (statesRounded(s, forms[0])) return true;
  // rules@12: inline-math delimiters around the parts of a compound answer ("\(x < -\frac{7}{4}\) or
  // \(x > -\frac{3}{2}\)") do not change what is stated.
  // rules@13: a fraction said in words ("4√35 over 35") is written with a slash.
  const norm = superscriptsAsPowers(s.replace(/\\[dt]frac/g, '\\frac').replace(/\\[()]/g, '').replace(/([\d)}])\s+over\s+(?=[\d(√\\])/g, '$1 / '));
  const byForm = forms.some((f) => {
    // A space in the answer's spelling matches any spacing ("-ln 2", "-ln2"), and so does a slash
    // ("31 / 75" for 31/75).
    const v = escapeRe(f).replace(/ /g, '\\s*').replace(/\//g, '\\s*/\\s*');
    const edge = /^[\w\\]/.test(f) ? String.raw`(?<![\w.])` : '';
    for (const m of norm.matchAll(new RegExp(`${edge}${v}(?![\\d.]\\d|\\w)`, 'g')))
      if (STATES_BEFORE_RE.test(norm.slice(Math.max(0, m.index! - 60), m.index!)) && !OPERATION_NEXT_RE.test(norm.slice(m.index! + m[0].length))) return true;
      else if (SUBJECT_BEFORE_RE.test(norm.slice(Math.max(0, m.index! - 30), m.index!)) && SUBJECT_AFTER_RE.test(norm.slice(m.index! + m[0].length))) return true;
      else if (RELATION_RE.test(f) && CONDITION_BEFORE_RE.test(norm.slice(Math.max(0, m.index! - 30), m.index!))) return true;
    return false;
  });
  return byForm || statesByGrader(s, answer);
}

// Where a stated value begins: after "=", "is", "be", "gives", ":", "\boxed{", "simplifies to" ...
// (the words of STATES_BEFORE_RE, as a marker to read on from).
const STATES_AT_RE = /(?:=|≈|\bis\b|(?<=\w)'s\b|(?<![\w\\])[a-zA-Z](?:\\\))?\s+(?:in\b|∈)|\\in\b|\bare\b|\bbe\b|\bget\b|\bgives?\b|\bequals?\b|\bbecomes?\b|\bmakes?(?: it)?\b|\brounds? to\b|\brounded to\b|\banswer\b[^.\n]{0,20}?(?=[:=]|\bis\b)|:|\\boxed\{|\b(?:simplifies|simplify|reduces|reduce) (?:down )?to\b)\s*(?:(?:approximately|approx\.|about|roughly|around|indeed|exactly|still|always|just|simply|then)\s+)?/gi;
// rules@12: an answer that is a condition on a variable ("x < -\frac{7}{4} or x > -\frac{3}{2}") is
// stated after "where" or "such that" ("the solution set is all real numbers where x < ...").
const RELATION_RE = /^[a-zA-Z]\s*(?:<|>|≤|≥|\\le\b|\\ge\b|\\leq\b|\\geq\b)/;
const CONDITION_BEFORE_RE = /\b(?:where|such that)\s*\$?\s*$/i;
// rules@8: the value as the subject of its verdict ("Clearly, 48 is smaller than 162, so 48 is a
// candidate.", "So 10 is the answer.", "Therefore 35° is indeed the least angle").
const SUBJECT_BEFORE_RE = /(?:^|[,:;]\s*|\b(?:so|therefore|thus|hence|then|clearly|and)\s+)\**\$?\\?\(?\s*$/i;
const SUBJECT_AFTER_RE = /^\s*°?\s*(?:\$|\\\))?\s*(?:is|would be|must be|should be|seems to be)\s+(?:indeed\s+|definitely\s+|clearly\s+)?(?:the|a|an|our|my)\b/i;
// rules@8: a value that an operation continues ("= 3^12", "θ = 35° + 360°k", "k = n - 1",
// "= 1 - x^2 / (1 - x^2)") is the start of an expression, not a value stated.
const OPERATION_NEXT_RE = /^\s*°?\s*(?:[\^*×÷\/]|\\times|\\cdot|\\div|[-+−]\s*[\w\\(])/;
// A candidate that writes an operation ("3 * 4", "8 + 2", "2^7") is a computation, not a value
// stated; a slash (a fraction), a comma (a tuple) and a leading sign are part of a value.
const OPERATION_RE = /[+*×÷^]|\\times|\\cdot|\\div|[\d)]\s+-\s+[\d(]/;

/** rules@7: is the answer stated in a form the project's grader (lib/eval/answer.ts, the same
 *  equivalence the evaluation uses) accepts? R1 writes a boxed tuple, interval, matrix, dollar
 *  amount or large fraction in its own spelling in the thinking: "(13/5, 23/5, 0)" for
 *  \left( \frac{13}{5}, \frac{23}{5}, 0 \right), "\( (\frac{8}{3}, 3] \)" for (\tfrac83, 3], "$1.17"
 *  for \$1.17, "[18/5, -9/5]" for a pmatrix column, "1 / 29,322,216" for \dfrac{1}{29,\!322,\!216}.
 *  Each value after a statement marker, read up to ten words, is graded against the answer; one
 *  equivalence serves the evaluation and the labeller. */
function statesByGrader(s: string, ans: string): boolean {
  const golds = goldSpellings(ans);
  for (const m of s.matchAll(STATES_AT_RE)) {
    const rest = s.slice(m.index! + m[0].length).replace(/^(?:\*\*|\$|\\\(|\\\[|\s)+/, '');
    if (!/^[-+−(\[\\\d√π$]|^[a-zA-Z](?![a-zA-Z'])/.test(rest)) continue;
    const words = rest.split(/(?<=\s)(?=\S)/).slice(0, 10);
    for (let k = 1; k <= words.length; k++) {
      const cand = words.slice(0, k).join('').trim().replace(/\s+divided by\s+/g, ' / ').replace(/(?:\\\)|\\\]|\$|\*\*|[.,;:!?])+$/, '').trim();
      if (!cand || OPERATION_RE.test(cand) || unreducedFraction(cand) || OPERATION_NEXT_RE.test(rest.slice(words.slice(0, k).join('').length))) continue;
      // "29,322,216": thousands separators, which the grader reads as a list.
      const plain = cand.replace(/(\d),(?=\d{3}(?!\d))/g, '$1');
      if (golds.some((g) => gradedEqual(g, cand) || (plain !== cand && gradedEqual(g, plain)))) return true;
    }
  }
  return false;
}

/** "6000 / 750", "\\frac{16}{36}": a division still to be done, not a value stated (a stated
 *  fraction is in lowest terms, "-9/5", "1 / 29,322,216"). */
function unreducedFraction(c: string): boolean {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  for (const m of c.replace(/(\d),(?=\d{3}(?!\d))/g, '$1').matchAll(/(\d+)\s*\/\s*(\d+)|\\frac\{(\d+)\}\{(\d+)\}/g)) {
    const [a, b] = [Number(m[1] ?? m[3]), Number(m[2] ?? m[4])];
    if (b === 0 || gcd(a, b) !== 1) return true;
  }
  return false;
}

/** The answer as the grader reads it, and a column vector (pmatrix) also as the tuple or list R1
 *  writes it in ("[18/5, -9/5]", "(18/5, -9/5)"): the grader keeps matrices and sequences apart. */
function goldSpellings(ans: string): string[] {
  const col = /^\\begin\{[pb]matrix\}([\s\S]*)\\end\{[pb]matrix\}$/.exec(ans.trim());
  if (!col || /&/.test(col[1])) return [ans];
  const items = col[1].split(/\\\\/).map((x) => x.trim()).filter(Boolean);
  return [ans, `(${items.join(', ')})`, `[${items.join(', ')}]`];
}

const GRADED = new Map<string, boolean>();
function gradedEqual(gold: string, cand: string): boolean {
  const key = `${gold}\u0000${cand}`;
  let r = GRADED.get(key);
  if (r === undefined) {
    r = isEquivalent(gold, cand);
    if (GRADED.size > 100_000) GRADED.clear();
    GRADED.set(key, r);
  }
  return r;
}

const BREAKDOWN_LINE_RE = /^\s*[-*•]\s+\S/;

/** The values of an answer that lists two or more simple values ("-2, 1", "3, 5, 7"), or null. */
function listParts(ans: string): string[] | null {
  const parts = ans.split(/\s*,\s*/);
  return parts.length >= 2 && parts.every((p) => /^-?(?:\d+(?:\.\d+)?|\\frac\{\d+\}\{\d+\}|\d+\/\d+)$/.test(p)) ? parts : null;
}

/** A decimal answer ("6.18") is stated by a result with more decimals that rounds to it
 *  ("which is approximately 6.183654%") (rules@6). */
function statesRounded(s: string, ans: string): boolean {
  const dec = /^-?\d+\.(\d+)$/.exec(ans);
  if (!dec) return false;
  const places = dec[1].length;
  for (const m of s.matchAll(/(?<![\d.])(-?\d+\.(\d+))(?![\d.]\d)/g)) {
    if (m[2].length <= places || Number(Number(m[1]).toFixed(places)) !== Number(ans)) continue;
    if (STATES_BEFORE_RE.test(s.slice(Math.max(0, m.index! - 60), m.index!))) return true;
  }
  return false;
}

// A decimal answer stated with a unit ("≈ 5.830 cm, which rounds to 5.8 cm"): another approximate
// value in that unit that does not round to it ("So the distance is ≈ 7.211 cm, approximately 7.2 cm")
// is another candidate answer, as a first pass's "\boxed{}" with another value is; a value only
// supposed ("Alternatively, if ..., the distance would be ≈ 7.071 cm") is exploration.
const UNIT = String.raw`(?:cm|mm|km|m|meters?|metres?|inch(?:es)?|ft|feet|units?|kg|grams?|seconds?|minutes?|hours?|mph|degrees|dollars|cents|liters?|litres?)`;
const SUPPOSED_RE = /\b(?:if|would|could|might|alternatively|perhaps|maybe|suppose|supposing|assuming)\b/i;
const APPROX = String.raw`(?:≈|~|\bapproximately|\bapprox\.?|\babout|\broughly|\brounds? to)`;

/** The test for another approximate value of a decimal answer that its statements give a unit, or
 *  null when the answer is no decimal or is stated without a unit. */
function approxRival(thinking: string, forms: string[]): ((s: string) => boolean) | null {
  const dec = /^-?\d+\.(\d+)$/.exec(forms[0]);
  if (!dec) return null;
  const unit = new RegExp(String.raw`(?<![\d.])${escapeRe(forms[0])}\s*(${UNIT})\b`).exec(thinking)?.[1];
  if (!unit) return null;
  const places = dec[1].length;
  const value = Number(forms[0]);
  const re = new RegExp(String.raw`${APPROX}\s*\$?(-?\d+\.\d+)\s*${escapeRe(unit)}\b`, 'g');
  return (s) => !SUPPOSED_RE.test(s) && [...s.matchAll(re)].some((m) => Math.abs(Number(Number(m[1]).toFixed(places)) - value) > 1e-9);
}

// A sentence that states some answer (a first pass's, or the final one).
// (An empty "\\boxed{}" only mentions the answer format: "put your final answer within \\boxed{}".)
// "The answer is that the coefficient is ...", "the answer is not ...", "the answer is the same",
// "the final answer should be all integers inside a single box", "the answer is multiple
// numbers": no value is stated; a value begins with a digit, a sign, a bracket, a TeX command or
// a one-letter symbol or option ("the answer is 54", "... is -\frac{1}{2}", "... is A") (rules@6).
const TENTATIVE_RE = /\\boxed\{(?!\s*\})|\banswer (?:is|should be|would be|must be)\s+(?:\*\*)?\$?(?=[-+−\\(\[\d√π]|[a-z](?![a-z']))/i;

/** The span of the trigger-replaced part of a cue sentence at `start`: the leading interjection,
 *  or nothing (the trigger is inserted). */
function cueSpan(raw: string, s: Sentence): { start: number; end: number } {
  const lead = /^[\s*#>-]*/.exec(raw.slice(s.start, s.end))![0].length;
  const start = s.start + lead;
  const ij = INTERJ_RE.exec(raw.slice(start, s.end));
  if (!ij) return { start, end: start };
  // The trigger rewrite (not the labelling rules): a chain "Hmm, but wait," is replaced whole, so
  // that "Hmm, but wait, let me make sure" becomes "Wait! Let me make sure", never "Wait! But wait,"
  // (found by the clean-trigger test on labelled-fresh3.jsonl after the rules@7 measurement; v and
  // T_last are unchanged by it).
  const more = TRAILING_WAIT_RE.exec(raw.slice(start + ij[0].length, s.end));
  return { start, end: start + ij[0].length + (more ? more[0].length : 0) };
}
const TRAILING_WAIT_RE = /^(?:but|and|so),?\s+wait\b(?:\s*(?:[,.!:;]|\.\.\.|—)\s*|\s+)/i;

/** Replace the cue span by the trigger; keep the rest of the cue's words, capitalised. */
export function rewriteAt(raw: string, span: { start: number; end: number }): string {
  if (span.end > span.start) {
    const rest = raw.slice(span.end).replace(/^[ \t]*/, '');
    return raw.slice(0, span.start) + TRIGGER + (rest && rest[0] !== '\n' ? ' ' : '') + capitalise(rest);
  }
  return raw.slice(0, span.start) + `${TRIGGER} ` + capitalise(raw.slice(span.end));
}

function capitalise(s: string): string {
  return s.replace(/^(\s*)([a-z])/, (_, sp: string, c: string) => sp + c.toUpperCase());
}

/** Every verification cue in `text`, in order: the span the trigger would replace (the leading
 *  interjection; empty for a cue that opens without one). */
export function findCues(text: string): { start: number; end: number }[] {
  return splitSentences(text)
    .map((s) => ({ ...s, kind: classifySentence(text.slice(s.start, s.end)) }))
    .filter((s) => s.kind === 'verify' || s.kind === 'interjection')
    .map((s) => cueSpan(text, s));
}

export interface Segmentation {
  sentences: Sentence[];
  /** Index into `sentences` of the first sentence of the final verification, or -1. */
  tLastSentence: number;
}

/** A check whose cue has no interjection of its own ("Let me check the calculation again.") may be
 *  opened by an interjection sentence just before it in the same paragraph that restates the
 *  result ("Wait, so the area is 11√3."): the check starts there, and the rewrite gets one "Wait!"
 *  ("Wait! So the area is 11√3. Let me check ..."), not "Wait, so ... Wait! Let me check". */
function ownInterjection(raw: string, sentences: Sentence[], i: number, from: number): number {
  const prev = sentences[i - 1];
  if (i - 1 < from || !prev || INTERJ_RE.test(raw.slice(sentences[i].start, sentences[i].end).replace(/^[\s*#>-]+/, ''))) return i;
  if (raw.slice(prev.start, sentences[i].start).includes('\n')) return i;
  const text = raw.slice(prev.start, prev.end).replace(/^[\s*#>-]+/, '');
  return INTERJ_RE.test(text) && (prev.kind === 'plain' || prev.kind === 'interjection') ? i - 1 : i;
}

/** Classify the thinking's sentences and pick the start of the final verification. */
export function segment(raw: string, gold?: string | null): Segmentation {
  const end = thinkingEnd(raw);
  const sentences: Sentence[] = splitSentences(raw, thinkingStart(raw), end).map((s) => ({ ...s, kind: classifySentence(raw.slice(s.start, s.end)) }));
  const ans = lastBoxedIn(raw.slice(end)) ?? lastBoxedIn(raw) ?? gold ?? null;
  const isCue = (k: SentenceKind) => k === 'verify' || k === 'interjection';
  let L = -1;
  sentences.forEach((s, i) => { if (s.kind === 'correction') L = i; });
  // Where the final answer is stated after the last correction: prefer a \boxed statement that a
  // cue follows (the first pass's answer sentence), then any statement of the value.
  let R = -1;
  if (ans !== null) {
    const forms = answerForms(ans);
    const text = (i: number) => raw.slice(sentences[i].start, sentences[i].end);
    const cueAfter = (i: number) => sentences.some((s, j) => j > i && isCue(s.kind));
    // A tentative answer with another value (a first pass that a later check corrects) comes
    // before the final answer's statement.
    let from = L + 1;
    // A multiple-choice answer ("A") is also stated by its value ("-2/3"): only another boxed
    // letter then marks a different answer.
    const tentative = /^[A-E]$/.test(forms[forms.length - 1]) ? /\\boxed\{/ : TENTATIVE_RE;
    const rival = approxRival(raw.slice(0, end), forms);
    const other = (i: number) => (tentative.test(text(i)) && !statesAnswer(text(i), forms, ans)) || (rival !== null && rival(text(i)));
    for (let i = L + 1; i < sentences.length; i++) if (other(i)) from = i + 1;
    for (let i = from; i < sentences.length && R < 0; i++) if (/\\boxed\{/.test(text(i)) && statesAnswer(text(i), forms, ans) && cueAfter(i)) R = i;
    for (let i = from; i < sentences.length && R < 0; i++) if (statesAnswer(text(i), forms, ans)) R = i;
    // A check that opens right after the answer's statement ("... = 588." then "Wait, is that
    // all? Let me double-check my reasoning.") runs to the answer when no other value is stated
    // as the answer after it: slip corrections inside it ("Wait, no, that can't be right") are its
    // own remarks, and do not restart it.
    let stable = 0;
    for (let i = 0; i < sentences.length; i++) if (other(i)) stable = i + 1;
    for (let i = stable; i < L; i++) {
      if (!statesAnswer(text(i), forms, ans)) continue;
      const j = [i + 1, i + 2].find((k) => k < sentences.length && sentences[k].kind === 'verify');
      if (j !== undefined) return { sentences, tLastSentence: ownInterjection(raw, sentences, j, i + 1) };
    }
  }
  if (R >= 0) {
    // The sentence stating the answer may itself open the check ("Wait, let me check: 3 * 11 = 33").
    for (let i = R; i < sentences.length; i++) if (isCue(sentences[i].kind) && (i > R || sentences[i].kind === 'verify')) return { sentences, tLastSentence: ownInterjection(raw, sentences, i, R) };
  }
  // The check that derives the answer itself ("Let me compute it numerically to confirm." then
  // "... = 33."): an explicit check just before the answer's first statement.
  if (R >= 0) for (let i = R - 1; i >= 0 && i >= R - 3; i--) if (sentences[i].kind === 'verify') return { sentences, tLastSentence: i };
  // No cue after the statement: the check that corrected the first pass and then stated the
  // answer starts at the first cue after the last tentative answer (after the last correction).
  let T = -1;
  for (let i = L + 1; i < (R >= 0 ? R : sentences.length); i++) if (TENTATIVE_RE.test(raw.slice(sentences[i].start, sentences[i].end))) T = i;
  if (T >= 0) for (let i = T + 1; i < (R >= 0 ? R + 1 : sentences.length); i++) if (isCue(sentences[i].kind)) return { sentences, tLastSentence: i };
  // A verification that found the slip: the last explicit check before the last correction,
  // when nothing but the corrected derivation follows it.
  if (L >= 0) for (let i = L - 1; i >= 0 && i >= L - 3; i--) if (sentences[i].kind === 'verify') return { sentences, tLastSentence: i };
  return { sentences, tLastSentence: -1 };
}

// "12 - 3 = 9", "7 \times 8 = 54", "21 / 3 = 7": an arithmetic left-hand side followed by "=".
const NUM = String.raw`-?\d+(?:\.\d+)?(?:/\d+)?`;
const OPR = String.raw`(?:[-+*/×÷]|\\times|\\cdot|\\div)`;
const LHS_RE = new RegExp(String.raw`(?<![\w.\\])(${NUM}(?:\s*${OPR}\s*${NUM})+)\s*=`, 'g');

// Some computation written out: an operation between numbers or one-letter symbols ("756 - 168",
// "6 \times 64", "70 / 10", "5² + 3²", "4 cm + 1 cm", "2^n - 1", "x + 2") or a root ("sqrt(41)",
// "√3", "\sqrt{2}").
const OPERAND = String.raw`(?:\d|(?<![\w\\])[a-zA-Z](?!\w)|\)|π)(?:[²³]|\^\{?\w+\}?)?`;
// rules@13: π and "·" as R1 writes them ("π*(4)^2", "16π - π", "√2 · 2"), and a power evaluated
// ("2^7 is 128", "2^4 = 16").
const COMPUTES_RE = new RegExp(String.raw`${OPERAND}\s*(?:[a-z]{1,3}\s*|π\s*)?(?:[-+*×÷·]|\\times|\\cdot|\\div|\s\/\s)\s*\(?-?(?:\d|(?<![\w\\])[a-zA-Z](?!\w)|\\frac|π)|sqrt|√|\\sqrt|\d\^\{?\d+\}?\s*(?:=|is|equals)\s*-?\d`);

// rules@7: an operation written in words computes too ("16/36 simplifies to 4/9", "6000 divided by
// 750 is 8", "27 times 44"): a check that restates its counts and reduces the fraction re-derives
// the answer.
const COMPUTES_IN_WORDS_RE = /\d\s+(?:times|plus|minus|divided by|multiplied by)\s+\(?-?\d|\d\s*\/\s*\d+\s+(?:simplifies|reduces)\s+(?:down\s+)?to\b|\d\s+becomes\s+-?\d/;
// rules@12: an operation on LaTeX fractions ("\frac{5}{4} + \frac{4}{5}") computes too.
const COMPUTES_TEX_RE = /\\frac\{[^{}]*\}\{[^{}]*\}\s*(?:[-+*×÷=]|\\times|\\cdot|\\div)/;
// rules@12: a recap that restates the derivation step by step ("1. Started with ... 2. Used that
// to find ...") re-derives it, although it writes no arithmetic.
const RECAP_LIST_RE = /^\s*1\.\s+\S[^\n]*\n(?:[^\n]*\n)*?\s*2\.\s+\S/m;
function computes(text: string): boolean {
  return COMPUTES_RE.test(text) || COMPUTES_IN_WORDS_RE.test(text) || COMPUTES_TEX_RE.test(text) || RECAP_LIST_RE.test(text);
}

/**
 * Start of the first bare recomputation: an expression computed earlier, written again at the
 * start of a sentence (no lead words such as "c = " or "After selling 9:"), or null. Requiring the
 * sentence start keeps a chain that happens to compute "16 + 7" twice from counting as a check.
 */
export function findRecomputation(text: string): number | null {
  const seen = new Set<string>();
  for (const m of text.matchAll(LHS_RE)) {
    const key = m[1].replace(/\s+/g, '').replace(/\\times|×|\\cdot/g, '*').replace(/\\div|÷/g, '/');
    const at = m.index!;
    if (seen.has(key) && /(?:^|[.!?]\s+|\n\s*)$/.test(text.slice(Math.max(0, at - 8), at))) return at;
    seen.add(key);
  }
  return null;
}

/** Label a raw trace: v, T_last and the rewritten response. `gold` is the row's answer, used only
 *  when the trace boxes none. */
export function detectVerification(raw: string, gold?: string | null): Detection {
  const seg = segment(raw, gold);
  // A final "check" that writes no arithmetic from its first sentence to the end of the thinking
  // ("But let me verify this result with the first method. ... I think the second method is more
  // reliable.") argues about which result to trust and re-derives nothing: no verification.
  if (seg.tLastSentence >= 0 && !computes(raw.slice(seg.sentences[seg.tLastSentence].start, thinkingEnd(raw)))) return { v: 0, tLast: null, rewritten: raw, cue: null, method: 'none', confident: false };
  if (seg.tLastSentence >= 0) {
    const span = cueSpan(raw, seg.sentences[seg.tLastSentence]);
    const start = seg.sentences[seg.tLastSentence];
    return { v: 1, tLast: span.start, rewritten: rewriteAt(raw, span), cue: { ...span, text: raw.slice(span.start, span.end) }, method: 'cue', confident: CONFIDENT_START_RE.test(raw.slice(start.start, start.end)) };
  }
  const at = findRecomputation(raw.slice(0, thinkingEnd(raw)));
  if (at !== null) return { v: 1, tLast: at, rewritten: rewriteAt(raw, { start: at, end: at }), cue: { start: at, end: at, text: '' }, method: 'recompute', confident: false };
  return { v: 0, tLast: null, rewritten: raw, cue: null, method: 'none', confident: false };
}

/** Where an external label's T_last (a character offset into the raw trace, or a quoted
 *  sentence) lands: the start of the sentence holding it, and the span the trigger replaces. */
export function locateLabel(raw: string, at: number | string): { start: number; end: number } | null {
  let off: number;
  if (typeof at === 'number') off = at;
  else {
    const q = at.trim();
    const i = raw.indexOf(q);
    if (i < 0 || !q) return null;
    off = i;
  }
  if (!(Number.isInteger(off) && off >= 0 && off < raw.length)) return null;
  const s = splitSentences(raw).find((x) => off >= x.start && off < x.end);
  // An offset in the middle of a sentence is taken as given (a labeller may cut inside one).
  const base: Sentence = s && off - s.start <= 2 ? { ...s, kind: 'plain' } : { start: off, end: s?.end ?? raw.length, kind: 'plain' };
  return cueSpan(raw, base);
}
