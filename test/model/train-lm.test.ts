// scripts/train-lm.ts end to end at smoke scale: it trains, lowers the loss, writes a checkpoint
// folder that reloads to identical logits, and refuses bad input with one line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../lib/model/checkpoint.ts';

const tmp = mkdtempSync(join(tmpdir(), 'train-lm-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const script = new URL('../../scripts/train-lm.ts', import.meta.url).pathname;

function run(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { encoding: 'utf8', env: { ...process.env, CI: '1' } });
}

describe('scripts/train-lm.ts', () => {
  it('trains a tiny model, writes a checkpoint and verifies the reload', () => {
    const text = join(tmp, 'abc.txt');
    writeFileSync(text, 'abcabcabd abcabcabd '.repeat(40));
    const out = join(tmp, 'out');
    const r = run(['--text', text, '--steps', '60', '--scale', 'smoke', '--batch', '4', '--seq', '16', '--lr', '1e-2', '--out', out, '--seed', '3']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/reloaded logits identical/);
    const dir = join(out, 'lm-qwen-like-tiny-seed3');
    for (const f of ['config.json', 'model.safetensors', 'tokenizer.json', 'trainer_state.json']) expect(existsSync(join(dir, f)), f).toBe(true);
    const ck = readCheckpoint(dir);
    expect(ck.config.vocab).toBe(4 + 5); // 4 special tokens + "abcd "
    const state = JSON.parse(readFileSync(join(dir, 'trainer_state.json'), 'utf8'));
    expect(state.step).toBe(60);
    // A periodic text is easy: the loss must fall well below its start (ln 9 = 2.2).
    expect(state.losses.at(-1)).toBeLessThan(0.5 * state.losses[0]);
  });

  it('exits 2 with one line on a missing text file', () => {
    const r = run(['--text', join(tmp, 'nope.txt'), '--scale', 'smoke']);
    expect(r.status).toBe(2);
    expect(
      r.stderr
        .trim()
        .split('\n')
        .filter((l) => !l.startsWith('Warning')),
    ).toEqual([`train-lm: error: --text: file ${join(tmp, 'nope.txt')} not found`]);
  });
});
