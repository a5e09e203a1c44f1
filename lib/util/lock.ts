// Exclusive locks between processes: a lock file created with O_EXCL ('wx') that holds its
// owner's pid, host and process start time. A lock whose owner is gone (killed with -9, say) is
// stale: the next process removes it and takes the lock. Waiters poll; within one process a second
// acquire of the same path waits for the first's release instead of for itself.
// docs/cache.md says where the model cache uses it and why.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';

export interface LockOwner {
  pid: number;
  host: string;
  /** the owner's process start time in clock ticks since boot (Linux /proc), so a reused pid is not mistaken for it */
  start: string | null;
  since: string;
  what: string;
}

export interface Lock {
  path: string;
  /** the owner of a stale lock that was removed to take this one (it died holding it), else null */
  brokeStale: LockOwner | null;
  release(): void;
}

export interface AcquireOptions {
  /** what the lock protects, in words (shown to a waiter) */
  what: string;
  /** false: throw LockBusyError at once instead of waiting */
  wait?: boolean;
  /** called once when the lock is found held by a live owner and the caller starts waiting */
  onWait?: (owner: LockOwner) => void;
  pollMs?: number;
}

export class LockBusyError extends Error {
  /** a code makes runMain print it as one line (lib/util/cli.ts) */
  readonly code = 'VGGM_LOCKED';
  constructor(
    readonly path: string,
    readonly owner: LockOwner,
  ) {
    super(`${owner.what} is locked by pid ${owner.pid} on ${owner.host} since ${owner.since} (${path})`);
  }
}

/** A lock file being written right after its O_EXCL create is unreadable for a moment; older than this, it is a writer killed mid-write. */
const UNREADABLE_GRACE_MS = 10_000;

function processStart(pid: number): string | null {
  try {
    // Field 22 of /proc/<pid>/stat; the command name (field 2) may hold spaces, so count after its ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

const SELF: Omit<LockOwner, 'since' | 'what'> = { pid: process.pid, host: hostname(), start: processStart(process.pid) };

/** Whether the owner still runs. Another host's process cannot be checked: it counts as alive. */
export function ownerAlive(o: LockOwner): boolean {
  if (o.host !== SELF.host) return true;
  try {
    process.kill(o.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const start = processStart(o.pid);
  return o.start === null || start === null || start === o.start;
}

function readOwner(path: string): { owner: LockOwner | null; text: string } | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  try {
    const o = JSON.parse(text) as LockOwner;
    return { owner: typeof o?.pid === 'number' ? o : null, text };
  } catch {
    return { owner: null, text };
  }
}

function tryCreate(path: string, what: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    writeSync(fd, JSON.stringify({ ...SELF, since: new Date().toISOString(), what } satisfies LockOwner) + '\n');
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Remove the lock at `path` if it still holds exactly `text` (the stale content we saw). Two
 * processes may find the same stale lock; the removal runs under `<path>.break`, itself an O_EXCL
 * file, so that one of them cannot remove the fresh lock the other has just created.
 */
function breakStale(path: string, text: string): boolean {
  const guard = `${path}.break`;
  if (!tryCreate(guard, 'removing a stale lock')) {
    const g = readOwner(guard);
    if (g && (g.owner ? !ownerAlive(g.owner) : ageMs(guard) > UNREADABLE_GRACE_MS)) rmSync(guard, { force: true });
    return false; // someone else is breaking it; the caller retries
  }
  try {
    if (readOwner(path)?.text !== text) return false;
    rmSync(path, { force: true });
    return true;
  } finally {
    rmSync(guard, { force: true });
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

const heldHere = new Map<string, Promise<void>>();
const releaseOnExit = new Set<string>();
process.on('exit', () => {
  for (const p of releaseOnExit) {
    if (readOwner(p)?.owner?.pid === process.pid) rmSync(p, { force: true });
  }
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Take the lock at `path`, waiting (by default) while a live owner holds it. */
export async function acquireLock(path: string, o: AcquireOptions): Promise<Lock> {
  mkdirSync(dirname(path), { recursive: true });
  for (let mine = heldHere.get(path); mine; mine = heldHere.get(path)) await mine;
  let done!: () => void;
  heldHere.set(path, new Promise<void>((r) => (done = r)));
  let told = false;
  let brokeStale: LockOwner | null = null;
  try {
    for (;;) {
      if (tryCreate(path, o.what)) break;
      const seen = readOwner(path);
      if (!seen) continue; // released between our create and our read
      const stale = seen.owner ? !ownerAlive(seen.owner) : ageMs(path) > UNREADABLE_GRACE_MS;
      if (stale) {
        if (breakStale(path, seen.text)) brokeStale = seen.owner;
        continue;
      }
      if (seen.owner && o.wait === false) throw new LockBusyError(path, seen.owner);
      if (seen.owner && !told) {
        o.onWait?.(seen.owner);
        told = true;
      }
      await sleep(o.pollMs ?? 500);
    }
  } catch (e) {
    heldHere.delete(path);
    done();
    throw e;
  }
  releaseOnExit.add(path);
  let released = false;
  return {
    path,
    brokeStale,
    release: () => {
      if (released) return;
      released = true;
      if (readOwner(path)?.owner?.pid === process.pid) rmSync(path, { force: true });
      releaseOnExit.delete(path);
      heldHere.delete(path);
      done();
    },
  };
}
