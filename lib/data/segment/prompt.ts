// The instruction given to a language-model labeller (the paper had Claude-3.5-Sonnet find the final
// verification of each OpenR1-Math trace and insert "Wait!" there). Written out, with the reasons
// for each clause, in docs/labelling.md; `data.ts label-export` writes one filled-in prompt per trace.

export const LABEL_PROMPT_VERSION = '1';

export const LABEL_PROMPT = `You are labelling a math reasoning trace written by DeepSeek-R1 for training data.

Task: find the FINAL VERIFICATION segment of the trace, if it has one.

Definitions:
- A verification segment is a stretch where the writer checks or re-derives a result it already
  reached: re-computing, substituting the answer back into the problem, checking a condition,
  solving again by another method, "let me double-check", "to confirm", "verify".
- The FINAL verification segment is the last such check that runs on to the final answer without
  the answer changing afterwards. It starts at its FIRST cue: if the check begins with "Wait, let
  me double-check." and later says "Let me verify once more.", it starts at "Wait, let me
  double-check.".
- NOT verification: correcting a slip in the middle of working ("Wait, no, that should be 12."),
  hedges while exploring ("Wait, maybe I should try x = 2.", "Hmm, this is just a rough idea."),
  re-reading the problem before any result is reached.
- If the trace has no such check (it reaches the answer and stops), answer v = 0.

Answer with ONE line of JSON and nothing else:
{"v": 1, "t_last_sentence": "<the exact first sentence of the final verification, copied verbatim from the trace>"}
or
{"v": 0}

Problem:
<<PROBLEM>>

Trace:
<<TRACE>>`;

/** The prompt for one trace. */
export function labelPrompt(problem: string, trace: string): string {
  return LABEL_PROMPT.replace('<<PROBLEM>>', () => problem).replace('<<TRACE>>', () => trace);
}
