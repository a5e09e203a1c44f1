// What a finished model in the cache holds, by content: the sha256 of each of its files, and the
// content hash of the data it was trained on (one hash per part of the data folder, so a change
// names its file). done.json records both; a cache hit checks them before the model is used
// (docs/cache.md).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Dataset } from '../data/dataset.ts';
import { canonicalJson } from '../util/json.ts';

/** Files of a model folder that are not part of the model: the cache's own bookkeeping (lib/train/claim.ts) and atomic-write temps. */
const NOT_CONTENT = /^(done\.json|failed\.json|time\.json|\..*\.tmp)$/;

function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** sha256 of every file under `dir` (relative paths, sorted), except what NOT_CONTENT names. */
export function fileHashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (!NOT_CONTENT.test(name)) out[relative(dir, p)] = sha256(readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/** One hash standing for a whole files map (a child records its parent's). */
export function contentHash(files: Record<string, string>): string {
  return sha256(canonicalJson(files));
}

/** The first recorded file that is missing or differs, in one line; null when all match. */
export function firstFileMismatch(dir: string, recorded: Record<string, string>): string | null {
  for (const [f, want] of Object.entries(recorded)) {
    let got: string;
    try {
      got = sha256(readFileSync(join(dir, f)));
    } catch {
      return `${join(dir, f)} is missing`;
    }
    if (got !== want) return `${join(dir, f)} has changed (sha256 ${got.slice(0, 12)}…, recorded ${want.slice(0, 12)}…)`;
  }
  return null;
}

/** The file of the data folder each part of a Dataset is read from (lib/data/dataset.ts). */
const DATA_FILES: Record<string, string> = {
  manifest: 'manifest.json',
  pool: 'pool.jsonl',
  eval: 'eval.jsonl',
  dev: 'dev.jsonl',
  base: 'base.jsonl',
  baseHeldout: 'base_heldout.jsonl',
  tokenizer: 'tokenizer.json',
};

const dataMemo = new WeakMap<Dataset, Record<string, string>>();

/** A part of a Dataset that a stage may read. */
export type DataPart = Exclude<keyof Dataset, 'dir'>;

/** Content hash of each part of the data as loaded (the tokenizer by its tokenizer.json), keyed by file name. */
function allDataHashes(ds: Dataset): Record<string, string> {
  const memo = dataMemo.get(ds);
  if (memo) return memo;
  const out: Record<string, string> = {};
  for (const [part, value] of Object.entries(ds)) {
    if (part === 'dir') continue;
    const content = part === 'tokenizer' ? (value as Dataset['tokenizer']).json : value;
    out[DATA_FILES[part] ?? part] = sha256(canonicalJson(content));
  }
  dataMemo.set(ds, out);
  return out;
}

/** Content hash of the parts a stage reads (every part when `reads` is absent), keyed by file name. */
export function dataHashes(ds: Dataset, reads?: readonly DataPart[]): Record<string, string> {
  const all = allDataHashes(ds);
  if (!reads) return all;
  return Object.fromEntries(reads.map((part) => [DATA_FILES[part], all[DATA_FILES[part]]]));
}

/**
 * The first data file the stage reads whose content differs from what was recorded, in one line;
 * null when all match. A part the stage does not read (`reads`) is not compared: a Base trained on
 * base.jsonl stays valid when pool.jsonl is relabelled.
 */
export function firstDataMismatch(ds: Dataset, recorded: Record<string, string>, reads?: readonly DataPart[]): string | null {
  const now = dataHashes(ds, reads);
  const wanted = reads ? Object.keys(now) : Object.keys(recorded);
  for (const f of wanted) {
    if (!(f in recorded)) return `${join(ds.dir, f)} was not part of the data the model was trained on`;
    if (now[f] !== recorded[f]) return `${join(ds.dir, f)} ${now[f] === undefined ? 'is no longer part of the data' : 'has changed since the model was trained on it'}`;
  }
  if (!reads) for (const f of Object.keys(now)) if (!(f in recorded)) return `${join(ds.dir, f)} was not part of the data the model was trained on`;
  return null;
}
