// Pick a model for evaluation scripts: a stage of the cached pipeline (trained on demand), or an
// explicit checkpoint folder with its prompt format.
import { basename } from 'node:path';
import type { Argv } from 'yargs';
import type { Dataset } from '../data/dataset.ts';
import type { PromptFormat } from '../eval/format.ts';
import type { GpuContext } from '../gpu/index.ts';
import type { Family } from '../model/config.ts';
import type { Scale } from '../util/cli.ts';
import { familiesOf } from './cli.ts';
import { ensureBase, ensureGrpo, ensureSft, promptFormat, type GrpoFrom, type ModelSpec, type StageOptions } from './pipeline.ts';
import { METHODS, type Method } from './weights.ts';

export const MODEL_KINDS = ['base', ...METHODS.map((m) => `sft-${m}`), 'grpo-base', ...METHODS.map((m) => `grpo-${m}`)] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

export function withModelOptions<T>(y: Argv<T>) {
  return y
    .option('model', {
      choices: MODEL_KINDS,
      default: 'sft-vggm' as ModelKind,
      describe: 'which cached model: base, sft-<method>, grpo-base or grpo-<method> (trained first when not cached)',
    })
    .option('checkpoint', { type: 'string', describe: 'evaluate this checkpoint folder instead of a cached model (needs --format)' })
    .option('format', { choices: ['base', 'trace'] as const, describe: 'prompt format (default: base for base and grpo-base, trace otherwise)' })
    .option('sft-steps', { type: 'number', describe: "grpo-<method>: the step count of its SFT parent (default: the scale's)" })
    .option('sft-lr', { type: 'number', describe: "sft-<method>: its peak learning rate; grpo-<method>: its SFT parent's (default: the scale's)" });
}

/** The pipeline model a kind names: base, sft-<method>, grpo-base or grpo-<method>. */
export function specOfKind(kind: ModelKind): ModelSpec {
  if (kind === 'base') return { kind: 'base' };
  const [stage, rest] = kind.split('-', 2) as ['sft' | 'grpo', string];
  return stage === 'sft' ? { kind: 'sft', method: rest as Method } : { kind: 'grpo', from: rest as GrpoFrom };
}

export function formatOfKind(kind: ModelKind): PromptFormat {
  return promptFormat(specOfKind(kind));
}

/**
 * The checkpoint folder of a model kind, training it (and its parents) when not cached. `steps` and
 * `init` mean what they mean to the training scripts (the steps of this kind's own stage; a Hugging
 * Face Base), so `--steps 720` finds the model `scripts/sft.ts --steps 720` trained. `sftLr` is the
 * peak learning rate of the SFT run (an sft-* model's own, a grpo-* model's parent's).
 */
export async function modelDirOf(
  ctx: GpuContext,
  kind: ModelKind,
  o: Pick<StageOptions, 'scale' | 'family' | 'seed' | 'data' | 'resume' | 'steps' | 'sftSteps' | 'sftLr' | 'init'>,
): Promise<string> {
  const spec = specOfKind(kind);
  if (spec.kind === 'sft') return (await ensureSft(ctx, { ...o, lr: o.sftLr, method: spec.method })).dir;
  if (spec.kind === 'grpo') return (await ensureGrpo(ctx, { ...o, from: spec.from })).dir;
  return (await ensureBase(ctx, o)).dir;
}

/** What withModelOptions and withTrainOptions parse for an evaluation script. */
export interface ModelArgs {
  model: ModelKind;
  checkpoint?: string;
  format?: PromptFormat;
  family: Family | 'both';
  seeds: number[];
  scale: Scale;
  resume: boolean;
  steps?: number;
  init?: string;
  'sft-steps'?: number;
  'sft-lr'?: number;
}

export interface SelectedModel {
  /** null for a --checkpoint folder. */
  family: Family | null;
  seed: number;
  dir: string;
  /** `<kind>-<family>-s<seed>`, or the checkpoint folder's name. */
  label: string;
  format: PromptFormat;
}

/**
 * Every model an evaluation script's options name, one at a time: each family × seed of `--model`
 * (trained first when not cached), or the one `--checkpoint` folder with the first seed.
 */
export async function* selectedModels(ctx: GpuContext, args: ModelArgs, data: Dataset): AsyncGenerator<SelectedModel> {
  const format = args.format ?? formatOfKind(args.model);
  if (args.checkpoint) {
    yield { family: null, seed: args.seeds[0], dir: args.checkpoint, label: basename(args.checkpoint), format };
    return;
  }
  for (const family of familiesOf(args.family)) {
    for (const seed of args.seeds) {
      const dir = await modelDirOf(ctx, args.model, {
        scale: args.scale,
        family,
        seed,
        data,
        resume: args.resume,
        steps: args.steps,
        sftSteps: args['sft-steps'],
        sftLr: args['sft-lr'],
        init: args.init,
      });
      yield { family, seed, dir, label: `${args.model}-${family}-s${seed}`, format };
    }
  }
}
