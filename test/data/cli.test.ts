import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const run = (...args: string[]) => execFileSync('npx', ['tsx', 'scripts/data.ts', ...args], { encoding: 'utf8' });

describe('scripts/data.ts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'data-cli-'));

  it('generate is byte-identical for a seed; stats and show read the folder', () => {
    run('generate', '--scale', 'smoke', '--seed', '2', '--out', join(dir, 'a'));
    run('generate', '--scale', 'smoke', '--seed', '2', '--out', join(dir, 'b'));
    for (const f of ['pool.jsonl', 'eval.jsonl', 'base.jsonl', 'tokenizer.json', 'manifest.json'])
      expect(readFileSync(join(dir, 'b', f)).equals(readFileSync(join(dir, 'a', f))), f).toBe(true);
    const s = JSON.parse(run('stats', join(dir, 'a'), '--json'));
    expect(s.agreement.tLastAgree / s.agreement.n).toBeGreaterThanOrEqual(0.99);
    expect(s.splitRatio.sft_v0).toBeCloseTo(8, 5);
    expect(s.evalLeaks).toBe(0);
    const shown = run('show', join(dir, 'a'), '--split', 'sft_v1', '--index', '0', '--color', 'never');
    expect(shown).toMatch(/\[\[SEEN, NOT LEARNED: [^\]]+\]\]<<LEARNED: Wait! /);
    const v0 = run('show', join(dir, 'a'), '--split', 'sft_v0', '--index', '0', '--color', 'never');
    expect(v0).not.toContain('SEEN, NOT LEARNED');
    expect(v0).toContain('<<LEARNED: ');
  });

  it('answers bad input with one line and a non-zero exit', () => {
    const r = spawnSync('npx', ['tsx', 'scripts/data.ts', 'generate', '--scale', 'huge'], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim().split('\n').length).toBe(1);
    const r2 = spawnSync('npx', ['tsx', 'scripts/data.ts', 'stats', join(dir, 'nope')], { encoding: 'utf8' });
    expect(r2.status).not.toBe(0);
    expect(r2.stderr).toMatch(/no manifest\.json/);
  });

  it('label-export writes each trace with the prompt; ingest --labels trains with them, keeps both labels and reports disagreement; stats prints agreement', () => {
    const fx = readFileSync(join(import.meta.dirname, 'fixtures/r1/constructed.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const rows = fx.map((f, i) => ({ problem: `problem ${i}`, answer: f.answer, uuid: f.id, generations: [f.trace], correctness_math_verify: [true], finish_reasons: ['stop'] }));
    const input = join(dir, 'r1.jsonl');
    writeFileSync(input, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const exported = join(dir, 'to-label.jsonl');
    expect(run('label-export', input, '--out', exported)).toMatch(new RegExp(`${fx.length} traces with the labelling prompt`));
    const lines = readFileSync(exported, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.uuid)).toEqual(fx.map((f) => f.id));
    expect(lines[0].prompt).toContain(fx[0].trace);
    expect(lines[0].prompt).toContain('FINAL VERIFICATION');
    // Each line says whether the rules are confident of their own label; --uncertain-only writes
    // only the others ("Wait, let me double-check that." names a check: confident).
    expect(lines[0].rulesConfident).toBe(true);
    const confident = lines.filter((l) => l.rulesConfident).length;
    expect(confident).toBeGreaterThan(0);
    expect(confident).toBeLessThan(lines.length);
    const uncertain = join(dir, 'to-label-uncertain.jsonl');
    expect(run('label-export', input, '--out', uncertain, '--uncertain-only')).toMatch(new RegExp(`${lines.length - confident} traces with the labelling prompt .*; ${confident} left out`));
    expect(readFileSync(uncertain, 'utf8').trim().split('\n').map((l) => JSON.parse(l).uuid)).toEqual(lines.filter((l) => !l.rulesConfident).map((l) => l.uuid));
    // A labeller's answers: the fixtures' own sentences, except one moved to another sentence and
    // one v flipped, so that exactly two disagree.
    const labels = fx.map((f, i) => {
      if (i === 0) return { uuid: f.id, generation: 0, v: 1, t_last_sentence: 'Let me verify once more with fractions: 15/100 * 80 = 1200/100 = 12.' };
      if (i === 1) return { uuid: f.id, generation: 0, v: 0 };
      return f.v ? { uuid: f.id, generation: 0, v: 1, tLast: f.trace.indexOf(f.tLastSentence) } : { uuid: f.id, generation: 0, v: 0 };
    });
    const labelsPath = join(dir, 'labels.jsonl');
    writeFileSync(labelsPath, labels.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const out = join(dir, 'r1-out');
    const log = run('ingest', input, '--out', out, '--labels', labelsPath, '--labeller', 'claude-3.5-sonnet@2024-10', '--unit', '0.1');
    expect(log).toMatch(new RegExp(`external labels vs rules on ${fx.length} traces: v agrees on ${fx.length - 1}`));
    expect(log).toMatch(/disagree first-cue-not-last-g0/);
    expect(log).toMatch(/disagree slip-then-check-g0/);
    const pool = readFileSync(join(out, 'pool.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const first = pool.find((e) => e.id === 'first-cue-not-last-g0');
    expect(first.label).toEqual({ labeller: 'claude-3.5-sonnet', version: '2024-10' });
    expect(first.labels.map((l: { labeller: string }) => l.labeller)).toEqual(['claude-3.5-sonnet', 'rules']);
    expect(first.response.slice(first.tLast)).toMatch(/^Wait! Let me verify once more/);
    const s = JSON.parse(run('stats', out, '--json'));
    expect(s.reference).toMatchObject({ reference: 'claude-3.5-sonnet@2024-10', n: fx.length, vAgree: fx.length - 1 });
    expect(s.reference.sameSentence).toBe(s.reference.bothV1 - 1);
    expect(s.lossShare).toBeGreaterThan(0);
    expect(run('stats', out)).toMatch(/T_last, same sentence/);
  }, 120_000);

  it('ingest --labels with a bad line fails in one line naming it', () => {
    const bad = join(dir, 'bad-labels.jsonl');
    writeFileSync(bad, '{"uuid": "a", "generation": 0, "v": 1}\n');
    const r = spawnSync('npx', ['tsx', 'scripts/data.ts', 'ingest', join(dir, 'r1.jsonl'), '--out', join(dir, 'x'), '--labels', bad], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/bad-labels\.jsonl:1: v=1 needs "tLast"/);
  }, 60_000);
});
