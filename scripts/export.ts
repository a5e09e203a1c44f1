// Export the segmented SFT data for an existing distributed trainer (TRL with accelerate or
// DeepSpeed), for users who outgrow WebGPU. VGGM is completion-only SFT with the seen-but-not-
// learned prefix moved into the prompt (lib/train/trl.ts), so TRL's SFTTrainer runs the same method
// unchanged. Writes <out>/trl-<method>-<scale>/:
//   train.jsonl            {"id","prompt","completion","v"} per SFT example (sft_v1 + sft_v0 splits)
//   messages.jsonl         {"id","messages":[user, assistant]}: plain SFT for chat-template trainers
//   tokenizer.json         the data folder's tokenizer (same ids as our training)
//   tokenizer_config.json  its bos/eos/pad/unk tokens, so AutoTokenizer.from_pretrained(folder) works
// See docs/trl.md for the recipe.
//
//   npx tsx scripts/export.ts --format trl --method vggm --scale cpu
import { join } from 'node:path';
import { toMessages, toPromptCompletion } from '../lib/train/trl.ts';
import { writeJsonl } from '../lib/data/jsonl.ts';
import { loadData } from '../lib/train/data.ts';
import { METHODS, type Method } from '../lib/train/weights.ts';
import { writeFileAtomic, writeJsonAtomic } from '../lib/util/atomic.ts';
import { parseCli, runMain, UsageError } from '../lib/util/cli.ts';

async function main(): Promise<void> {
  const args = await parseCli({ name: 'export', describe: 'Export the SFT splits as TRL prompt/completion JSONL (and chat messages JSONL) with the tokenizer.' }, (y) =>
    y
      .option('format', { choices: ['trl'] as const, default: 'trl' as const, describe: 'trl: prompt/completion JSONL for TRL SFTTrainer (completion-only loss)' })
      .option('method', {
        choices: METHODS,
        default: 'vggm' as Method,
        describe: 'vggm: prefix before T_last moved into the prompt; sft: whole response learned; truncate: prefix dropped',
      })
      .option('data', { type: 'string', describe: 'data folder written by scripts/data.ts (default: the world for --scale and --world-seed)' })
      .option('world-seed', { type: 'number', default: 1, describe: 'seed of the generated world' }),
  );
  const ds = loadData(args.scale, args['world-seed'], args.data);
  const examples = ds.pool.filter((e) => e.split === 'sft_v1' || e.split === 'sft_v0');
  if (!examples.length) throw new UsageError(`${ds.dir}: no SFT examples (splits sft_v1/sft_v0) to export`);
  const dir = join(args.out, `${args.format}-${args.method}-${args.scale}`);
  const tok = ds.tokenizer;
  const records = examples.map((e) => toPromptCompletion(tok, e, args.method));
  writeJsonl(join(dir, 'train.jsonl'), records);
  writeJsonl(join(dir, 'messages.jsonl'), examples.map(toMessages));
  writeFileAtomic(join(dir, 'tokenizer.json'), JSON.stringify(tok.json));
  const name = (id: number | undefined) => (id === undefined || id < 0 ? null : (tok.idToToken(id) ?? null));
  writeJsonAtomic(join(dir, 'tokenizer_config.json'), {
    tokenizer_class: 'PreTrainedTokenizerFast',
    bos_token: name(tok.bosId),
    eos_token: name(tok.eosId),
    pad_token: name(tok.padId),
    unk_token: name(tok.unkId),
    add_bos_token: false,
    add_eos_token: false,
    clean_up_tokenization_spaces: false,
    model_max_length: 1_000_000,
  });
  const v1 = records.filter((r) => r.v === 1).length;
  console.log(`export: ${records.length} examples (${v1} v=1, ${records.length - v1} v=0), method ${args.method} -> ${dir}`);
}

await runMain(main);
