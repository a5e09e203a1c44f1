// Rule-based detector of the final verification segment in raw R1-style text. It finds the last
// verification cue ("Wait,", "Hmm, let me verify.", "Actually,", "Let me double-check." ...); when
// there is none it looks for a bare recomputation of an earlier result (an expression that was
// already computed, written out again). It rewrites the cue at T_last to the standard trigger
// "Wait!" and reports T_last as an offset into the rewritten text. It never sees ground truth.

export const TRIGGER = 'Wait!';

export interface Detection {
  v: 0 | 1;
  /** Offset of the "W" of "Wait!" in `rewritten`; null when v=0. */
  tLast: number | null;
  rewritten: string;
  /** The replaced span of the raw text (empty for a bare recomputation, where "Wait! " is inserted). */
  cue: { start: number; end: number; text: string } | null;
  method: 'cue' | 'recompute' | 'none';
}

const VERB = String.raw`(?:re-?check|check|verify|recalculate|recompute|re-?evaluate|double-check|confirm)`;
const LETME = String.raw`(?:let me|let's|let us|I should|I need to|I'll)\s+${VERB}`;
// A short object after the verb, so that "let me check that." is part of the cue but "let me
// check whether 3x = 12 ..." keeps its content (then only the interjection is replaced).
const SHORT_TAIL = String.raw`(?:\s+(?:that|this|it|again|once more|my (?:work|answer|calculations?|steps?)|the (?:calculations?|answer|result|steps?|arithmetic)))*(?:\s+again)?\s*[.:!,]`;
const INTERJ = String.raw`(?:(?:but|and|oh),?\s+)?(?:wait|hmm+|actually|hold on)\b[,.!:;]?(?:\s+wait\b[,.!:;]?)?`;

const INTERJ_RE = new RegExp(INTERJ, 'giy');
const LETME_FULL_RE = new RegExp(String.raw`\s*${LETME}${SHORT_TAIL}`, 'iy');
const LETME_AFTER_RE = new RegExp(String.raw`\s*${LETME}\b`, 'iy');
const ANY_START_RE = new RegExp(String.raw`\b(?:(?:but|and|oh),?\s+)?(?:wait|hmm+|actually|hold on)\b|\b${LETME}\b`, 'gi');

/** Every cue span in `text`, in order. */
export function findCues(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let from = 0;
  for (;;) {
    ANY_START_RE.lastIndex = from;
    const m = ANY_START_RE.exec(text);
    if (!m) return out;
    const start = m.index;
    let end: number;
    INTERJ_RE.lastIndex = start;
    const i = INTERJ_RE.exec(text);
    let skip = start + m[0].length;
    if (i) {
      end = start + i[0].length;
      LETME_FULL_RE.lastIndex = end;
      const l = LETME_FULL_RE.exec(text);
      if (l) end += l[0].length;
      // "Actually, let me recompute whether ..." is one cue: its "let me" starts no second one.
      LETME_AFTER_RE.lastIndex = end;
      const la = l ? null : LETME_AFTER_RE.exec(text);
      skip = Math.max(end, la ? end + la[0].length : 0);
    } else {
      LETME_FULL_RE.lastIndex = start;
      const l = LETME_FULL_RE.exec(text);
      // "Let me check whether ..." with a long object: a cue with nothing to replace.
      end = l ? start + l[0].length : start;
    }
    out.push({ start, end });
    from = Math.max(end, skip);
  }
}

// "12 - 3 = 9", "7 \times 8 = 54", "21 / 3 = 7": an arithmetic left-hand side followed by "=".
const NUM = String.raw`-?\d+(?:\.\d+)?(?:/\d+)?`;
const OPR = String.raw`(?:[-+*/×÷]|\\times|\\cdot|\\div)`;
const LHS_RE = new RegExp(String.raw`(?<![\w.\\])(${NUM}(?:\s*${OPR}\s*${NUM})+)\s*=`, 'g');

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

export function detectVerification(raw: string): Detection {
  const cues = findCues(raw);
  if (cues.length) {
    const { start, end } = cues[cues.length - 1];
    const text = raw.slice(start, end);
    // An empty cue span (a long "let me check whether ...") inserts the trigger before it.
    const ins = end > start ? TRIGGER : `${TRIGGER} `;
    return { v: 1, tLast: start, rewritten: raw.slice(0, start) + ins + raw.slice(end), cue: { start, end, text }, method: 'cue' };
  }
  const at = findRecomputation(raw);
  if (at !== null) {
    return { v: 1, tLast: at, rewritten: `${raw.slice(0, at)}${TRIGGER} ${raw.slice(at)}`, cue: { start: at, end: at, text: '' }, method: 'recompute' };
  }
  return { v: 0, tLast: null, rewritten: raw, cue: null, method: 'none' };
}
