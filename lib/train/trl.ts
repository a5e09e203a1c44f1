// A method's training data as TRL data. VGGM is completion-only SFT with the seen-but-not-learned prefix moved into the
// prompt: TRL's SFTTrainer on a prompt/completion dataset learns exactly the completion's tokens
// (completion_mask = tokens after those of the prompt) while still attending to the prompt. So a
// v=1 trace becomes prompt = trace prompt + response before T_last, completion = the rest; a method
// that drops the prefix (truncate) leaves it out of the prompt, one that learns it (sft) puts it in the
// completion. Which tokens go where comes from lib/train/weights.ts's traceLayout, not from here.
//
// The split is made at the START of the token that holds T_last, not at T_last itself: the world
// and byte-level tokenizers glue a leading space to a word (" Wait"), so cutting between the space
// and "Wait" would tokenise the prompt's trailing space on its own and shift every learned position.
// The completion ends with the EOS token's text (TRL appends it only when missing; a Hugging Face
// tokenizer parses it back into the EOS id), and the prompt starts with the BOS text when our
// encoding adds a BOS and the tokenizer.json's post-processor would not. test/train/trl.test.ts
// checks that the learned token positions agree in both forms.
import { tracePrompt } from '../data/prompts.ts';
import type { Example } from '../data/types.ts';
import type { LoadedTokenizer } from '../tokenizer/index.ts';
import { encodeTrace, traceLayout, type Method } from './weights.ts';

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

/** One example in TRL's prompt/completion form under a method: the response text the method keeps
 *  but does not learn goes into the prompt, the learned rest into the completion. */
export function toPromptCompletion(tok: LoadedTokenizer, ex: Example, method: Method): PromptCompletion {
  const bos = tok.bosId !== undefined && !postProcessorAddsBos(tok) ? tok.idToToken(tok.bosId)! : '';
  const eos = tok.idToToken(tok.eosId)!;
  const enc = encodeTrace(tok, ex);
  const { dropped, learnFrom } = traceLayout(method, enc);
  // A response token's position -> the character offset where it starts (a token boundary).
  const offsets = tok.encode(ex.response).offsets;
  const charAt = (token: number) => (token === enc.responseStart ? 0 : offsets[token - enc.responseStart][0]);
  const seenFrom = dropped ? charAt(dropped.end) : 0;
  const cut = charAt(learnFrom);
  return { id: ex.id, prompt: bos + tracePrompt(ex.problem) + ex.response.slice(seenFrom, cut), completion: ex.response.slice(cut) + eos, v: ex.v };
}

/** Plain SFT as chat messages (for trainers that apply the model's chat template). */
export function toMessages(ex: Example): Messages {
  return {
    id: ex.id,
    messages: [
      { role: 'user', content: tracePrompt(ex.problem) },
      { role: 'assistant', content: ex.response },
    ],
  };
}
