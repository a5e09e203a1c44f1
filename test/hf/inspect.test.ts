// scripts/inspect.ts on Hugging Face folders: what the model is, what of its config we honour and
// the memory per scale; a folder it cannot load gives one line naming the problem and exit 1.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../lib/model/checkpoint.ts';
import { paramLayout } from '../../lib/model/params.ts';

const tmp = mkdtempSync(join(tmpdir(), 'vggm-inspect-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const inspect = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/inspect.ts', ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, VGGM_PROGRESS: 'off' } });

describe('scripts/inspect.ts', () => {
  it('reports architecture, parameter count, dtype, honoured fields and memory per scale', () => {
    const dir = 'test/golden/hf/llama31-rope';
    const r = inspect(dir, '--json');
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    const ck = readCheckpoint(dir);
    expect(out.architecture).toBe('LlamaForCausalLM');
    expect(out.parameters).toBe(paramLayout(ck.config).count);
    expect(out.dtype).toBe('float32');
    expect(out.honoured.join('; ')).toMatch(/rope_scaling llama3 factor=8 low=1 high=4 original=8192/);
    expect(out.scales.map((s: { scale: string }) => s.scale)).toEqual(['smoke', 'cpu', 'paper']);
    for (const s of out.scales) {
      expect(s.weights).toBe(paramLayout(ck.config).total * 4);
      expect(s.adamw).toBe(3 * s.weights);
      expect(s.activations).toBeGreaterThan(0);
      expect(s.kvCache).toBeGreaterThan(0);
    }
    const text = inspect('test/golden/hf/qwen25-bf16-window');
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^test\/golden\/hf\/qwen25-bf16-window: Qwen2ForCausalLM, 0\.02M parameters, config dtype bfloat16, tensors BF16/);
    expect(text.stdout).toMatch(/sliding_window=131072 \(never shorter than the context 64\)/);
    expect(text.stdout).toMatch(/^paper: batch \d+ x 64: weights .* largest buffer/m);
  });

  it('a folder it cannot load: one line naming the problem, exit 1', () => {
    const cases: [string, (d: string) => void, RegExp][] = [
      ['empty', () => {}, /config\.json not found/],
      [
        'yarn',
        (d) => {
          const c = JSON.parse(readFileSync(join(d, 'config.json'), 'utf8'));
          writeFileSync(join(d, 'config.json'), JSON.stringify({ ...c, rope_scaling: { rope_type: 'yarn', factor: 4 } }));
        },
        /rope_scaling\.rope_type="yarn" is not supported/,
      ],
      [
        'gelu',
        (d) => {
          const c = JSON.parse(readFileSync(join(d, 'config.json'), 'utf8'));
          writeFileSync(join(d, 'config.json'), JSON.stringify({ ...c, hidden_act: 'gelu_pytorch_tanh' }));
        },
        /hidden_act="gelu_pytorch_tanh" is not supported/,
      ],
      ['no-weights', (d) => rmSync(join(d, 'model.safetensors')), /neither model\.safetensors nor model\.safetensors\.index\.json found/],
    ];
    for (const [name, edit, re] of cases) {
      const d = join(tmp, name);
      if (name === 'empty') cpSync('test/golden/hf/llama31-rope/expected.safetensors', join(d, 'x.safetensors'));
      else cpSync('test/golden/hf/llama31-rope', d, { recursive: true });
      edit(d);
      const r = inspect(d);
      expect(r.status, name).toBe(1);
      expect(
        r.stderr
          .trim()
          .split('\n')
          .filter((l) => !l.startsWith('Warning:')),
      ).toHaveLength(1);
      expect(r.stderr).toMatch(re);
    }
    expect(inspect().status).toBe(2);
  });

  it('a script that uses lib/ without the CLI helper exits once its context is destroyed', () => {
    const script = join(tmp, 'plain.mts');
    const lib = (p: string) => JSON.stringify(join(process.cwd(), p));
    writeFileSync(
      script,
      [
        `import { createContext } from ${lib('lib/gpu/index.ts')};`,
        `import { loadCheckpoint } from ${lib('lib/model/checkpoint.ts')};`,
        `import { Model } from ${lib('lib/model/model.ts')};`,
        'const ctx = await createContext();',
        `const ck = loadCheckpoint(ctx, ${lib('test/golden/hf/llama-head-dim')});`,
        'const r = await new Model(ctx, ck.params).score({ batch: 1, seqLen: 4, ids: [1, 2, 3, 4] });',
        'console.log(r.logits.length);',
        'ctx.destroy();',
      ].join('\n'),
    );
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 60_000 });
    expect(r.signal, 'still running after 60 s').toBeNull();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(String(4 * 64));
  });
});
