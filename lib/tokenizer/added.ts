// Added tokens (tokenizer.json "added_tokens") found in text the way the Rust `tokenizers`
// library's AddedVocabulary does: leftmost-longest matches scanned left to right; a single_word
// token only where no word character (regex \w) touches it on either side (a rejected match is
// still consumed, as aho-corasick's iterator moves past it); lstrip/rstrip take the whitespace
// run on that side into the token's span (never whitespace an earlier match already took).
// Tokens with normalized=false are matched in the raw text, those with normalized=true in the
// normalized text; the caller runs this once for each set.
import type { AddedTokenJson } from './types.ts';

export interface AddedMatch {
  id: number;
  /** [start, end) in the searched text, stripped whitespace included. */
  start: number;
  end: number;
}

const WORD = /[\p{L}\p{M}\p{Nd}\p{Pc}]/u;
const SPACE = /\p{White_Space}/u;

export class AddedTokenMatcher {
  private readonly byFirst = new Map<string, AddedTokenJson[]>();

  constructor(tokens: readonly AddedTokenJson[]) {
    for (const t of tokens) {
      if (!t.content) continue;
      const k = t.content[0];
      const list = this.byFirst.get(k) ?? [];
      list.push(t);
      this.byFirst.set(k, list);
    }
    // Longest first, so the first hit at a position is the longest.
    for (const list of this.byFirst.values()) list.sort((a, b) => b.content.length - a.content.length);
  }

  get empty(): boolean {
    return this.byFirst.size === 0;
  }

  find(text: string): AddedMatch[] {
    const out: AddedMatch[] = [];
    if (this.empty) return out;
    let taken = 0; // end of the last accepted match's span
    for (let p = 0; p < text.length;) {
      const tok = this.byFirst.get(text[p])?.find((t) => text.startsWith(t.content, p));
      if (!tok) {
        p++;
        continue;
      }
      let start = p;
      let end = p + tok.content.length;
      p = end;
      if (tok.single_word && ((start > 0 && WORD.test(charBefore(text, start))) || (end < text.length && WORD.test(charAt(text, end))))) continue;
      if (tok.lstrip) {
        while (start > taken && SPACE.test(charBefore(text, start))) start -= charBefore(text, start).length;
      }
      if (tok.rstrip) {
        while (end < text.length && SPACE.test(charAt(text, end))) end += charAt(text, end).length;
        p = end;
      }
      out.push({ id: tok.id, start, end });
      taken = end;
    }
    return out;
  }
}

function charAt(s: string, i: number): string {
  return String.fromCodePoint(s.codePointAt(i)!);
}

function charBefore(s: string, i: number): string {
  const lo = s.charCodeAt(i - 1);
  return lo >= 0xdc00 && lo <= 0xdfff && i >= 2 ? s.slice(i - 2, i) : s[i - 1];
}
