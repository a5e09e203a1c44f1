// A model folder carries its tokenizer: loadModelFolder opens the weights together with the
// tokenizer.json saved beside them and refuses a folder without one, a tokenizer larger than the
// model's vocabulary, or a tokenizer other than the one the caller's ids were made with.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModelFolder, saveCheckpoint, sameTokenizer } from '../../lib/model/checkpoint.ts';
import { presetConfig } from '../../lib/model/config.ts';
import { Model } from '../../lib/model/model.ts';
import { buildWorldTokenizer, loadTokenizer } from '../../lib/tokenizer/index.ts';
import { useGpu } from '../helpers/gpu.ts';

const { ctx } = useGpu();
const tmp = mkdtempSync(join(tmpdir(), 'vggm-folder-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const ours = loadTokenizer(buildWorldTokenizer(['Problem: 2 + 3 = ?', 'so 2 + 3 = 5. Wait! \\boxed{5}']));
const other = loadTokenizer(buildWorldTokenizer(['Problem: 7 * 8 = ?', 'then 7 * 8 = 56, \\boxed{56}']));
const config = { ...presetConfig('qwen-like', 'tiny', 64), context: 16 };

async function folder(name: string, tokenizer?: object, vocab = 64): Promise<string> {
  const dir = join(tmp, name);
  const c = { ...config, vocab };
  await saveCheckpoint(dir, { config: c, params: Model.init(ctx(), c, 2).params, tokenizer: tokenizer ? { json: tokenizer } : undefined });
  return dir;
}

describe('loadModelFolder', () => {
  it('gives the model with the tokenizer saved beside it, and checks it against the caller’s', async () => {
    const dir = await folder('ok', ours.json);
    const { model, tokenizer } = loadModelFolder(ctx(), dir);
    expect(sameTokenizer(tokenizer, ours)).toBe(true);
    expect(sameTokenizer(tokenizer, other)).toBe(false);
    const text = 'so 2 + 3 = 5. Wait!';
    expect(tokenizer.encode(text).ids).toEqual(ours.encode(text).ids);
    const ids = Uint32Array.from(tokenizer.encode(text).ids);
    const want = await Model.init(ctx(), config, 2).score({ batch: 1, seqLen: ids.length, ids });
    expect((await model.score({ batch: 1, seqLen: ids.length, ids })).logits).toEqual(want.logits);
    expect(() => loadModelFolder(ctx(), dir, ours)).not.toThrow();
    expect(() => loadModelFolder(ctx(), dir, other)).toThrow(/^model folder \S+ok: its tokenizer\.json is not the tokenizer its inputs are encoded with \(the data's\)$/);
  });

  it('refuses a folder without a tokenizer, or with one larger than the vocabulary', async () => {
    expect(() => loadModelFolder(ctx(), join(tmp, 'none'))).toThrow(/config\.json not found/);
    const bare = await folder('bare');
    expect(() => loadModelFolder(ctx(), bare)).toThrow(/^model folder \S+bare: tokenizer\.json not found/);
    const small = await folder('small', ours.json, 8);
    expect(() => loadModelFolder(ctx(), small)).toThrow(new RegExp(`tokenizer has ${ours.vocabSize} tokens but the model's vocabulary is 8$`));
  });
});
