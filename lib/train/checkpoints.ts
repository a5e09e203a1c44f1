// Training checkpoints: <run>/checkpoints/step-<N>/ holds the model folder (config.json,
// model.safetensors, tokenizer.json), optimizer.safetensors (AdamW m and v, flat: adamw.ts) and
// trainer_state.json, written last, whose presence marks the checkpoint complete. Every file is
// written atomically; a run resumes from the highest complete step. The two newest are kept.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readCheckpoint, saveCheckpoint } from '../model/checkpoint.ts';
import { Model } from '../model/model.ts';
import { paramLayout } from '../model/params.ts';
import { write } from '../gpu/index.ts';
import { writeJsonAtomic } from '../util/atomic.ts';
import type { AdamW } from './adamw.ts';

export interface TrainerState {
  /** optimizer steps completed */
  step: number;
  seed: number;
  /** what the run is (stage, method, key), for humans */
  run: Record<string, unknown>;
  [k: string]: unknown;
}

const KEEP = 2;

export function checkpointDir(runDir: string, step: number): string {
  return join(runDir, 'checkpoints', `step-${String(step).padStart(7, '0')}`);
}

export async function saveTrainingCheckpoint(runDir: string, model: Model, optimizer: AdamW, tokenizerJson: string, state: TrainerState): Promise<string> {
  const dir = checkpointDir(runDir, state.step);
  await saveModelFolder(dir, model, tokenizerJson);
  await optimizer.save(dir);
  writeJsonAtomic(join(dir, 'trainer_state.json'), state);
  pruneCheckpoints(runDir);
  return dir;
}

/** The model folder (config, weights, tokenizer) without optimizer state. */
export async function saveModelFolder(dir: string, model: Model, tokenizerJson: string, trainerState?: unknown): Promise<void> {
  await saveCheckpoint(dir, { config: model.config, params: model.params, tokenizer: { json: tokenizerJson }, trainerState });
}

function completeSteps(runDir: string): number[] {
  const root = join(runDir, 'checkpoints');
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .map((d) => /^step-(\d+)$/.exec(d))
    .filter((m): m is RegExpExecArray => !!m && existsSync(join(root, m[0], 'trainer_state.json')))
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

function pruneCheckpoints(runDir: string): void {
  const steps = completeSteps(runDir);
  for (const s of steps.slice(0, Math.max(0, steps.length - KEEP))) rmSync(checkpointDir(runDir, s), { recursive: true, force: true });
}

/** Delete every training checkpoint of a run (once its final model folder is written). */
export function removeCheckpoints(runDir: string): void {
  rmSync(join(runDir, 'checkpoints'), { recursive: true, force: true });
}

export function latestCheckpoint(runDir: string): { dir: string; step: number } | null {
  const steps = completeSteps(runDir);
  if (!steps.length) return null;
  const step = steps[steps.length - 1];
  return { dir: checkpointDir(runDir, step), step };
}

/**
 * Continue a run in `model` and its `optimizer` from one of its training checkpoints: the
 * checkpoint's weights, AdamW moments and step are written into their own buffers (no second model
 * is built, so nothing is left behind); returns the trainer state. The weights must have the
 * model's shapes.
 */
export function resumeTrainingCheckpoint(model: Model, optimizer: AdamW, dir: string): TrainerState {
  const ck = readCheckpoint(dir);
  for (const e of paramLayout(model.config).entries) {
    const t = ck.tensors.get(e.name);
    if (!t || t.shape.length !== e.shape.length || t.shape.some((d, i) => d !== e.shape[i]))
      throw new Error(`checkpoint ${dir}: tensor ${e.name} ${t ? `has shape [${t.shape.join(', ')}]` : 'is missing'}; the model needs [${e.shape.join(', ')}]`);
    write(model.ctx.gpu, model.params.params, t.data, e.offset);
  }
  optimizer.load(dir);
  return JSON.parse(readFileSync(join(dir, 'trainer_state.json'), 'utf8')) as TrainerState;
}
