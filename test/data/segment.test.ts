import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LabelCache, labelTrace, ruleLabeller, type Labeller } from '../../lib/data/segment/labeller.ts';
import { classifySentence, detectVerification, findCues, locateLabel } from '../../lib/data/segment/rules.ts';
import { scoreLabels } from '../../lib/data/segment/score.ts';
import type { TraceTruth } from '../../lib/data/types.ts';
import { generateWorld } from '../../lib/data/world/generate.ts';

// Constructed R1-style traces, one per rule (written for these tests, not real R1 output; the
// file says which sentence opens each final check).
// real.jsonl holds real R1 traces with their source, license and a T_last judged by reading.
const FIXTURES = ['constructed.jsonl', 'real.jsonl'].flatMap((f) => readFileSync(join(import.meta.dirname, 'fixtures/r1', f), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; answer: string; trace: string; v: 0 | 1; tLastSentence: string | null }));

describe('rule detector on R1-style text', () => {
  it.each(FIXTURES.map((f) => [f.id, f] as const))('%s: T_last at the first cue of the final check', (_, f) => {
    const d = detectVerification(f.trace, f.answer);
    expect(d.v).toBe(f.v);
    expect(d.tLast).toBe(f.tLastSentence === null ? null : f.trace.indexOf(f.tLastSentence));
  });

  it('every fixture rewrite has one clean trigger: never doubled, no lowercase tail, the cue words kept', () => {
    for (const f of FIXTURES) {
      const d = detectVerification(f.trace, f.answer);
      if (d.v === 0) { expect(d.rewritten).toBe(f.trace); continue; }
      const count = (t: string) => t.split('Wait!').length - 1;
      expect(count(d.rewritten), f.id).toBe(count(f.trace) + 1);
      expect(d.rewritten, f.id).not.toMatch(/Wait!\s*(?:[,.]\s*)?(?:but\s+|and\s+)?wait\b/i);
      expect(d.rewritten, f.id).not.toMatch(/Wait!\s+[a-z]/);
      expect(d.rewritten.startsWith('Wait!', d.tLast!), f.id).toBe(true);
      // Only the interjection is replaced: the words after it are all still there.
      const rest = f.trace.slice(d.cue!.end).replace(/^\s*\w/, '');
      expect(d.rewritten.endsWith(rest), f.id).toBe(true);
    }
  });

  it('rewrites "Wait, but let me double-check." to "Wait! But let me double-check." and "Wait, no." never wins', () => {
    const d = detectVerification('<think>\nx = 70.\n\nWait, but let me double-check. 180 - 110 = 70.\n</think>\n\\boxed{70}');
    expect(d.rewritten).toContain('Wait! But let me double-check. 180');
    expect(classifySentence('Wait, no.')).toBe('correction');
    expect(classifySentence('Wait, this is just a rough idea.')).toBe('hedge');
    expect(classifySentence('Hmm, maybe I should try x = 2.')).toBe('hedge');
    expect(classifySentence('I made a mistake in step 2.')).toBe('correction');
    for (const c of ['To confirm, 3 * 4 = 12.', 'Double-checking: 3 * 4 = 12.', 'Let me verify: 12 / 4 = 3.', 'Plugging back in gives 12.', 'Is that right?'])
      expect(classifySentence(c), c).toBe('verify');
  });

  it('says v=0 when there is no verification', () => {
    const raw = '<think>\n2 + 3 = 5, and 5 * 4 = 20.\n</think>\nSo the answer is \\boxed{20}.';
    expect(detectVerification(raw)).toMatchObject({ v: 0, tLast: null, rewritten: raw, method: 'none' });
  });

  it('places an external label given as an offset or a quoted sentence, at the sentence start', () => {
    const raw = 'x = 4. Let me check: 3x = 12. Done.';
    expect(locateLabel(raw, 'Let me check: 3x = 12.')).toEqual({ start: 7, end: 7 });
    expect(locateLabel(raw, 8)).toEqual({ start: 7, end: 7 });
    expect(locateLabel(raw, 'not in the trace')).toBeNull();
    expect(locateLabel(raw, 999)).toBeNull();
    expect(locateLabel('a = 1. Hmm, wait. a = 2.', 7)).toEqual({ start: 7, end: 18 });
  });

  it('finds no cue in plain worked steps', () => {
    expect(findCues('awaiting the actuality of rewaits; checking. 3 + 4 = 7.')).toEqual([]);
  });

  it('agrees with the world ground truth on >= 99% of traces (and reads only the text)', () => {
    const w = generateWorld({ seed: 3, scale: 'smoke' });
    const a = scoreLabels(w.pool.map((e) => ({ truth: e.truth!, label: ruleLabeller.label(e.raw) as ReturnType<typeof detectVerification> })));
    expect(a.tLastAgree / a.n).toBeGreaterThanOrEqual(0.99);
    expect(a.confusion[0][0] + a.confusion[1][1]).toBeGreaterThanOrEqual(0.99 * a.n);
    expect(a.confusion[0][0]).toBeGreaterThan(0);
  });
});

describe('scoreLabels', () => {
  it('counts agreement and the confusion matrix', () => {
    const t = (v: 0 | 1, tLast: number | null): TraceTruth => ({ v, tLast, rewritten: 'x', kind: 'none', slip: null, firstPassAnswer: null, cue: null, tLastRaw: tLast, segments: [] });
    const a = scoreLabels([
      { truth: t(1, 5), label: { v: 1, tLast: 5, rewritten: 'x' } },
      { truth: t(1, 5), label: { v: 1, tLast: 9, rewritten: 'y' } },
      { truth: t(1, 5), label: { v: 0, tLast: null, rewritten: 'x' } },
      { truth: t(0, null), label: { v: 0, tLast: null, rewritten: 'x' } },
    ]);
    expect(a).toMatchObject({ n: 4, tLastAgree: 2, tLastAgreeV1: 1, nV1: 3, rewrittenAgree: 3, confusion: [[1, 0], [1, 2]] });
  });
});

describe('labeller interface and cache', () => {
  it('caches labels by trace hash and labeller version, with provenance, across reloads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'labels-'));
    const path = join(dir, 'cache.jsonl');
    let calls = 0;
    const fake: Labeller = { name: 'fake-llm', version: '2', label: async (t) => { calls++; return { v: 1, tLast: 0, rewritten: 'Wait! ' + t }; } };
    const c1 = new LabelCache(path);
    const a = await labelTrace(fake, 'trace one', c1);
    const b = await labelTrace(fake, 'trace one', c1);
    expect(calls).toBe(1);
    expect(a).toMatchObject({ cached: false, provenance: { labeller: 'fake-llm', version: '2' } });
    expect(b.cached).toBe(true);
    c1.save();
    const c2 = new LabelCache(path);
    expect(c2.get('trace one', { labeller: 'fake-llm', version: '2' })!.rewritten).toBe('Wait! trace one');
    expect(c2.get('trace one', { labeller: 'fake-llm', version: '3' })).toBeUndefined();
    const r = await labelTrace(ruleLabeller, 'a = 1. Wait, a = 2.', c2);
    expect(r.provenance.labeller).toBe('rules');
    c2.save();
    expect(readFileSync(path, 'utf8').trim().split('\n').length).toBe(2);
  });

  it('rejects a label whose tLast is not at "Wait!" and a corrupt cache line', async () => {
    const bad: Labeller = { name: 'bad', version: '1', label: () => ({ v: 1, tLast: 3, rewritten: 'no trigger here' }) };
    await expect(labelTrace(bad, 'x')).rejects.toThrow(/does not point at "Wait!"/);
    const dir = mkdtempSync(join(tmpdir(), 'labels-'));
    writeFileSync(join(dir, 'c.jsonl'), '{"hash":1\n');
    expect(() => new LabelCache(join(dir, 'c.jsonl'))).toThrow(/c.jsonl:1: not JSON/);
  });
});
