// Packing of pretraining documents into rows (lib/train/batch.ts packDocuments): every document
// lands whole in exactly one row, no row is over the limit, the per-token weights travel with
// their tokens, and the packed batch learns the same tokens as one-document-per-row batches.
import { describe, expect, it } from 'vitest';
import { packBatch, packDocuments, tokensLearned, type PackItem } from '../../lib/train/batch.ts';
import { Rng } from '../../lib/util/rng.ts';

/** A document of `len` tokens: BOS(1), prompt ids, response ids (weight 1 on the response), EOS(2). */
function doc(id: number, len: number, promptLen: number): PackItem {
  const inputIds = [1, ...Array.from({ length: len - 2 }, (_, t) => 10 + ((id * 7 + t) % 50)), 2];
  const weights = new Float32Array(len);
  for (let t = promptLen + 1; t < len; t++) weights[t] = 1;
  return { inputIds, weights };
}

describe('packDocuments', () => {
  const rng = new Rng(5);
  const docs = Array.from({ length: 300 }, (_, i) => doc(i, rng.int(8, 60), rng.int(2, 6)));

  it('puts every document whole into exactly one row within the limit', () => {
    const rows = packDocuments(docs, 64);
    for (const r of rows) expect(r.inputIds.length).toBeLessThanOrEqual(65);
    // Rows are concatenations of documents: cut them at each BOS and match the documents.
    const seen = rows.flatMap((r) => {
      const cuts: number[][] = [];
      r.inputIds.forEach((t, i) => (t === 1 ? cuts.push([t]) : cuts[cuts.length - 1].push(t)));
      return cuts.map((c) => c.join(','));
    });
    expect(seen.sort()).toEqual(docs.map((d) => d.inputIds.join(',')).sort());
    // First-fit-decreasing fills rows: far fewer rows than documents, little room left over.
    const used = rows.reduce((s, r) => s + r.inputIds.length, 0);
    expect(used / (rows.length * 65)).toBeGreaterThan(0.9);
  });

  it('keeps each token its weight, so a packed batch learns the same tokens', () => {
    const rows = packDocuments(docs, 64);
    const packed = packBatch(rows, 64);
    const single = packBatch(docs, 59);
    expect(tokensLearned(packed)).toBe(tokensLearned(single));
    // The target after a document's EOS is the next document's BOS, never learned.
    for (let i = 0; i < packed.targets.length; i++) if (packed.targets[i] === 1) expect(packed.weights[i]).toBe(0);
  });

  it('gives a document longer than the row a row of its own, and is deterministic', () => {
    const long = doc(999, 100, 3);
    const rows = packDocuments([...docs.slice(0, 20), long], 64);
    expect(rows.filter((r) => r.inputIds.length > 65)).toEqual([long]);
    expect(packDocuments(docs, 64)).toEqual(packDocuments(docs, 64));
  });
});
