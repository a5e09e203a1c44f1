// Every building-block script end to end at smoke scale, in a private cache, as CI runs them:
// pretrain → sft → grpo → eval (with budget forcing) → entropy, plus a bad-input exit.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const tmp = mkdtempSync(join(tmpdir(), 'vggm-scripts-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const out = join(tmp, 'results');

function script(name: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', `scripts/${name}.ts`, '--scale', 'smoke', '--seed', '1', '--family', 'qwen-like', '--out', out, ...args], {
    env: { ...process.env, VGGM_CACHE: join(tmp, 'cache'), VGGM_PROGRESS: 'plain' },
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const json = (f: string) => JSON.parse(readFileSync(join(out, f), 'utf8'));

describe('scripts at smoke scale', () => {
  it('pretrain, sft, grpo, eval and entropy run end to end and write their outputs', () => {
    const pre = script('pretrain');
    expect(pre.stderr + pre.stdout).toMatch(/trained/);
    expect(pre.code).toBe(0);
    const sft = script('sft', '--method', 'vggm');
    expect(sft.code).toBe(0);
    const sftRun = json('sft-vggm-smoke.json').runs[0];
    expect(sftRun.lastGradVar?.kind).toBe('gradvar');
    expect(existsSync(join(sftRun.dir, 'metrics.jsonl'))).toBe(true);
    // the second call finds the model in the cache
    expect(script('sft', '--method', 'vggm').stdout).toMatch(/cached/);
    // --force retrains the SFT stage only: the Base it starts from stays the cached one
    const baseDone = join(json('pretrain-smoke.json').runs[0].dir, 'done.json');
    const baseWritten = statSync(baseDone).mtimeMs;
    const sftWritten = statSync(join(sftRun.dir, 'done.json')).mtimeMs;
    const forced = script('sft', '--method', 'vggm', '--force');
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/trained/);
    expect(statSync(baseDone).mtimeMs).toBe(baseWritten);
    expect(statSync(join(sftRun.dir, 'done.json')).mtimeMs).toBeGreaterThan(sftWritten);
    const grpo = script('grpo', '--from', 'vggm');
    expect(grpo.code).toBe(0);
    // overridden settings and a 2-prompt reserve make a run of their own, not a cache hit
    const small = script('grpo', '--from', 'vggm', '--reserve', '2', '--lr', '1e-3', '--warmup', '1');
    expect(small.code).toBe(0);
    expect(small.stdout).toMatch(/trained/);
    const lrs = readFileSync(join(json('grpo-vggm-smoke.json').runs[0].dir, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).lr);
    expect(lrs).toEqual([1e-3, 1e-3, 1e-3]);
    // --steps names the model that many steps made, in eval as in sft
    expect(script('sft', '--method', 'vggm', '--steps', '3').code).toBe(0);
    const short = json('sft-vggm-smoke.json').runs[0].dir;
    expect(short).not.toBe(sftRun.dir);
    expect(script('eval', '--model', 'sft-vggm', '--steps', '3', '--samples', '0').code).toBe(0);
    expect(json('eval-sft-vggm-smoke.json').runs[0].dir).toBe(short);
    // --sft-steps starts GRPO from that SFT run
    expect(script('grpo', '--from', 'vggm', '--sft-steps', '3', '--steps', '1').code).toBe(0);
    expect(json('grpo-vggm-smoke.json').runs[0].done.parent).toBe(json('sft-vggm-smoke.json').runs[0].key);
    const ev = script('eval', '--model', 'sft-vggm', '--budget-forcing', '1');
    expect(ev.code).toBe(0);
    const res = json('eval-sft-vggm-smoke-bf1.json').runs[0];
    expect(res.results.all.greedy).toBeGreaterThanOrEqual(0);
    expect(res.results.all.forced).toBeGreaterThanOrEqual(0);
    const gens = readFileSync(res.generations, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(new Set(gens.map((g) => g.mode))).toEqual(new Set(['greedy', 'sample', 'forced']));
    const ent = script('entropy', '--model', 'base');
    expect(ent.code).toBe(0);
    const a = json('entropy-base-smoke.json').runs[0].analysis;
    expect(a.tokens).toBeGreaterThan(0);
    expect(a.forks).toBe(Math.ceil(0.2 * a.tokens));
  }, 600_000);

  it('select-sft-lr trains a model per rate and method and picks the lowest held-out loss', () => {
    const r = script('select-sft-lr', '--lrs', '1e-3,3e-3', '--heldout', '8');
    expect(r.code).toBe(0);
    const sel = json('sft-lr-qwen-like-s1.json');
    expect(sel.rows.map((x: { method: string; lr: number }) => `${x.method}@${x.lr}`)).toEqual(['base@0', 'sft@0.001', 'vggm@0.001', 'sft@0.003', 'vggm@0.003']);
    expect(sel.heldout.traces).toBe(8);
    const mean = (lr: number) =>
      sel.rows.filter((x: { lr: number; method: string }) => x.lr === lr && x.method !== 'base').reduce((a: number, x: { nll: number }) => a + x.nll / 2, 0);
    expect(sel.meanByLr['0.001']).toBeCloseTo(mean(1e-3), 10);
    expect(sel.chosen).toBe(mean(1e-3) <= mean(3e-3) ? 1e-3 : 3e-3);
    // the default rate's model is the one `sft.ts` trains, and `sft.ts --lr` names the other one
    expect(script('sft', '--method', 'vggm').stdout).toMatch(/cached/);
    expect(sel.rows[2].model).toBe(json('sft-vggm-smoke.json').runs[0].key);
    expect(script('sft', '--method', 'vggm', '--lr', '3e-3').stdout).toMatch(/cached/);
    expect(json('sft-vggm-smoke.json').runs[0].key).toBe(sel.rows[4].model);
    // --sft-lr finds that model from grpo and eval too
    expect(script('grpo', '--from', 'vggm', '--sft-lr', '3e-3', '--steps', '1').code).toBe(0);
    expect(json('grpo-vggm-smoke.json').runs[0].done.parent).toBe(sel.rows[4].model);
    expect(script('eval', '--model', 'sft-vggm', '--sft-lr', '3e-3', '--samples', '0').code).toBe(0);
    expect(json('eval-sft-vggm-smoke.json').runs[0].dir).toBe(json('sft-vggm-smoke.json').runs[0].dir);
    const bad = script('select-sft-lr', '--lrs', '1e-3,-1');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--lrs: expected positive numbers/);
    expect(script('select-sft-lr', '--lrs', '1e-3,0.001').stderr).toMatch(/--lrs: a rate is given twice/);
  }, 600_000);

  it('bad input: one line and exit code 2', () => {
    const r = script('sft', '--method', 'bogus');
    expect(r.code).toBe(2);
    expect(
      r.stderr
        .trim()
        .split('\n')
        .filter((l) => !l.startsWith('Warning')).length,
    ).toBe(1);
    const e = script('eval', '--checkpoint', '/nonexistent');
    expect(e.code).toBe(2);
    expect(e.stderr).toMatch(/--checkpoint needs --format/);
    const g = script('grpo', '--from', 'base', '--group-size', '1');
    expect(g.code).toBe(1);
    expect(g.stderr).toMatch(/group size 1 must be a whole number >= 2/);
  }, 120_000);
});
