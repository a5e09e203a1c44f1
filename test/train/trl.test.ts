// VGGM in TRL's prompt/completion form learns exactly the tokens our weights learn. TRL's
// SFTTrainer tokenises prompt and prompt+completion with the Hugging Face tokenizer (special tokens
// parsed from text) and learns the tokens after the prompt's; we emulate that with
// @huggingface/tokenizers on the same tokenizer.json and compare with lib/train/weights.ts.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { afterAll, describe, expect, it } from 'vitest';
import { datasetTexts, writeDataset } from '../../lib/data/dataset.ts';
import { tracePrompt } from '../../lib/data/prompts.ts';
import { toMessages, toPromptCompletion } from '../../lib/train/trl.ts';
import type { Example } from '../../lib/data/types.ts';
import { generateWorld } from '../../lib/data/world/generate.ts';
import { buildByteLevelBpe } from '../../lib/tokenizer/bpe.ts';
import { buildWorldTokenizer, loadTokenizer, type LoadedTokenizer } from '../../lib/tokenizer/index.ts';
import { encodeTrace, METHODS, weightExample } from '../../lib/train/weights.ts';

const tmp = mkdtempSync(join(tmpdir(), 'vggm-trl-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const world = generateWorld({ seed: 3, scale: 'smoke' });
const sftExamples = world.pool.filter((e) => e.split === 'sft_v1' || e.split === 'sft_v0');
const worldJson = buildWorldTokenizer(datasetTexts(world.pool, world.eval, world.base));

/** TRL's tokenisation: learned positions = those after the tokenised prompt, in tokenised prompt+completion. */
function trlView(json: object, pc: { prompt: string; completion: string }) {
  const hf = new Tokenizer(json, {});
  const promptIds = hf.encode(pc.prompt).ids;
  const ids = hf.encode(pc.prompt + pc.completion).ids;
  return { ids, promptIds, learned: ids.map((_, j) => j >= promptIds.length) };
}

function ourView(tok: LoadedTokenizer, e: Example, method: (typeof METHODS)[number]) {
  const w = weightExample(method, encodeTrace(tok, e));
  return { ids: w.inputIds, learned: [...w.weights].map((x) => x > 0) };
}

function expectSamePositions(json: object, examples: Example[]) {
  const tok = loadTokenizer(json);
  let v1 = 0;
  for (const e of examples) {
    for (const method of METHODS) {
      const pc = toPromptCompletion(tok, e, method);
      const trl = trlView(json, pc);
      const ours = ourView(tok, e, method);
      const what = `${e.id} ${method}`;
      expect(trl.ids.slice(0, trl.promptIds.length), `${what}: prompt tokens are a prefix (no TRL mismatch warning)`).toEqual(trl.promptIds);
      expect(trl.ids, `${what}: same input tokens`).toEqual(ours.ids);
      expect(trl.learned, `${what}: same learned positions`).toEqual(ours.learned);
    }
    if (e.v === 1) v1++;
  }
  expect(v1).toBeGreaterThan(0); // v=1 traces (the case where the forms could differ) were checked
}

describe('TRL prompt/completion export', () => {
  it('learns the same token positions as our vggm/sft/truncate weights (world tokenizer)', () => {
    expect(sftExamples.length).toBeGreaterThan(10);
    expectSamePositions(worldJson, sftExamples);
  });

  it('also for a byte-level BPE tokenizer (Qwen2-style, no BOS)', () => {
    const bpe = buildByteLevelBpe([...datasetTexts(world.pool, [], [])].slice(0, 400), { merges: 150 });
    expectSamePositions(bpe, sftExamples.slice(0, 40));
  });

  it('vggm moves the prefix before T_last into the prompt; the completion starts at the "Wait" token', () => {
    const tok = loadTokenizer(worldJson);
    const e = sftExamples.find((x) => x.v === 1 && x.tLast! > 0)!;
    const pc = toPromptCompletion(tok, e, 'vggm');
    expect(pc.prompt.startsWith('<bos>Problem: ')).toBe(true);
    expect(pc.completion.trimStart().startsWith('Wait!')).toBe(true);
    expect(pc.completion.endsWith('<eos>')).toBe(true);
    expect(pc.prompt.slice('<bos>'.length) + pc.completion.slice(0, -'<eos>'.length)).toBe(tracePrompt(e.problem) + e.response);
    const trunc = toPromptCompletion(tok, e, 'truncate');
    expect(trunc.prompt).toBe('<bos>' + tracePrompt(e.problem));
    expect(trunc.completion).toBe(pc.completion);
    expect(toMessages(e).messages[1].content).toBe(e.response);
  });

  it('scripts/export.ts writes train.jsonl, messages.jsonl and a loadable tokenizer folder', () => {
    const data = join(tmp, 'data');
    writeDataset(data, { manifest: { source: 'world', seed: 3, scale: 'smoke' }, pool: world.pool, eval: world.eval, base: world.base, tokenizer: worldJson });
    const out = join(tmp, 'out');
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/export.ts', '--format', 'trl', '--method', 'vggm', '--scale', 'smoke', '--data', data, '--out', out], {
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    const dir = join(out, 'trl-vggm-smoke');
    const lines = readFileSync(join(dir, 'train.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.length).toBe(sftExamples.length);
    expect(Object.keys(lines[0]).sort()).toEqual(['completion', 'id', 'prompt', 'v']);
    expect(readFileSync(join(dir, 'messages.jsonl'), 'utf8').trim().split('\n').length).toBe(sftExamples.length);
    const cfg = JSON.parse(readFileSync(join(dir, 'tokenizer_config.json'), 'utf8'));
    expect([cfg.bos_token, cfg.eos_token, cfg.pad_token]).toEqual(['<bos>', '<eos>', '<pad>']);
    expect(loadTokenizer(join(dir, 'tokenizer.json')).vocabSize).toBe(loadTokenizer(worldJson).vocabSize);
    const bad = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/export.ts', '--format', 'csv'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  }, 60_000);
});
