// Locks between processes (lib/util/lock.ts): O_EXCL lock files with the owner's pid, waiting,
// refusing in one line, and taking over the lock of an owner killed with -9.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireLock, LockBusyError } from '../../lib/util/lock.ts';

const root = mkdtempSync(join(tmpdir(), 'vggm-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A child process that takes the lock at `path`, says so on stdout, and sleeps until killed. */
function holder(path: string): Promise<{ pid: number; kill: () => Promise<void> }> {
  const code = `import { acquireLock } from ${JSON.stringify(new URL('../../lib/util/lock.ts', import.meta.url).pathname)};
await acquireLock(${JSON.stringify(path)}, { what: 'test' }); console.log('held'); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      if (String(d).includes('held')) resolve({ pid: child.pid!, kill: () => new Promise((r) => (child.on('exit', () => r()), child.kill('SIGKILL'))) });
    });
    child.on('exit', (c) => reject(new Error(`holder exited ${c}`)));
  });
}

describe('acquireLock', () => {
  it('writes its pid into an O_EXCL file and removes it on release', async () => {
    const path = join(root, 'a.lock');
    const lock = await acquireLock(path, { what: 'model a' });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname(), what: 'model a' });
    expect(lock.brokeStale).toBeNull();
    lock.release();
    expect(existsSync(path)).toBe(false);
  });

  it('a second acquire in the same process waits for the first release', async () => {
    const path = join(root, 'b.lock');
    const first = await acquireLock(path, { what: 'b' });
    const order: string[] = [];
    const second = acquireLock(path, { what: 'b', pollMs: 10 }).then((l) => (order.push('second'), l));
    await new Promise((r) => setTimeout(r, 100));
    order.push('release');
    first.release();
    (await second).release();
    expect(order).toEqual(['release', 'second']);
  });

  it('another live process: wait:false refuses in one line; a waiter is told once, then gets the lock when the owner dies (kill -9)', async () => {
    const path = join(root, 'c.lock');
    const h = await holder(path);
    await expect(acquireLock(path, { what: 'model c', wait: false })).rejects.toThrow(new RegExp(`^test is locked by pid ${h.pid} on ${hostname()} since \\S+ \\(${path}\\)$`));
    await expect(acquireLock(path, { what: 'model c', wait: false })).rejects.toBeInstanceOf(LockBusyError);
    const told: number[] = [];
    const waiting = acquireLock(path, { what: 'model c', pollMs: 20, onWait: (o) => told.push(o.pid) });
    await new Promise((r) => setTimeout(r, 200));
    await h.kill(); // no release: the lock file stays, naming a dead pid
    expect(JSON.parse(readFileSync(path, 'utf8')).pid).toBe(h.pid);
    const lock = await waiting;
    expect(told).toEqual([h.pid]);
    expect(lock.brokeStale?.pid).toBe(h.pid);
    expect(JSON.parse(readFileSync(path, 'utf8')).pid).toBe(process.pid);
    lock.release();
  }, 60_000);

  it('a lock naming a live pid whose process started at another time (a reused pid) is stale', async () => {
    const path = join(root, 'd.lock');
    writeFileSync(path, JSON.stringify({ pid: process.pid, host: hostname(), start: 'not-this-process', since: '2020-01-01T00:00:00Z', what: 'old' }));
    const lock = await acquireLock(path, { what: 'd', wait: false });
    expect(lock.brokeStale?.what).toBe('old');
    lock.release();
  });
});
