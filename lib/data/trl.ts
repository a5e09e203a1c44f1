// VGGM as TRL data. VGGM is completion-only SFT with the seen-but-not-learned prefix moved into the
// prompt: TRL's SFTTrainer on a prompt/completion dataset learns exactly the completion's tokens
// (completion_mask = tokens after those of the prompt) while still attending to the prompt. So a
// v=1 trace becomes prompt = trace prompt + response before T_last, completion = the rest.
//
// The split is made at the START of the token that holds T_last, not at T_last itself: the world
// and byte-level tokenizers glue a leading space to a word (" Wait"), so cutting between the space
// and "Wait" would tokenise the prompt's trailing space on its own and shift every learned position.
// The completion ends with the EOS token's text (TRL appends it only when missing; a Hugging Face
// tokenizer parses it back into the EOS id), and the prompt starts with the BOS text when our
// encoding adds a BOS and the tokenizer.json's post-processor would not. test/data/trl.test.ts
// checks that the learned token positions agree in both forms.
import type { LoadedTokenizer } from '../tokenizer/index.ts';
import { encodeExample } from './encode.ts';
import { tracePrompt } from './prompts.ts';
import type { Example } from './types.ts';

export type TrlMethod = 'sft' | 'vggm' | 'truncate';

export interface PromptCompletion {
  id: string;
  prompt: string;
  completion: string;
  v: 0 | 1;
}

export interface Messages {
  id: string;
  messages: { role: 'user' | 'assistant'; content: string }[];
}

/** True when the tokenizer.json's post-processor inserts the BOS itself (Llama 3's TemplateProcessing). */
function postProcessorAddsBos(tok: LoadedTokenizer): boolean {
  const pp = (tok.json as { post_processor?: unknown }).post_processor;
  return tok.bosId !== undefined && pp != null && JSON.stringify(pp).includes(JSON.stringify(tok.idToToken(tok.bosId)));
}

/** Where the learned part of a response starts, as a character offset at a token boundary. */
export function learnedStart(tok: LoadedTokenizer, ex: Pick<Example, 'problem' | 'response' | 'tLast' | 'v'>): number {
  if (ex.v !== 1 || ex.tLast === null) return 0;
  const enc = encodeExample(tok, tracePrompt(ex.problem), ex.response, ex.tLast);
  const r = tok.encode(ex.response);
  return r.offsets[enc.tLastToken! - enc.promptLen][0];
}

/** One example in TRL's prompt/completion form under a method (sft, vggm or truncate). */
export function toPromptCompletion(tok: LoadedTokenizer, ex: Example, method: TrlMethod): PromptCompletion {
  const bos = tok.bosId !== undefined && !postProcessorAddsBos(tok) ? tok.idToToken(tok.bosId)! : '';
  const eos = tok.idToToken(tok.eosId)!;
  const prompt = bos + tracePrompt(ex.problem);
  const cut = method === 'sft' ? 0 : learnedStart(tok, ex);
  const completion = ex.response.slice(cut) + eos;
  // vggm: the prefix is seen (in the prompt); truncate: it is dropped from the input altogether.
  return { id: ex.id, prompt: method === 'vggm' ? prompt + ex.response.slice(0, cut) : prompt, completion, v: ex.v };
}

/** Plain SFT as chat messages (for trainers that apply the model's chat template). */
export function toMessages(ex: Example): Messages {
  return { id: ex.id, messages: [{ role: 'user', content: tracePrompt(ex.problem) }, { role: 'assistant', content: ex.response }] };
}
