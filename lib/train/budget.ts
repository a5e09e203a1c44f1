// The pre-registered training-budget rules (docs/budget-rules.md), fixed before any world-3 run:
// which step counts are compared, on what held-out loss, and how one is chosen; and the files the
// choice is written to (results/base-budget.json, results/sft-budget.json), which every script
// reads through scaleTable (lib/train/scales.ts). No evaluation problem enters any rule.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { WORLD_CONFIG } from '../data/world/config.ts';
import type { Family } from '../model/config.ts';
import type { Scale } from '../util/cli.ts';
import type { Method } from './weights.ts';

export type BudgetKind = 'pretrain' | 'sft';

export interface BudgetRule {
  /** name and version of the rule, written into its output */
  rule: string;
  /** step counts compared, each its own run with the scale's schedule stretched to it */
  candidates: number[];
  /** the smallest candidate whose loss is within this fraction of the lowest is chosen */
  tolerance: number;
  /** the one seed and student family that decide (their choice holds for every seed and family) */
  seed: number;
  family: Family;
  /** SFT: methods whose mean held-out NLL decides (every method learns those tokens) */
  methods: Method[];
  /** held-out items scored: SFT traces (lib/train/heldout.ts heldoutTraces) or Base records */
  heldout: number;
}

const rule = (kind: BudgetKind, candidates: number[], heldout: number): BudgetRule => ({
  rule: `${kind}-budget-v1`,
  candidates,
  tolerance: 0.02,
  seed: 1,
  family: 'qwen-like',
  methods: kind === 'sft' ? ['sft', 'vggm'] : [],
  heldout,
});

/** The rules per scale (absent: that scale has none and keeps its table's step count). The smoke
 *  rows exist so that tests run the real selection in seconds; their numbers mean nothing. */
export const BUDGET_RULES: Record<Scale, Partial<Record<BudgetKind, BudgetRule>>> = {
  smoke: { pretrain: rule('pretrain', [6, 12], 16), sft: rule('sft', [4, 8], 16) },
  cpu: { pretrain: rule('pretrain', [600, 1200, 1800, 2400], 1000), sft: rule('sft', [240, 480, 720, 960], 256) },
  // The paper starts from released Base models (no pretraining) and trains SFT for a fixed number
  // of epochs; no rule is pre-registered for it.
  paper: {},
};

export const BUDGET_FILES: Record<BudgetKind, string> = { pretrain: 'base-budget.json', sft: 'sft-budget.json' };

/** One compared step count: its loss and the models that gave it. */
export interface BudgetRow {
  steps: number;
  /** the rule's criterion: held-out NLL (SFT: the mean over the rule's methods) */
  nll: number;
  /** SFT: each method's held-out NLL */
  byMethod?: Partial<Record<Method, number>>;
  models: string[];
}

/** What select-budget writes, and what scaleTable reads back. */
export interface BudgetChoice {
  kind: BudgetKind;
  scale: Scale;
  /** the world version the rule ran in; a file from another world is not used */
  world: string;
  rule: BudgetRule;
  /** SFT: the peak learning rate of the compared runs; pretrain: the Base's */
  lr: number;
  /** SFT: the Base budget its runs started from */
  baseSteps?: number;
  heldout: { items: number; tokens: number };
  rows: BudgetRow[];
  best: number;
  chosen: number;
  createdAt: string;
  createdBy: string;
}

/** The smallest candidate whose criterion is within `tolerance` (a fraction) of the lowest. */
export function chooseBudget(rows: readonly Pick<BudgetRow, 'steps' | 'nll'>[], tolerance: number): { best: number; chosen: number } {
  if (!rows.length) throw new Error('budget rule: no candidate was measured');
  const bad = rows.find((r) => !(Number.isFinite(r.nll) && r.nll >= 0));
  if (bad) throw new Error(`budget rule: the loss at ${bad.steps} steps is ${bad.nll}, not a finite non-negative number`);
  const best = rows.reduce((a, b) => (b.nll < a.nll ? b : a));
  const chosen = [...rows].sort((a, b) => a.steps - b.steps).find((r) => r.nll <= best.nll * (1 + tolerance))!;
  return { best: best.steps, chosen: chosen.steps };
}

/** Where the rules' outputs are read from: results/ of the working directory, or VGGM_BUDGETS. */
export function budgetDir(): string {
  return resolve(process.env.VGGM_BUDGETS ?? 'results');
}

export type BudgetLookup = { steps: number; file: string; choice: BudgetChoice } | { steps: undefined; file: string; reason: string };

/**
 * The chosen step count of `kind` for `scale`, from `dir`/<file> when that file holds a choice for
 * this scale and this world; otherwise undefined with the reason. A file that is not a budget
 * choice is an error (one line naming it), never silently ignored.
 */
export function readBudget(kind: BudgetKind, scale: Scale, dir = budgetDir()): BudgetLookup {
  const path = join(dir, BUDGET_FILES[kind]);
  // named as the user would type it (results record it): relative to the working directory when inside it
  const rel = relative(process.cwd(), path);
  const file = rel && !rel.startsWith('..') ? rel : path;
  if (!existsSync(path)) return { steps: undefined, file, reason: `${file} is absent` };
  let c: BudgetChoice;
  try {
    c = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new Error(`${file}: not JSON (a budget choice written by scripts/select-budget.ts)`);
  }
  if (!c || c.kind !== kind || !(Number.isInteger(c.chosen) && c.chosen >= 1) || typeof c.scale !== 'string' || typeof c.world !== 'string')
    throw new Error(`${file}: not a ${kind} budget choice (kind, scale, world and a positive whole 'chosen' are needed)`);
  if (c.scale !== scale) return { steps: undefined, file, reason: `${file} is for the ${c.scale} scale` };
  if (c.world !== WORLD_CONFIG.version) return { steps: undefined, file, reason: `${file} was chosen in ${c.world}, the world is ${WORLD_CONFIG.version}` };
  return { steps: c.chosen, file, choice: c };
}
