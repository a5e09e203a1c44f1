import { describe, expect, it } from 'vitest';
import { learnedByEvery, maskedPrefix, methodSequence, METHODS, traceLayout, weightExample, type EncodedExample } from '../../lib/train/weights.ts';
import { packBatch, TAG_LEARNED, TAG_PREFIX, tokensLearned } from '../../lib/train/batch.ts';

// Hand-made trace: prompt P0 P1 P2 | template S | response r4 .. r9, EOS=99 at index 10.
//   index: 0  1  2  3  4  5  6  7  8  9  10
const ids = [10, 11, 12, 5, 20, 21, 22, 23, 24, 25, 99];
const base = { ids, promptLen: 3, responseStart: 4, eos: 10 };
const v0: EncodedExample = { ...base, tLastToken: null };
const vMid: EncodedExample = { ...base, tLastToken: 7 };
const vFirst: EncodedExample = { ...base, tLastToken: 4 };
const vLast: EncodedExample = { ...base, tLastToken: 10 };

const w = (xs: Float32Array) => Array.from(xs);

describe('weightExample', () => {
  it('sft learns every response token including EOS, never prompt or template', () => {
    for (const ex of [v0, vMid, vFirst, vLast]) {
      const r = weightExample('sft', ex);
      expect(r.inputIds).toEqual(ids);
      expect(w(r.weights)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1]);
    }
  });

  it('vggm learns from T_last on when v=1 and keeps the prefix in the input', () => {
    const r = weightExample('vggm', vMid);
    expect(r.inputIds).toEqual(ids);
    expect(w(r.weights)).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
  });

  it('vggm with v=0 learns the whole response', () => {
    expect(w(weightExample('vggm', v0).weights)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('vggm with T_last at the first response token equals sft', () => {
    expect(w(weightExample('vggm', vFirst).weights)).toEqual(w(weightExample('sft', vFirst).weights));
    expect(maskedPrefix('vggm', vFirst)).toBeNull();
  });

  it('vggm with T_last at the last response token (EOS) learns only EOS', () => {
    expect(w(weightExample('vggm', vLast).weights)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(maskedPrefix('vggm', vLast)).toEqual({ start: 4, end: 10 });
  });

  it('truncate removes the error prefix from the input and learns the rest', () => {
    const r = weightExample('truncate', vMid);
    expect(r.inputIds).toEqual([10, 11, 12, 5, 23, 24, 25, 99]);
    expect(w(r.weights)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    const last = weightExample('truncate', vLast);
    expect(last.inputIds).toEqual([10, 11, 12, 5, 99]);
    expect(w(last.weights)).toEqual([0, 0, 0, 0, 1]);
  });

  it('truncate with v=0 equals sft', () => {
    const r = weightExample('truncate', v0);
    expect(r.inputIds).toEqual(ids);
    expect(w(r.weights)).toEqual(w(weightExample('sft', v0).weights));
  });

  it('rejects an eos index that is not the last token', () => {
    expect(() => weightExample('sft', { ...v0, eos: 9 })).toThrow(/eos index/);
  });

  it('rejects T_last outside the response and unknown methods', () => {
    expect(() => weightExample('vggm', { ...base, tLastToken: 2 })).toThrow(/tLastToken/);
    expect(() => weightExample('bogus' as never, v0)).toThrow(/unknown method/);
  });
});

describe('the derived views of a method', () => {
  it("traceLayout: what each method drops and where it starts learning, in the trace's positions", () => {
    expect(traceLayout('sft', vMid)).toEqual({ dropped: null, learnFrom: 4 });
    expect(traceLayout('vggm', vMid)).toEqual({ dropped: null, learnFrom: 7 });
    expect(traceLayout('truncate', vMid)).toEqual({ dropped: { start: 4, end: 7 }, learnFrom: 7 });
    for (const m of METHODS) expect(traceLayout(m, v0)).toEqual({ dropped: null, learnFrom: 4 });
  });

  it('maskedPrefix: only a method that keeps the prefix without learning it has one', () => {
    expect(maskedPrefix('vggm', vMid)).toEqual({ start: 4, end: 7 });
    expect(maskedPrefix('sft', vMid)).toBeNull();
    expect(maskedPrefix('truncate', vMid)).toBeNull();
    for (const m of METHODS) expect(maskedPrefix(m, v0)).toBeNull();
  });

  it('methodSequence locates the error prefix in the input, null when the input drops it', () => {
    expect(methodSequence('sft', vMid).errorPrefix).toEqual({ start: 4, end: 7 });
    expect(methodSequence('vggm', vMid).errorPrefix).toEqual({ start: 4, end: 7 });
    expect(methodSequence('truncate', vMid).errorPrefix).toBeNull();
    expect(methodSequence('sft', v0).errorPrefix).toBeNull();
    expect(w(methodSequence('truncate', vMid).weights)).toEqual(w(weightExample('truncate', vMid).weights));
  });

  it('learnedByEvery weights exactly the trace tokens every method learns, with the whole trace in the input', () => {
    for (const ex of [v0, vMid, vFirst, vLast]) {
      const every = learnedByEvery(ex);
      expect(every.inputIds).toEqual(ids);
      for (let j = 0; j < ids.length; j++) {
        // a token of the whole trace is learned by method m when m keeps it and weights it
        const learnedByAll = METHODS.every((m) => {
          const { dropped } = traceLayout(m, ex);
          if (dropped && j >= dropped.start && j < dropped.end) return false;
          const k = dropped && j >= dropped.end ? j - (dropped.end - dropped.start) : j;
          return weightExample(m, ex).weights[k] > 0;
        });
        expect(every.weights[j] > 0, `${JSON.stringify(ex.tLastToken)} token ${j}`).toBe(learnedByAll);
      }
    }
  });
});

describe('packBatch', () => {
  it('shifts weights onto the rows that predict each token and tags the prefix', () => {
    const seq = weightExample('vggm', vMid);
    const b = packBatch([{ ...seq, prefix: maskedPrefix('vggm', vMid) }], 12);
    // row t predicts ids[t+1]
    expect(Array.from(b.targets.slice(0, 10))).toEqual(ids.slice(1));
    expect(Array.from(b.weights.slice(0, 12))).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0]);
    // prefix rows predict tokens 4, 5, 6 -> rows 3, 4, 5
    expect(Array.from(b.tags.slice(0, 12)).map((t) => t & TAG_PREFIX)).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(b.tags.slice(0, 12)).map((t) => (t & TAG_LEARNED) >> 1)).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0]);
    expect(tokensLearned(b)).toBe(4);
  });

  it('refuses sequences longer than seqLen + 1', () => {
    expect(() => packBatch([weightExample('sft', v0)], 5)).toThrow(/does not fit/);
  });
});
