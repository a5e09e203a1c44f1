// The model cache with real scripts (smoke scale, one cache folder): two runs of one key started
// together train it once (the other waits, then uses it) and leave one clean metrics log; edited
// or truncated weights and edited data stop the next script that reads them with one line naming
// the file (docs/cache.md). (--force retraining such an entry: test/train/cache.test.ts.)
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const STEPS = 120; // long enough (seconds) that the second run starts while the first trains
const cache = mkdtempSync(join(tmpdir(), 'vggm-cache-runs-'));
afterAll(() => rmSync(cache, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function script(name: string, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', `scripts/${name}.ts`, '--scale', 'smoke', '--family', 'qwen-like', '--seed', '1', '--out', join(cache, 'out'), ...args],
      {
        env: { ...process.env, VGGM_CACHE: cache, VGGM_PROGRESS: 'off', VGGM_DEBUG: '' },
      },
    );
    let stdout = '',
      stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) =>
      resolve({
        code,
        stdout,
        stderr: stderr
          .split('\n')
          .filter((l) => l && !l.startsWith('Warning:'))
          .join('\n'),
      }),
    );
  });
}

const pretrain = (...args: string[]) => script('pretrain', '--steps', String(STEPS), ...args);
const modelDir = () =>
  join(
    cache,
    'models',
    readdirSync(join(cache, 'models')).find(
      (d) =>
        d.startsWith('pretrain-') &&
        existsSync(join(cache, 'models', d, 'metrics.jsonl')) &&
        JSON.parse(readFileSync(join(cache, 'models', d, 'done.json'), 'utf8')).steps === STEPS,
    )!,
  );

let together: Run[];
beforeAll(async () => {
  const warm = await script('pretrain', '--steps', '2'); // writes the smoke world into the cache first
  expect(warm.code, warm.stderr).toBe(0);
  together = await Promise.all([pretrain(), pretrain()]);
}, 300_000);

describe('two runs of one cache key at once', () => {
  it('both succeed: one trains, the other waits for it and uses its model', () => {
    for (const r of together) expect(r.code, r.stderr).toBe(0);
    const said = together.map((r) => r.stdout.trim().split('\n').at(-1)!);
    expect(said.map((l) => l.split(' ')[3]).sort()).toEqual(['cached', 'trained']);
    expect(new Set(said.map((l) => l.split(' ')[4])).size).toBe(1); // the same model folder
    const waited = together.filter((r) => /cache: pid \d+ on \S+ has been training pretrain-\w+ since \S+; waiting for it to finish/.test(r.stderr));
    expect(waited).toHaveLength(1);
  });

  it('leaves one clean metrics log, one process in done.json and no lock', () => {
    const dir = modelDir();
    const steps = readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).step);
    expect(steps).toEqual(Array.from({ length: STEPS }, (_, i) => i));
    expect(JSON.parse(readFileSync(join(dir, 'done.json'), 'utf8')).processes).toBe(1);
    expect(readdirSync(join(cache, 'locks'))).toEqual([]);
  });
});

describe('a cache that knows what it holds', () => {
  it('edited, then truncated weights: eval.ts and pretrain.ts stop with one line naming the file', async () => {
    const weights = join(modelDir(), 'model.safetensors');
    const original = readFileSync(weights);
    const edited = Buffer.from(original);
    edited[edited.length - 1] ^= 1;
    writeFileSync(weights, edited);
    const r = await script('eval', '--model', 'base', '--steps', String(STEPS), '--problems', '1', '--samples', '0');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `^eval: error: cached model pretrain-\\w+: ${weights.replace(/[.]/g, '\\.')} has changed \\(sha256 \\w{12}…, recorded \\w{12}…\\); retrain it with --force \\(or restore what changed\\)$`,
      ),
    );
    truncateSync(weights, 100);
    const t = await pretrain();
    expect(t.code).toBe(1);
    expect(t.stdout).not.toMatch(/cached/);
    expect(t.stderr).toMatch(/^pretrain: error: cached model pretrain-\w+: .*model\.safetensors has changed/);
    writeFileSync(weights, original);
    const restored = await pretrain();
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(/: cached /);
  }, 120_000);

  it('data edited but still valid JSON: the next read names the data file; data it does not read leaves it valid', async () => {
    const data = join(cache, 'data', readdirSync(join(cache, 'data'))[0]);
    const appendSpace = (file: string) => {
      const lines = readFileSync(file, 'utf8').split('\n');
      const row = JSON.parse(lines[0]);
      row.response = `${row.response} `;
      writeFileSync(file, [JSON.stringify(row), ...lines.slice(1)].join('\n'));
    };
    // The Base reads base.jsonl, never pool.jsonl: a relabelled pool keeps the cached Base.
    appendSpace(join(data, 'pool.jsonl'));
    const kept = await pretrain();
    expect(kept.code, kept.stderr).toBe(0);
    expect(kept.stdout).toMatch(/: cached /);
    const base = join(data, 'base.jsonl');
    appendSpace(base);
    const r = await pretrain();
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `pretrain: error: cached model ${modelDir().split('/').at(-1)} was trained on other data: ${base} has changed since the model was trained on it; retrain it with --force (or restore what changed)`,
    );
  }, 120_000);
});
