// Opening a model cache entry for a stage (docs/cache.md). One process at a time works on a key:
// openEntry takes the key's lock (waiting while another live process holds it), removes the temp
// files of a killed write, and then either returns the finished model, after checking that its
// files, its data and its parent are what done.json recorded, or a claim to train it. The claim's
// finish() refuses a diverged run (health.divergence: failed.json, not cached) and otherwise
// records the files' sha256, the data's and the parent's content hashes and the time every
// process spent on it, then writes done.json and releases the lock.
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset } from '../data/dataset.ts';
import { removeStaleTemps, writeJsonAtomic } from '../util/atomic.ts';
import { acquireLock, type Lock } from '../util/lock.ts';
import { cacheHome } from '../util/paths.ts';
import { cacheDir, DONE_FILE } from './cache.ts';
import { contentHash, dataHashes, type DataPart, fileHashes, firstDataMismatch, firstFileMismatch } from './contents.ts';
import { divergence } from './health.ts';
import { MetricsLog } from './metrics.ts';

/** Marks a run that diverged: kept for inspection, never used as a model. */
export const FAILED_FILE = 'failed.json';
/** Wall time of the processes that worked on an unfinished run before this one. */
const TIME_FILE = 'time.json';

export interface Done {
  key: string;
  finishedAt: string;
  /** wall time of every process that worked on the run, summed (one killed with -9: until its last metrics line) */
  seconds: number;
  processes: number;
  /** sha256 of each file of the model folder when it finished (relative paths) */
  files: Record<string, string>;
  /** contentHash(files): what a child records of this model */
  contentHash: string;
  /** content hash of each part of the training data, by file name (contents.dataHashes) */
  dataFiles: Record<string, string> | null;
  /** the key (stages also record it as `parent`) and content hash of the model this one started from */
  startedFrom: { key: string; contentHash: string } | null;
  [k: string]: unknown;
}

export interface Entry {
  key: string;
  dir: string;
  cached: boolean;
  done: Done;
}

export interface Claim {
  key: string;
  dir: string;
  /** Check the finished run, record what it holds, write done.json, release the lock. */
  finish(info: Record<string, unknown>): Entry;
  /** Give the key up without finishing (an error, Ctrl-C): the time spent is kept for the resume. */
  abandon(): void;
}

export interface OpenOptions {
  /** retrain: the entry's folder is removed (under the lock) */
  force?: boolean;
  /** the data the stage trains on; null where the stage has none of its own (an --init folder) */
  data: Dataset | null;
  /** the parts of `data` the stage reads (default: all): only these are recorded and checked */
  reads?: readonly DataPart[];
  /** the model this one starts from (its done.json holds its content hash); null for a Base trained from scratch */
  parent: { key: string; done: Record<string, unknown> } | null;
  /** one line to the user (default: stderr) */
  say?: (line: string) => void;
}

export function lockPath(key: string): string {
  return join(cacheHome(), 'locks', `${key}.lock`);
}

// Both errors carry a `code`, which makes runMain print them as one line (lib/util/cli.ts isExpected).

/** A cached model that is not what its done.json says, named by the first thing that differs. */
export class CacheMismatchError extends Error {
  readonly code = 'VGGM_CACHE_MISMATCH';
  constructor(
    readonly dir: string,
    message: string,
  ) {
    super(message);
  }
}

/** A key whose last run diverged: not cached; --force trains it again. */
export class DivergedError extends Error {
  readonly code = 'VGGM_DIVERGED';
  constructor(
    readonly dir: string,
    message: string,
  ) {
    super(message);
  }
}

/** For a training promise's catch: gives the claim up (lock released, time kept), then rethrows. */
export function abandoning(claim: Claim): (e: unknown) => never {
  return (e) => {
    claim.abandon();
    throw e;
  };
}

function readJson<T>(path: string): T | null {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : null;
}

/** Open `key`: its verified finished model, or a claim to train it (the caller then holds its lock). */
export async function openEntry(key: string, o: OpenOptions): Promise<{ hit: Entry } | { claim: Claim }> {
  const say = o.say ?? ((l: string) => process.stderr.write(l + '\n'));
  const dir = cacheDir(key);
  const lock = await acquireLock(lockPath(key), {
    what: `model ${key}`,
    onWait: (w) => say(`cache: pid ${w.pid} on ${w.host} has been training ${key} since ${w.since}; waiting for it to finish (Ctrl-C to stop)`),
  });
  try {
    if (o.force) rmSync(dir, { recursive: true, force: true });
    removeStaleTemps(dir);
    const failed = readJson<{ reason: string }>(join(dir, FAILED_FILE));
    if (failed)
      throw new DivergedError(
        dir,
        `${key}: its last run diverged (${failed.reason}) and is not cached (${join(dir, FAILED_FILE)}); change its settings, or train it again with --force`,
      );
    const done = readJson<Done>(join(dir, DONE_FILE));
    if (done && !done.files) {
      say(`cache: ${key} finished before models recorded their content (no file hashes in done.json); training it again`);
      rmSync(dir, { recursive: true, force: true });
    } else if (done) {
      verify(key, dir, done, o);
      lock.release();
      return { hit: { key, dir, cached: true, done } };
    }
  } catch (e) {
    lock.release();
    throw e;
  }
  return { claim: claimFor(key, dir, lock, o) };
}

function verify(key: string, dir: string, done: Done, o: OpenOptions): void {
  const again = 'retrain it with --force (or restore what changed)';
  const file = firstFileMismatch(dir, done.files);
  if (file) throw new CacheMismatchError(dir, `cached model ${key}: ${file}; ${again}`);
  const data = o.data && done.dataFiles ? firstDataMismatch(o.data, done.dataFiles, o.reads) : null;
  if (data) throw new CacheMismatchError(dir, `cached model ${key} was trained on other data: ${data}; ${again}`);
  if (o.parent && done.startedFrom && parentHash(o.parent) !== done.startedFrom.contentHash) {
    throw new CacheMismatchError(dir, `cached model ${key} was trained from another ${done.startedFrom.key}: that model's files have changed since; ${again}`);
  }
}

function claimFor(key: string, dir: string, lock: Lock, o: OpenOptions): Claim {
  const t0 = performance.now();
  const before = readJson<{ seconds: number; processes: number }>(join(dir, TIME_FILE)) ?? { seconds: 0, processes: 0 };
  // A process killed with -9 wrote no time: count it from its lock's start to its last metrics line.
  const killed = lock.brokeStale ? Math.max(0, (mtimeMs(join(dir, 'metrics.jsonl')) - Date.parse(lock.brokeStale.since)) / 1000) : 0;
  const prior = { seconds: before.seconds + killed, processes: before.processes + (lock.brokeStale ? 1 : 0) };
  const spent = () => ({ seconds: prior.seconds + (performance.now() - t0) / 1000, processes: prior.processes + 1 });
  let open = true;
  const close = () => {
    open = false;
    lock.release();
  };
  return {
    key,
    dir,
    finish(info) {
      if (!open) throw new Error(`${key}: claim already closed`);
      try {
        const reason = divergence(new MetricsLog(join(dir, 'metrics.jsonl')).read());
        if (reason) {
          writeJsonAtomic(join(dir, FAILED_FILE), { key, reason, ...info, failedAt: new Date().toISOString() });
          throw new DivergedError(dir, `${key}: the run diverged (${reason}); marked failed in ${join(dir, FAILED_FILE)}, not cached (docs/cache.md)`);
        }
        const files = fileHashes(dir);
        const done: Done = {
          key,
          ...info,
          finishedAt: new Date().toISOString(),
          ...spent(),
          files,
          contentHash: contentHash(files),
          dataFiles: o.data ? dataHashes(o.data, o.reads) : null,
          startedFrom: o.parent ? { key: o.parent.key, contentHash: parentHash(o.parent) } : null,
        };
        writeJsonAtomic(join(dir, DONE_FILE), done);
        rmSync(join(dir, TIME_FILE), { force: true });
        return { key, dir, cached: false, done };
      } finally {
        close();
      }
    },
    abandon() {
      if (!open) return;
      if (existsSync(dir)) writeJsonAtomic(join(dir, TIME_FILE), spent());
      close();
    },
  };
}

/** A parent's content hash; an --init folder (no done.json of ours) stands for itself by its key, which hashes its files. */
function parentHash(p: NonNullable<OpenOptions['parent']>): string {
  return typeof p.done.contentHash === 'string' ? p.done.contentHash : p.key;
}

function mtimeMs(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}
