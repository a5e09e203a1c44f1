// Options shared by the training and evaluation scripts (beyond lib/util/cli's common ones).
import type { Argv } from 'yargs';
import { families, type Family } from '../model/config.ts';
import { loadData } from './data.ts';
import type { Dataset } from '../data/dataset.ts';
import type { Scale } from '../util/cli.ts';
import { NonFiniteError } from './health.ts';

export function withTrainOptions<T>(y: Argv<T>) {
  return y
    .option('family', { choices: [...families, 'both'] as const, default: 'both' as Family | 'both', describe: 'model preset family (both: qwen-like and llama-like)' })
    .option('data', { type: 'string', describe: 'data folder written by scripts/data.ts (default: the world for --scale and --world-seed, generated once into .cache/data)' })
    .option('world-seed', { type: 'number', default: 1, describe: 'seed of the generated world (frozen across methods and model seeds)' })
    .option('resume', { type: 'boolean', default: true, describe: 'continue an interrupted run from its last checkpoint (--no-resume restarts it)' })
    .option('steps', { type: 'number', describe: "override the scale's number of optimizer steps" })
    .option('init', {
      type: 'string',
      describe:
        'start from this Hugging Face checkpoint folder (Qwen2/Llama config.json, safetensors, tokenizer.json) instead of the Base model; the data is encoded with its tokenizer',
    });
}

export function familiesOf(f: Family | 'both'): Family[] {
  return f === 'both' ? [...families] : [f];
}

export function dataOf(scale: Scale, args: { data?: string; worldSeed?: number; 'world-seed'?: number }): Dataset {
  return loadData(scale, args.worldSeed ?? args['world-seed'] ?? 1, args.data);
}

/** Run a script body so that a NaN/Inf stop reaches runMain as a plain one-line error. */
export async function reportNonFinite<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof NonFiniteError) throw new Error(err.message);
    throw err;
  }
}
