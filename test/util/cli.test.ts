import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseCli, progress } from '../../lib/util/cli.ts';

const fixture = new URL('./fixtures/cli-main.ts', import.meta.url).pathname;

function runFixture(...args: string[]) {
  // The fixture leaves a setInterval running: only runMain's explicit exit lets it end, so a
  // regression shows up as the 60 s timeout (status null), not as a slow pass.
  const r = spawnSync(process.execPath, ['--import', 'tsx', fixture, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, VGGM_DEBUG: '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.split('\n').filter((l) => l && !l.startsWith('Warning:')) };
}

describe('runMain (child process)', () => {
  it('exits 0 after success even with a pending timer, with the parsed common options', () => {
    const r = runFixture('--what', 'ok', '--seeds', '4,5', '--scale', 'smoke', '--out', '/tmp/x', '--force');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ scale: 'smoke', seeds: [4, 5], out: '/tmp/x', force: true });
  });

  it('prints one line and exits 2 on a UsageError', () => {
    const r = runFixture('--what', 'usage');
    expect(r.code).toBe(2);
    expect(r.stderr).toEqual(['cli-main: error: --steps must be positive']);
  });

  it('prints one line and exits 1 on a plain Error from lib', () => {
    const r = runFixture('--what', 'lib');
    expect(r.code).toBe(1);
    expect(r.stderr).toEqual(['cli-main: error: checkpoint runs/x has no config.json']);
  });

  it('keeps the stack for a bug (TypeError) and exits 1', () => {
    const r = runFixture('--what', 'bug');
    expect(r.code).toBe(1);
    expect(r.stderr[0]).toMatch(/^cli-main: internal error: TypeError/);
    expect(r.stderr.length).toBeGreaterThan(1);
  });

  it.each([
    [['--what', 'ok', '--scale', 'big'], /Invalid values: Argument: scale, Given: "big"/],
    [['--what', 'ok', '--bogus'], /Unknown argument: bogus/],
    [['--what', 'ok', '--seeds', 'a'], /--seeds: expected non-negative integers/],
    [['--what', 'ok', '--seeds', '1,1'], /duplicate seed/],
    [['--what', 'ok', '--seed', '1', '--seeds', '2'], /mutually exclusive/],
  ])('bad command line %j: one line, exit 2', (args, msg) => {
    const r = runFixture(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toHaveLength(1);
    expect(r.stderr[0]).toMatch(msg);
  });

  it('destroys an acquired GPU device and exits', () => {
    const r = runFixture('--what', 'gpu');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^device /);
  });
});

describe('parseCli', () => {
  it('defaults: cpu scale, seeds 1,2,3, results/; smoke defaults to one seed; --seed gives one', async () => {
    expect(await parseCli({ name: 't', describe: 'd', argv: [] })).toEqual({ scale: 'cpu', seeds: [1, 2, 3], out: 'results', force: false });
    expect((await parseCli({ name: 't', describe: 'd', argv: ['--scale', 'smoke'] })).seeds).toEqual([1]);
    expect((await parseCli({ name: 't', describe: 'd', argv: ['--seed', '7'] })).seeds).toEqual([7]);
    expect((await parseCli({ name: 't', describe: 'd', argv: ['--seeds', '3', '4'] })).seeds).toEqual([3, 4]);
  });

  it('passes through script-specific options', async () => {
    const a = await parseCli({ name: 't', describe: 'd', argv: ['--steps', '12'] }, (y) => y.option('steps', { type: 'number', default: 5 }));
    expect(a.steps).toBe(12);
  });
});

describe('progress', () => {
  function sink() {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, cb) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        cb();
      },
    });
    return { lines, stream };
  }

  it('plain mode prints periodic lines with ETA and fields, and a final line', () => {
    const { lines, stream } = sink();
    let t = 0;
    const p = progress('train sft seed 1', 100, { mode: 'plain', intervalMs: 10_000, stream, now: () => t });
    for (let i = 0; i < 100; i++) {
      t += 1000; // 1 s per step
      p.tick(1, { loss: 2.345678 });
    }
    p.done();
    p.done(); // idempotent
    // one line every 10 s over 100 s of work, but none at 100% (the final line covers it)
    expect(lines).toHaveLength(10);
    expect(lines[0]).toBe('train sft seed 1: 10/100 (10%) 10s elapsed, ETA 1m30s | loss=2.346');
    expect(lines[9]).toBe('train sft seed 1: 100/100 (100%) 1m40s elapsed, done | loss=2.346');
  });

  it('a resumed run counts from where it left off, and the ETA uses the rate of this process alone', () => {
    const { lines, stream } = sink();
    let t = 0;
    const p = progress('pretrain', 100, { mode: 'plain', intervalMs: 10_000, stream, now: () => t, start: 60 });
    for (let i = 0; i < 10; i++) {
      t += 1000;
      p.tick(1);
    }
    // 10 steps in 10 s, 30 left: 30 s (a rate over all 70 counted steps would say ~4 s)
    expect(lines[0]).toBe('pretrain: 70/100 (70%) 10s elapsed, ETA 30s');
  });

  it('off mode prints nothing; bar mode writes to the stream', () => {
    const off = sink();
    const p = progress('x', 3, { mode: 'off', stream: off.stream });
    p.tick(3);
    p.done();
    expect(off.lines).toEqual([]);
    const bar = sink();
    const b = progress('x', 3, { mode: 'bar', stream: bar.stream });
    b.tick(3, { acc: 0.5 });
    b.done();
    expect(bar.lines.join('')).toMatch(/3\/3/);
  });

  it('formats durations', () => {
    expect(formatDuration(5)).toBe('5s');
    expect(formatDuration(65)).toBe('1m05s');
    expect(formatDuration(3 * 3600 + 120)).toBe('3h02m');
    expect(formatDuration(Infinity)).toBe('?');
  });
});
