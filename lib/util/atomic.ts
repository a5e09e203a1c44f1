// Atomic file writes: a reader (or a crash, or Ctrl-C mid-write) sees either the old file or the
// whole new one, never a truncated mix. Results and checkpoints are written this way because a
// half-written results/<name>.json would silently poison `npm run figures`.
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync, type Dirent } from 'node:fs';
import { basename, dirname, join } from 'node:path';

let counter = 0;

/** Write `data` to `path` atomically: temp file in the same folder, fsync, rename, fsync folder. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  // Same folder so rename() stays on one filesystem (and is therefore atomic); pid + counter so
  // two processes or two calls never share a temp name.
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${counter++}.tmp`);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  try {
    const fd = openSync(tmp, 'w');
    try {
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  fsyncDir(dir);
}

/** JSON with two-space indent and a trailing newline (stable diffs for committed results). */
export function writeJsonAtomic(path: string, value: unknown): void {
  const text = JSON.stringify(value, null, 2);
  if (text === undefined) throw new Error(`writeJsonAtomic(${path}): value is not JSON-serialisable`);
  writeFileAtomic(path, text + '\n');
}

// The rename is durable only once the folder entry is on disk. Some filesystems refuse to fsync
// a directory (EISDIR/EINVAL/EPERM); the rename itself has already happened, so that is not fatal.
function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    /* best effort, see above */
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const TEMP_NAME = /^\..+\.(\d+)\.\d+\.tmp$/;

/**
 * Remove the temp files writeFileAtomic left under `dir` (recursively) when its process was
 * killed mid-write: those whose writer (the pid in the name) no longer runs. Returns their paths.
 */
export function removeStaleTemps(dir: string): string[] {
  const removed: string[] = [];
  const walk = (d: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return; // no such folder yet
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const m = TEMP_NAME.exec(e.name);
        if (m && !pidAlive(Number(m[1]))) {
          rmSync(p, { force: true });
          removed.push(p);
        }
      }
    }
  };
  walk(dir);
  return removed;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
