// The shapes tokenizers share: tokenizer.json as we read and write it, an encoding with character
// offsets, and the loaded tokenizer's interface (word-level in index.ts, byte-level BPE in bpe.ts).

export interface AddedTokenJson {
  id: number;
  content: string;
  single_word: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
  special: boolean;
}

export interface ByteLevelBpeJson {
  version: string;
  truncation: null;
  padding: null;
  added_tokens: AddedTokenJson[];
  normalizer: { type: 'NFC' } | null;
  pre_tokenizer: Record<string, unknown>;
  post_processor: Record<string, unknown> | null;
  decoder: { type: 'ByteLevel'; [k: string]: unknown };
  model: {
    type: 'BPE';
    dropout: null;
    unk_token: null;
    continuing_subword_prefix: null;
    end_of_word_suffix: null;
    fuse_unk: false;
    byte_fallback: false;
    ignore_merges: boolean;
    vocab: Record<string, number>;
    merges: string[] | [string, string][];
  };
}

export interface TokenizerJson {
  version: string;
  truncation: null;
  padding: null;
  added_tokens: { id: number; content: string; single_word: boolean; lstrip: boolean; rstrip: boolean; normalized: boolean; special: boolean }[];
  normalizer: null;
  pre_tokenizer: { type: 'Split'; pattern: { Regex: string }; behavior: 'Isolated'; invert: false };
  post_processor: null;
  decoder: { type: 'Fuse' };
  model: { type: 'WordLevel'; vocab: Record<string, number>; unk_token: string };
}

export interface Encoding {
  ids: number[];
  /** [start, end) of each token in the input text (UTF-16 code units). */
  offsets: [number, number][];
}

export interface LoadedTokenizer {
  encode(text: string): Encoding;
  /** Concatenates the tokens' strings; special tokens are dropped unless keepSpecial. */
  decode(ids: readonly number[], opts?: { keepSpecial?: boolean }): string;
  vocabSize: number;
  padId: number;
  unkId: number;
  eosId: number;
  bosId?: number;
  /** The token's text (byte-level BPE: its bytes decoded as UTF-8). */
  idToToken(id: number): string | undefined;
  tokenToId(token: string): number | undefined;
  json: TokenizerJson | ByteLevelBpeJson;
}
