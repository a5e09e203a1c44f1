// tokenizer_config.json for a saved folder, made from its tokenizer.json, so that transformers'
// and transformers.js's AutoTokenizer open the folder: the generic fast tokenizer class (it reads
// everything from tokenizer.json), every added token with its flags, and the bos/eos/pad/unk
// tokens the tokenizer resolved. A source folder's own tokenizer_config.json (with its chat
// template) is kept instead where there is one (lib/model/checkpoint.ts).
import type { AddedTokenJson, LoadedTokenizer } from './types.ts';

export function hfTokenizerConfig(json: { added_tokens?: AddedTokenJson[] }, tok: LoadedTokenizer, maxLength: number): Record<string, unknown> {
  const decoderEntries = (json.added_tokens ?? []).map((t) => [
    String(t.id),
    { content: t.content, lstrip: t.lstrip, normalized: t.normalized, rstrip: t.rstrip, single_word: t.single_word, special: t.special },
  ]);
  const name = (id: number | undefined): string | null => (id === undefined || id < 0 ? null : (tok.idToToken(id) ?? null));
  return {
    tokenizer_class: 'PreTrainedTokenizerFast',
    added_tokens_decoder: Object.fromEntries(decoderEntries),
    bos_token: name(tok.bosId),
    eos_token: name(tok.eosId),
    pad_token: name(tok.padId),
    unk_token: name(tok.unkId),
    model_max_length: maxLength,
    clean_up_tokenization_spaces: false,
  };
}
