// The tokenizer.json normalizer applied with a map back to the original text, so every token's
// offsets stay in the caller's string. Unicode normalization (NFC and friends) never composes or
// decomposes across a grapheme cluster boundary, so each cluster is normalized on its own and
// every unit of its normalized form maps to the whole original cluster.

export type NormalForm = 'NFC' | 'NFD' | 'NFKC' | 'NFKD';

export interface Normalized {
  text: string;
  /** For each UTF-16 unit of `text`: [start, end) of the original cluster it came from. */
  start: Int32Array;
  end: Int32Array;
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export function normalizeWithMap(text: string, form: NormalForm | null): Normalized {
  if (!form || text.normalize(form) === text) {
    const start = Int32Array.from({ length: text.length }, (_, i) => i);
    const end = Int32Array.from({ length: text.length }, (_, i) => i + 1);
    // A surrogate pair is one character: both units span it.
    for (let i = 0; i + 1 < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff) {
        end[i] = i + 2;
        start[i + 1] = i;
      }
    }
    return { text, start, end };
  }
  let out = '';
  const start: number[] = [];
  const end: number[] = [];
  for (const { segment, index } of segmenter.segment(text)) {
    const n = segment.normalize(form);
    out += n;
    for (let k = 0; k < n.length; k++) {
      start.push(index);
      end.push(index + segment.length);
    }
  }
  return { text: out, start: Int32Array.from(start), end: Int32Array.from(end) };
}
