import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labelledReport, parseLabelledSet, parseSecondReading, readerAgreement, type LabelledTrace } from '../../lib/data/segment/labelled.ts';
import { splitSentences } from '../../lib/data/segment/rules.ts';

const FILES = ['real.jsonl', 'labelled.jsonl', 'labelled-more.jsonl', 'labelled-fresh.jsonl', 'labelled-fresh2.jsonl', 'labelled-fresh3.jsonl', 'labelled-fresh4.jsonl', 'labelled-fresh5.jsonl', 'labelled-fresh6.jsonl', 'labelled-fresh7.jsonl', 'labelled-fresh8.jsonl', 'labelled-fresh9.jsonl', 'labelled-fresh10.jsonl'];
const FIXTURES = FILES.map((f) => join(import.meta.dirname, 'fixtures/r1', f));
const BY_FILE: Record<string, LabelledTrace[]> = Object.fromEntries(FILES.map((f, i) => [f, parseLabelledSet(readFileSync(FIXTURES[i], 'utf8'), FIXTURES[i])]));
const SET: LabelledTrace[] = FILES.flatMap((f) => BY_FILE[f]);

describe('labelled set of real R1 traces', () => {
  it('holds real traces with a known license, judged v and T_last; the newest fresh file held out, the rest development', () => {
    // The 246 traces of real.jsonl … labelled-fresh9.jsonl are development data (all were looked
    // at by rules@13); labelled-fresh10.jsonl's traces were judged and committed before the rules'
    // confidence mark was committed and before any labeller ran on them, and are all held out
    // (docs/labelling.md).
    expect(SET.length).toBeGreaterThanOrEqual(270);
    for (const t of SET) {
      expect(t.source.license, t.id).toMatch(/Apache-2\.0|MIT|CC-BY/);
      if (t.v === 1) expect(t.trace.includes(t.tLastSentence!), t.id).toBe(true);
    }
    expect(BY_FILE['labelled-fresh.jsonl'].length).toBeGreaterThanOrEqual(8);
    expect(BY_FILE['labelled-fresh2.jsonl'].length).toBeGreaterThanOrEqual(24);
    expect(BY_FILE['labelled-fresh3.jsonl'].length).toBeGreaterThanOrEqual(24);
    expect(BY_FILE['labelled-fresh4.jsonl'].length).toBeGreaterThanOrEqual(24);
    expect(BY_FILE['labelled-fresh5.jsonl'].length).toBeGreaterThanOrEqual(24);
    expect(BY_FILE['labelled-fresh6.jsonl'].length).toBeGreaterThanOrEqual(24);
    expect(BY_FILE['labelled-fresh7.jsonl'].length).toBeGreaterThanOrEqual(21);
    expect(BY_FILE['labelled-fresh8.jsonl'].length).toBeGreaterThanOrEqual(24);
    expect(BY_FILE['labelled-fresh9.jsonl'].length).toBeGreaterThanOrEqual(24);
    const fresh10 = BY_FILE['labelled-fresh10.jsonl'];
    expect(fresh10.length).toBeGreaterThanOrEqual(24);
    expect(SET.filter((t) => t.split === 'heldout')).toEqual(fresh10);
  });

  it('measures a second reader against the first by the same sentence measure, and rejects a reading of an unknown trace', () => {
    const first = BY_FILE['labelled-fresh6.jsonl'];
    const self = readerAgreement(first, first);
    expect(self).toMatchObject({ n: first.length, vAgree: first.length, sameSentence: self.bothV1, within80: self.bothV1, differ: [] });
    // One trace read as unverified, one starting a sentence later: two differences.
    const [a, b] = first.filter((t) => t.v === 1);
    const later = b.trace.slice(b.trace.indexOf(b.tLastSentence!) + b.tLastSentence!.length).trim().split(/(?<=[.?!])\s|\n/)[0];
    const moved = first.map((t) => (t.id === a.id ? { ...t, v: 0 as const, tLastSentence: null } : t.id === b.id ? { ...t, tLastSentence: later } : t));
    const r = readerAgreement(first, moved);
    expect(r).toMatchObject({ n: first.length, vAgree: first.length - 1, sameSentence: self.bothV1 - 2 });
    expect(r.differ).toEqual([a.id, b.id]);
    // The committed second readings of rounds 6, 8, 9 and 10 (test/data/fixtures/r1/reader2-fresh*.jsonl)
    // each read every trace of their round.
    for (const round of [6, 8, 9, 10]) {
      const path = join(import.meta.dirname, `fixtures/r1/reader2-fresh${round}.jsonl`);
      const second = parseSecondReading(readFileSync(path, 'utf8'), path);
      const reading = BY_FILE[`labelled-fresh${round}.jsonl`];
      expect(second.map((x) => x.id).sort()).toEqual(reading.map((t) => t.id).sort());
      const two = readerAgreement(reading, second);
      expect(two.sameSentence).toBeLessThanOrEqual(two.bothV1);
      expect(two.differ.length).toBe(two.n - two.vAgree + (two.bothV1 - two.sameSentence));
    }
    expect(() => readerAgreement(first, [{ id: 'no-such-trace', v: 0, tLastSentence: null }])).toThrow(/no-such-trace is not in the labelled set/);
    expect(() => parseSecondReading('{"id": "x", "v": 1}', 'f')).toThrow(/f:1: v=1 needs "tLastSentence"/);
  });

  it('rejects a trace without a license, a T_last sentence not in the trace, a bad split, a repeated id', () => {
    const ok = { id: 'a', problem: 'p', answer: '1', trace: '<think>\nx = 1. Let me check: 1 = 1.\n</think>\n\\boxed{1}', v: 1, tLastSentence: 'Let me check: 1 = 1.', split: 'dev', source: { dataset: 'd', license: 'MIT' } };
    const line = (o: object) => JSON.stringify({ ...ok, ...o });
    expect(parseLabelledSet(line({}), 'f')).toHaveLength(1);
    expect(() => parseLabelledSet(line({ source: { dataset: 'd' } }), 'f')).toThrow(/f:1: "source" needs "dataset" and "license"/);
    expect(() => parseLabelledSet(line({ tLastSentence: 'Let me verify.' }), 'f')).toThrow(/f:1: v=1 needs "tLastSentence"/);
    expect(() => parseLabelledSet(line({ split: 'test' }), 'f')).toThrow(/"split"/);
    expect(() => parseLabelledSet(`${line({})}\n${line({})}`, 'f')).toThrow(/id a appears twice/);
    expect(() => parseLabelledSet('{', 'f')).toThrow(/f:1: not JSON/);
  });

  it('computes the rules labeller\'s agreement per split, held out and development adding up to all', async () => {
    const r = await labelledReport(SET);
    const { heldout, dev, all } = r.subsets;
    expect(all.n).toBe(SET.length);
    expect(heldout.n + dev.n).toBe(all.n);
    for (const s of [heldout, dev, all]) {
      const a = s.agreement!;
      expect(a.n).toBe(s.n);
      expect(a.vAgree).toBeLessThanOrEqual(a.n);
      expect(a.sameSentence).toBeLessThanOrEqual(a.bothV1);
      expect(a.within80).toBeLessThanOrEqual(a.bothV1);
      expect(s.lossShare.reading).toBeGreaterThan(0);
      // Confident and other traces partition the subset; each side agrees at most on all of its own.
      const c = s.byConfidence;
      expect(c.confident.n + c.uncertain.n).toBe(s.n);
      expect(c.confident.agree).toBeLessThanOrEqual(c.confident.n);
      expect(c.uncertain.agree).toBeLessThanOrEqual(c.uncertain.n);
      expect(s.lossShare.reading).toBeLessThanOrEqual(1);
    }
    expect(all.agreement!.vAgree).toBe(heldout.agreement!.vAgree + dev.agreement!.vAgree);
    expect(all.agreement!.sameSentence).toBe(heldout.agreement!.sameSentence + dev.agreement!.sameSentence);
    // Recounted here from the per-trace offsets, independently of score.ts: v agreement, both v=1,
    // T_last in the same sentence of the raw trace, within 80 characters.
    const byId = new Map(SET.map((t) => [t.id, t]));
    let v = 0, both = 0, same = 0, near = 0;
    for (const t of r.traces) {
      if (t.vReading === t.vRules) v++;
      if (t.reading === null || t.rules === null) continue;
      both++;
      const sentences = splitSentences(byId.get(t.id)!.trace);
      const at = (o: number) => sentences.findIndex((s) => o >= s.start && o < s.end);
      if (at(t.reading) === at(t.rules)) same++;
      if (Math.abs(t.reading - t.rules) <= 80) near++;
    }
    expect({ v, both, same, near }).toEqual({ v: all.agreement!.vAgree, both: all.agreement!.bothV1, same: all.agreement!.sameSentence, near: all.agreement!.within80 });
    // Issue 25's targets (T_last >= 90% same sentence, v >= 95%) are not met on the held-out
    // traces (see results/labelling.md), so no floor is asserted on T_last; on the development
    // traces the rules were written against, v disagrees on at most 4 (rules@13: 242 of 246).
    expect(dev.agreement!.vAgree).toBeGreaterThanOrEqual(dev.n - 4);
  }, 300_000);

  it('gives the same numbers through labelled-export, ingest --labels and stats (the documented path)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'labelled-'));
    const run = (...args: string[]) => execFileSync('npx', ['tsx', 'scripts/data.ts', ...args], { encoding: 'utf8' });
    run('labelled-export', ...FIXTURES, '--rows', join(dir, 'rows.jsonl'), '--labels', join(dir, 'labels.jsonl'));
    const log = run('ingest', join(dir, 'rows.jsonl'), '--labels', join(dir, 'labels.jsonl'), '--out', join(dir, 'data'));
    expect(log).toContain(`${SET.length} of ${SET.length} generations kept`);
    const stats = JSON.parse(run('stats', join(dir, 'data'), '--json'));
    const r = await labelledReport(SET);
    expect(stats.reference).toMatchObject({ reference: 'reading@1', n: SET.length, vAgree: r.subsets.all.agreement!.vAgree, bothV1: r.subsets.all.agreement!.bothV1, sameSentence: r.subsets.all.agreement!.sameSentence, within80: r.subsets.all.agreement!.within80 });
    expect(stats.lossShare).toBeCloseTo(r.subsets.all.lossShare.reading, 10);
  }, 300_000);
});
