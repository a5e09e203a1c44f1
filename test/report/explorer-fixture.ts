// A smoke-scale world in a temp data folder and a fake model cache holding one trained-looking
// sft model per method, with generation files in the formats scripts/eval.ts and
// scripts/entropy.ts write beside a model (eval-<scale>.jsonl, entropy-<scale>.jsonl).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasetTexts, loadDataset, writeDataset, type Dataset } from '../../lib/data/dataset.ts';
import { generateWorld } from '../../lib/data/world/generate.ts';
import { buildWorldTokenizer } from '../../lib/tokenizer/index.ts';
import { Rng } from '../../lib/util/rng.ts';

export interface Fixture {
  root: string;
  ds: Dataset;
  models: string;
  /** Every entropy written per method, rounded as the explorer rounds them. */
  entropies: Record<string, number[]>;
}

/** `correct`: answer the gold (true) or 1 more (false), alternating per problem. */
function answerText(gold: string, correct: boolean): string {
  return ` x = 3 + 4 = 7.\n Wait! 3 + 4 = 7. The answer is \\boxed{${correct ? gold : gold + '1'}}.`;
}

export function makeFixture(seed = 3): Fixture {
  const root = mkdtempSync(join(tmpdir(), 'explorer-'));
  const w = generateWorld({ seed, scale: 'smoke' });
  const dataDir = join(root, 'data');
  const tokenizer = buildWorldTokenizer(datasetTexts(w.pool, w.eval, w.base));
  writeDataset(dataDir, { manifest: { source: 'world', seed, scale: 'smoke' }, pool: w.pool, eval: w.eval, base: w.base, tokenizer });
  const ds = loadDataset(dataDir);
  const models = join(root, 'models');
  const rng = new Rng(seed);
  const mathIds = ds.eval.filter((p) => p.tier === 'math').slice(0, 4);
  const methods = ['sft', 'vggm', 'truncate'];
  const entropies: Record<string, number[]> = {};
  methods.forEach((method, mi) => {
    const dir = join(models, `sft-fake${mi}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'done.json'), JSON.stringify({ stage: 'sft', method, family: 'qwen-like', seed: 1, finishedAt: '2025-01-01T00:00:00Z' }));
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
    const evalLines = ds.eval.map((p, i) => {
      const ok = i % 2 === 0;
      const text = answerText(p.answer, ok);
      return { id: p.id, tier: p.tier, mode: 'greedy', sample: 0, gold: p.answer, pred: ok ? p.answer : p.answer + '1', equal: ok, tokens: 0, stop: 'eos', text };
    });
    writeFileSync(join(dir, 'eval-smoke.jsonl'), evalLines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const entLines = mathIds.flatMap((p, i) =>
      [0, 1, 2, 3].map((r) => {
        const text = answerText(p.answer, (i + r) % 2 === 0);
        const n = ds.tokenizer.encode(text).ids.length + 1; // + the eos the decoded text does not show
        const entropy = Array.from({ length: n }, () => +(2 * rng.next() ** 3).toFixed(4));
        const tokens = ds.tokenizer.encode(text).ids.map((id) => ds.tokenizer.idToToken(id) ?? '');
        const tLast = tokens.findIndex((t) => t.includes('Wait'));
        return { id: p.id, text, entropy, step: entropy.map(() => 0), tLast: tLast >= 0 ? tLast : null };
      }),
    );
    entropies[method] = entLines.flatMap((l) => l.entropy.map((h) => Math.round(h * 1000) / 1000));
    writeFileSync(join(dir, 'entropy-smoke.jsonl'), entLines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  });
  // Not ours: another stage, and an sft model of another world (different tokenizer).
  mkdirSync(join(models, 'grpo-x'), { recursive: true });
  writeFileSync(join(models, 'grpo-x', 'done.json'), JSON.stringify({ stage: 'grpo', from: 'vggm', family: 'qwen-like', seed: 1 }));
  mkdirSync(join(models, 'sft-other'), { recursive: true });
  writeFileSync(join(models, 'sft-other', 'done.json'), JSON.stringify({ stage: 'sft', method: 'vggm', family: 'qwen-like', seed: 0 }));
  writeFileSync(join(models, 'sft-other', 'tokenizer.json'), JSON.stringify({ ...tokenizer, model: { ...tokenizer.model, vocab: { a: 0 } } }));
  writeFileSync(join(models, 'sft-other', 'eval-smoke.jsonl'), '');
  return { root, ds, models, entropies };
}
