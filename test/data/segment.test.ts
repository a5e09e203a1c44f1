import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LabelCache, labelTrace, ruleLabeller, type Labeller } from '../../lib/data/segment/labeller.ts';
import { detectVerification, findCues } from '../../lib/data/segment/rules.ts';
import { scoreLabels } from '../../lib/data/segment/score.ts';
import type { TraceTruth } from '../../lib/data/types.ts';
import { generateWorld } from '../../lib/data/world/generate.ts';

describe('rule detector on R1-style text', () => {
  it('takes the LAST of several cues and rewrites only it', () => {
    const raw = '<think>\nFirst, 12 * 3 = 36. Wait, the problem says 13. So 13 * 3 = 39. Hmm, let me verify that. 13 * 3 = 39.\n</think>\nThe answer is \\boxed{39}.';
    const d = detectVerification(raw);
    expect(d.v).toBe(1);
    expect(d.cue!.text).toBe('Hmm, let me verify that.');
    expect(d.rewritten).toBe(raw.replace('Hmm, let me verify that.', 'Wait!'));
    expect(d.rewritten.slice(d.tLast!, d.tLast! + 5)).toBe('Wait!');
    expect(d.rewritten).toContain('Wait, the problem says 13.');
  });

  it('says v=0 when there is no verification', () => {
    const raw = '<think>\n2 + 3 = 5, and 5 * 4 = 20.\n</think>\nSo the answer is \\boxed{20}.';
    expect(detectVerification(raw)).toMatchObject({ v: 0, tLast: null, rewritten: raw, method: 'none' });
  });

  it('keeps the content of a long "let me check whether ..." and inserts the trigger before it', () => {
    const raw = 'x = 4. Let me check whether 3x + 5 = 17 holds: 12 + 5 = 17.';
    const d = detectVerification(raw);
    expect(d.rewritten).toBe('x = 4. Wait! Let me check whether 3x + 5 = 17 holds: 12 + 5 = 17.');
    expect(d.tLast).toBe(7);
    const d2 = detectVerification('x = 4. Actually, let me recompute whether that fits: ok.');
    expect(d2.cue!.text).toBe('Actually,');
  });

  it('finds cue phrasings of the catalogue and combined ones', () => {
    const texts = ['But wait,', 'Hold on, let me check again.', 'Hmm, wait.', 'Let me recalculate:', 'Wait, let me double-check.', 'Actually,'];
    for (const c of texts) expect(findCues(`a = 1. ${c} b = 2.`)).toEqual([{ start: 7, end: 7 + c.length }]);
    expect(findCues('awaiting the actuality of rewaits; checking')).toEqual([]);
  });

  it('falls back to a bare recomputation at a sentence start, not a repeated step with a lead', () => {
    const raw = 'a = 7 \\times 8 = 54. b = 54 + 3 = 57. 7 \\times 8 = 56, not 54. So 56 + 3 = 59. \\boxed{59}';
    const d = detectVerification(raw);
    expect(d.method).toBe('recompute');
    expect(d.tLast).toBe(raw.indexOf('7 \\times 8 = 56'));
    expect(d.rewritten).toBe(raw.replace('7 \\times 8 = 56', 'Wait! 7 \\times 8 = 56'));
    expect(detectVerification('c = 16 + 7 = 23. d = 23 - 7 = 16. e = 16 + 7 = 23. \\boxed{23}').v).toBe(0);
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
