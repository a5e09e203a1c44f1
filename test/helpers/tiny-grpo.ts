// A tiny GRPO set-up shared by the GRPO tests (training, resume, Ctrl-C): a world tokenizer over
// a few texts, three one-line prompts, the tiny qwen-like model and the smoke GRPO settings cut
// to 4 steps. `run(dir)` makes a fresh run in <tmp>/<dir>; `lines(dir)` reads its metrics.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GpuContext } from '../../lib/gpu/index.ts';
import { presetConfig } from '../../lib/model/config.ts';
import { Model } from '../../lib/model/model.ts';
import { buildWorldTokenizer, loadTokenizer } from '../../lib/tokenizer/index.ts';
import type { GrpoRun } from '../../lib/train/grpo.ts';
import { SCALE_TABLE } from '../../lib/train/scales.ts';

export function tinyGrpo(ctx: () => GpuContext, tmp: string, checkpointEvery: number) {
  const texts = ['Problem: 1 + 2 = ?\nThink step by step.\n', '1 + 2 = 3. The answer is \\boxed{3}.', '2 + 2 = 4 \\boxed{4}', '5 6 7 8 9 0'];
  const tok = loadTokenizer(buildWorldTokenizer(texts));
  const prompts = [
    { problem: '1 + 2 = ?', answer: '3' },
    { problem: '2 + 2 = ?', answer: '4' },
    { problem: '1 + 1 = ?', answer: '2' },
  ];
  const config = { ...presetConfig('qwen-like', 'tiny', tok.vocabSize), context: 40 };
  const cfg = { ...SCALE_TABLE.smoke.grpo, steps: 4, prompts: 2, groupSize: 3, maxNewTokens: 12, lr: 1e-2 };
  const run = (dir: string, extra: Partial<GrpoRun> = {}): GrpoRun => ({
    runDir: join(tmp, dir),
    model: Model.init(ctx(), config, 9),
    reference: Model.init(ctx(), config, 9),
    tokenizer: tok,
    tokenizerJson: JSON.stringify(tok.json),
    prompts,
    format: 'trace',
    cfg,
    seed: 5,
    checkpointEvery,
    info: { test: dir },
    ...extra,
  });
  const lines = (dir: string) =>
    readFileSync(join(tmp, dir, 'metrics.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  return { run, lines, cfg };
}
