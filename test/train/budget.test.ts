// The pre-registered budget rules: the choice (smallest step count within the tolerance of the
// lowest loss), the files that carry it to every script, and select-budget end to end at smoke
// scale, whose chosen models are the ones the other scripts then train and find in the cache.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { WORLD_CONFIG } from '../../lib/data/world/config.ts';
import { BUDGET_RULES, chooseBudget, readBudget, type BudgetChoice } from '../../lib/train/budget.ts';
import { budgetSources, SCALE_TABLE, scaleTable } from '../../lib/train/scales.ts';

const tmp = mkdtempSync(join(tmpdir(), 'vggm-budget-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('chooseBudget', () => {
  it('takes the smallest step count within the tolerance of the lowest loss', () => {
    const rows = [
      { steps: 240, nll: 0.4 },
      { steps: 480, nll: 0.33 },
      { steps: 720, nll: 0.326 },
      { steps: 960, nll: 0.325 },
    ];
    expect(chooseBudget(rows, 0.02)).toEqual({ best: 960, chosen: 480 });
    expect(chooseBudget(rows, 0.005)).toEqual({ best: 960, chosen: 720 });
    expect(chooseBudget(rows, 0)).toEqual({ best: 960, chosen: 960 });
    // the lowest loss at a middle count (over-fitting later); row order does not matter
    expect(
      chooseBudget(
        [
          { steps: 960, nll: 0.5 },
          { steps: 240, nll: 0.6 },
          { steps: 480, nll: 0.3 },
        ],
        0.02,
      ),
    ).toEqual({ best: 480, chosen: 480 });
  });

  it('refuses no rows and a loss that is not a finite number', () => {
    expect(() => chooseBudget([], 0.02)).toThrow(/no candidate/);
    expect(() => chooseBudget([{ steps: 240, nll: NaN }], 0.02)).toThrow(/240 steps is NaN/);
  });

  it("pre-registers the issue's cpu rules: N in {240, 480, 720, 960}, 2%, seed 1, sft and vggm", () => {
    expect(BUDGET_RULES.cpu.sft).toMatchObject({ candidates: [240, 480, 720, 960], tolerance: 0.02, seed: 1, methods: ['sft', 'vggm'] });
    expect(BUDGET_RULES.cpu.pretrain?.candidates).toContain(SCALE_TABLE.cpu.pretrain.steps);
    expect(BUDGET_RULES.cpu.sft?.candidates).toContain(SCALE_TABLE.cpu.sft.steps);
  });
});

function choice(kind: 'pretrain' | 'sft', chosen: number, extra: Partial<BudgetChoice> = {}): BudgetChoice {
  return {
    kind,
    scale: 'smoke',
    world: WORLD_CONFIG.version,
    rule: BUDGET_RULES.smoke[kind]!,
    lr: 1e-3,
    heldout: { items: 1, tokens: 1 },
    rows: [{ steps: chosen, nll: 1, models: [] }],
    best: chosen,
    chosen,
    createdAt: '',
    createdBy: '',
    ...extra,
  };
}

describe('the budget files', () => {
  const dir = join(tmp, 'files');
  const put = (name: string, body: unknown) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, name), typeof body === 'string' ? body : JSON.stringify(body));
  };
  const saved = process.env.VGGM_BUDGETS;
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    if (saved === undefined) delete process.env.VGGM_BUDGETS;
    else process.env.VGGM_BUDGETS = saved;
  });

  it('are read only for their own scale and world; anything else is the default, with the reason', () => {
    expect(readBudget('sft', 'smoke', dir)).toMatchObject({ steps: undefined, reason: expect.stringMatching(/absent/) });
    put('sft-budget.json', choice('sft', 5));
    expect(readBudget('sft', 'smoke', dir).steps).toBe(5);
    expect(readBudget('sft', 'cpu', dir)).toMatchObject({ steps: undefined, reason: expect.stringMatching(/for the smoke scale/) });
    put('sft-budget.json', choice('sft', 5, { world: 'world-2' }));
    expect(readBudget('sft', 'smoke', dir)).toMatchObject({ steps: undefined, reason: expect.stringMatching(/chosen in world-2/) });
  });

  it('a file that is not a budget choice is an error naming it', () => {
    put('sft-budget.json', '{ not json');
    expect(() => readBudget('sft', 'smoke', dir)).toThrow(/sft-budget\.json: not JSON/);
    put('sft-budget.json', { ...choice('sft', 5), chosen: 2.5 });
    expect(() => readBudget('sft', 'smoke', dir)).toThrow(/not a sft budget choice/);
    put('base-budget.json', choice('sft', 5));
    expect(() => readBudget('pretrain', 'smoke', dir)).toThrow(/not a pretrain budget choice/);
  });

  it('set the step counts of scaleTable; --sft-steps overrides SFT and is recorded as an override', () => {
    process.env.VGGM_BUDGETS = dir;
    expect(scaleTable('smoke')).toBe(SCALE_TABLE.smoke);
    put('base-budget.json', choice('pretrain', 6));
    put('sft-budget.json', choice('sft', 4, { baseSteps: 6 }));
    const t = scaleTable('smoke');
    expect([t.pretrain.steps, t.sft.steps]).toEqual([6, 4]);
    expect(t.sft.lr).toBe(SCALE_TABLE.smoke.sft.lr);
    const b = budgetSources('smoke', 7);
    expect(b.sft.steps).toBe(7);
    expect(b.sft.source).toMatch(/--sft-steps 7, an explicit override \(without it: 4 steps, .*sft-budget\.json/);
    expect(b.pretrain.source).toMatch(/base-budget\.json \(rule pretrain-budget-v1/);
    expect(b.grpo.source).toMatch(/exploratory/);
  });

  it('an SFT choice made from another Base is not used', () => {
    process.env.VGGM_BUDGETS = dir;
    put('sft-budget.json', choice('sft', 4, { baseSteps: 6 }));
    const b = budgetSources('smoke');
    expect(b.sft.steps).toBe(SCALE_TABLE.smoke.sft.steps);
    expect(b.sft.source).toMatch(/chosen from a Base of 6 steps, the Base now has 12/);
  });
});

describe('select-budget at smoke scale', () => {
  const out = join(tmp, 'results');
  const cache = join(tmp, 'cache');
  function script(name: string, ...args: string[]) {
    const scale = args.includes('--scale') ? [] : ['--scale', 'smoke'];
    const r = spawnSync(process.execPath, ['--import', 'tsx', `scripts/${name}.ts`, ...scale, '--out', out, ...args], {
      env: { ...process.env, VGGM_CACHE: cache, VGGM_PROGRESS: 'plain', VGGM_BUDGETS: out },
      encoding: 'utf8',
      timeout: 240_000,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }
  const json = (f: string) => JSON.parse(readFileSync(join(out, f), 'utf8'));

  it('runs both rules, writes the choices, and every script then trains (and finds) the chosen models', () => {
    const r = script('select-budget');
    expect(r.stderr + r.stdout, r.stderr).toMatch(/sft: chose \d+ steps/);
    expect(r.code).toBe(0);
    const base = json('base-budget.json') as BudgetChoice;
    const sft = json('sft-budget.json') as BudgetChoice;
    expect(base.rows.map((x) => x.steps)).toEqual(BUDGET_RULES.smoke.pretrain!.candidates);
    expect(sft.rows.map((x) => x.steps)).toEqual(BUDGET_RULES.smoke.sft!.candidates);
    for (const c of [base, sft]) expect(chooseBudget(c.rows, c.rule.tolerance).chosen).toBe(c.chosen);
    // the criterion is the mean of the two methods' held-out NLL
    for (const x of sft.rows) expect(x.nll).toBeCloseTo((x.byMethod!.sft! + x.byMethod!.vggm!) / 2, 10);
    expect(sft.baseSteps).toBe(base.chosen);
    expect(sft.heldout.items).toBe(BUDGET_RULES.smoke.sft!.heldout);
    expect(readFileSync(join(out, 'sft-budget.md'), 'utf8')).toMatch(new RegExp(`Chosen: ${sft.chosen} steps`));
    // sft.ts without --steps now trains the chosen count: the selection's own vggm model, from the cache
    const chosenRow = sft.rows.find((x) => x.steps === sft.chosen)!;
    const again = script('sft', '--method', 'vggm', '--seed', '1', '--family', 'qwen-like');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/cached/);
    expect(chosenRow.models).toContain(json('sft-vggm-smoke.json').runs[0].key);
    // a second selection takes every candidate from the cache and chooses the same
    const twice = script('select-budget', '--what', 'sft');
    expect(twice.code).toBe(0);
    expect(twice.stdout).toMatch(/cached/);
    expect(twice.stdout).not.toMatch(/trained/);
    expect(json('sft-budget.json').chosen).toBe(sft.chosen);
    expect(script('select-budget', '--scale', 'paper').stderr).toMatch(/paper scale has no pre-registered/);
  }, 600_000);
});
