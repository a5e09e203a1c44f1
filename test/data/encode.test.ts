import { describe, expect, it } from 'vitest';
import { charToToken, encodeExample } from '../../lib/data/encode.ts';
import { tracePrompt } from '../../lib/data/prompts.ts';
import { buildWorldTokenizer, loadTokenizer } from '../../lib/tokenizer/index.ts';

const response = 'a = 3 + 9 = 2. So the answer is 2. Wait! 3 + 9 = 12, not 2. The answer is \\boxed{12}.';
const prompt = tracePrompt('Let a = 3 + 9. What is a?');
const tok = loadTokenizer(buildWorldTokenizer([prompt, response]));

describe('charToToken', () => {
  const offsets: [number, number][] = [[0, 1], [1, 5], [5, 6], [8, 10]]; // a gap at 6..8
  it('maps a token start, a token middle and a token end-1 to that token', () => {
    expect(charToToken(offsets, 1)).toBe(1);
    expect(charToToken(offsets, 3)).toBe(1);
    expect(charToToken(offsets, 4)).toBe(1);
    expect(charToToken(offsets, 5)).toBe(2);
  });
  it('maps a gap to the next token and the text end to the eos slot', () => {
    expect(charToToken(offsets, 6)).toBe(3);
    expect(charToToken(offsets, 10)).toBe(4);
    expect(() => charToToken(offsets, 11)).toThrow(/past the end/);
    expect(() => charToToken(offsets, -1)).toThrow();
  });
});

describe('encodeExample', () => {
  const tLast = response.indexOf('Wait!');
  const enc = encodeExample(tok, prompt, response, tLast);

  it('puts bos, prompt, response, eos in order with the right boundaries', () => {
    expect(enc.ids[0]).toBe(tok.bosId);
    expect(enc.ids[enc.eos]).toBe(tok.eosId);
    expect(enc.eos).toBe(enc.ids.length - 1);
    expect(tok.decode(enc.ids.slice(1, enc.promptLen))).toBe(prompt);
    expect(tok.decode(enc.ids.slice(enc.responseStart, enc.eos))).toBe(response);
  });

  it('points tLastToken at the token that holds the "W" of "Wait!"', () => {
    expect(tok.idToToken(enc.ids[enc.tLastToken!])).toBe(' Wait');
    // Everything before it decodes to exactly the response text before T_last minus the space
    // the trigger token carries.
    expect(tok.decode(enc.ids.slice(enc.responseStart, enc.tLastToken!))).toBe(response.slice(0, tLast - 1));
  });

  it('handles T_last at the very first response character', () => {
    const r = 'Wait! 3 + 9 = 12.';
    const e = encodeExample(tok, prompt, r, 0);
    expect(e.tLastToken).toBe(e.responseStart);
  });

  it('gives the same ids as encoding prompt and response together', () => {
    expect(enc.ids.slice(1, enc.eos)).toEqual(tok.encode(prompt + response).ids);
  });

  it('rejects a T_last outside the response and works without bos', () => {
    expect(() => encodeExample(tok, prompt, response, response.length)).toThrow(/outside/);
    const e = encodeExample(tok, prompt, response, null, { bos: false });
    expect(e.ids[0]).not.toBe(tok.bosId);
    expect(e.tLastToken).toBeNull();
  });
});
