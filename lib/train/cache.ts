// Content-addressed model cache: a trained model lives in .cache/models/<key>/ where key is a
// hash of everything that determines its weights (model config, data config and seed, method,
// hyper-parameters, parent checkpoint key, code version). Two scripts that need the same model
// share it; changing any input (or bumping TRAIN_CODE_VERSION) gives a new key; --force retrains.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from '../util/json.ts';
import { cacheRoot } from '../util/paths.ts';

/** Bump when a change to the training code changes the weights it produces. */
export const TRAIN_CODE_VERSION = 2;

export interface CacheKeyInput {
  /** 'pretrain' | 'sft' | 'grpo' | ... */
  stage: string;
  model: unknown;
  data: unknown;
  method?: string;
  hparams: unknown;
  seed: number;
  /** key of the checkpoint this one starts from (null for pretraining from scratch). */
  parent: string | null;
}

export function cacheKey(input: CacheKeyInput): string {
  const h = createHash('sha256')
    .update(canonicalJson({ ...input, code: TRAIN_CODE_VERSION }))
    .digest('hex');
  return `${input.stage}-${h.slice(0, 16)}`;
}

export function cacheDir(key: string): string {
  return join(cacheRoot(), key);
}

/** The record of a finished model (written last, atomically; lib/train/claim.ts, docs/cache.md). */
export const DONE_FILE = 'done.json';

/**
 * True when the model under `key` finished and recorded its files (a done.json from before
 * content records is trained again). Whether the files are still those is checked when the entry
 * is opened (claim.openEntry), not here.
 */
export function isCached(key: string): boolean {
  const files = readDone(key)?.files;
  return typeof files === 'object' && files !== null;
}

export function readDone(key: string): Record<string, unknown> | null {
  const p = join(cacheDir(key), DONE_FILE);
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>) : null;
}
