import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
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
});
