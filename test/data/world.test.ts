import { describe, expect, it } from 'vitest';
import { datasetTexts } from '../../lib/data/dataset.ts';
import { encodeExample } from '../../lib/data/encode.ts';
import { lastBoxed, tracePrompt } from '../../lib/data/prompts.ts';
import { findCues } from '../../lib/data/segment/rules.ts';
import { splitCounts } from '../../lib/data/split.ts';
import { buildWorldTokenizer, countWorldTokens, loadTokenizer } from '../../lib/tokenizer/index.ts';
import { SCALES, TIERS, WORLD_CONFIG } from '../../lib/data/world/config.ts';
import { generateWorld, type World } from '../../lib/data/world/generate.ts';
import { ANSWER_SENTENCE_LEAD } from '../../lib/data/world/teacher.ts';
import { tracePairs } from './world-pairs.ts';

// An independent solver that reads the problem TEXT (not the generator's program), so a wrong
// gold answer or a text that says something else than was computed fails the test.
function gcd(a: number, b: number): number { return b ? gcd(b, a % b) : Math.abs(a); }
function frac(n: number, d: number): string { const g = gcd(n, d); return d / g === 1 ? `${n / g}` : `${n / g}/${d / g}`; }
function solve(text: string): string {
  let m;
  if ((m = /^Solve for x: (\d+)x \+ (\d+) = (\d+)\.$/.exec(text))) return frac(+m[3] - +m[2], +m[1]);
  if ((m = /^Compute (\d+)\/(\d+) \+ (\d+)\/(\d+)\.$/.exec(text))) return frac(+m[1] * +m[4] + +m[3] * +m[2], +m[2] * +m[4]);
  if ((m = /^What is (\d+)% of (\d+)\?$/.exec(text))) return frac(+m[1] * +m[2], 100);
  if (text.startsWith('Let ')) {
    const env: Record<string, [number, number]> = {};
    const val = (s: string): [number, number] => (/^\d+$/.test(s) ? [+s, 1] : env[s]);
    for (const [, v, a, op, b] of text.matchAll(/Let (\w) = (\w+) (\+|-|\\times|\/) (\w+)\./g)) {
      const [x, y] = [val(a), val(b)];
      env[v] = op === '+' ? [x[0] * y[1] + y[0] * x[1], x[1] * y[1]] : op === '-' ? [x[0] * y[1] - y[0] * x[1], x[1] * y[1]]
        : op === '\\times' ? [x[0] * y[0], x[1] * y[1]] : [x[0] * y[1], x[1] * y[0]];
    }
    const [n, d] = env[/What is (\w)\?/.exec(text)![1]];
    return frac(n, d);
  }
  let cur = +/has (\d+) /.exec(text)![1];
  for (const s of text.split(/(?<=\.) /).slice(1)) {
    if ((m = /(?:buys|finds|gives \w+) (\d+) more/.exec(s))) cur += +m[1];
    else if ((m = /(?:gives|loses|sells) (\d+) /.exec(s))) cur -= +m[1];
    else if ((m = /becomes (\d+) times/.exec(s))) cur *= +m[1];
    else if ((m = /among (\d+) friends/.exec(s))) cur /= +m[1];
  }
  return `${cur}`;
}

describe('the synthetic teacher world (smoke scale)', () => {
  const w = generateWorld({ seed: 7, scale: 'smoke' });
  let cpuWorld: World | undefined;
  const cpu = () => (cpuWorld ??= generateWorld({ seed: 7, scale: 'cpu' }));

  it('is deterministic in the seed', () => {
    const again = generateWorld({ seed: 7, scale: 'smoke' });
    expect(JSON.stringify(again)).toBe(JSON.stringify(w));
    expect(JSON.stringify(generateWorld({ seed: 8, scale: 'smoke' }).pool)).not.toBe(JSON.stringify(w.pool));
  });

  it('gold answers match an independent solver, and every trace boxes the gold answer', () => {
    for (const e of w.pool) {
      expect(solve(e.problem), e.problem).toBe(e.answer);
      expect(lastBoxed(e.raw)).toBe(e.answer);
      expect(lastBoxed(e.response)).toBe(e.answer);
    }
    for (const p of w.eval) expect(solve(p.problem), p.problem).toBe(p.answer);
    for (const b of w.base) if (b.tier !== 'drill') expect(solve(b.problem), b.problem).toBe(b.answer);
  });

  it('has about 90% verified traces, all three tiers, several slip kinds', () => {
    const v = w.pool.filter((e) => e.truth!.v === 1).length / w.pool.length;
    expect(v).toBeGreaterThan(0.85);
    expect(v).toBeLessThan(0.95);
    expect(new Set(w.pool.map((e) => e.tier))).toEqual(new Set(['gsm8k', 'math', 'amc23']));
    const kinds = new Set(w.pool.map((e) => e.truth!.slip?.kind).filter(Boolean));
    for (const k of ['fact', 'carry', 'borrow', 'sign']) expect(kinds).toContain(k);
  });

  it('keeps truth consistent with the text: the slip is written, propagates, and is corrected after the cue', () => {
    let propagated = 0;
    for (const e of w.pool) {
      const t = e.truth!;
      if (t.v === 0) {
        expect(t.tLast).toBeNull();
        expect(t.slip).toBeNull();
        continue;
      }
      expect(e.raw.slice(t.cue!.start, t.cue!.end)).toBe(t.cue!.text);
      expect(t.rewritten.startsWith('Wait!', t.tLast!)).toBe(true);
      if (!t.slip) continue;
      const slipSeg = t.segments.find((s) => s.kind === 'step' && s.step === t.slip!.step)!;
      expect(e.raw.slice(slipSeg.start, slipSeg.end)).toMatch(new RegExp(`= ${t.slip.wrong.replace('/', '\\/')}\\.$`));
      expect(slipSeg.end).toBeLessThanOrEqual(t.tLastRaw!);
      const correction = e.raw.slice(t.tLastRaw!);
      expect(correction).toContain(t.slip.right);
      if (t.segments.some((s) => s.kind === 'step' && s.wrong && s.step! > t.slip!.step)) propagated++;
      if (t.slip.kind === 'fact') {
        const f = WORLD_CONFIG.slips.wrongFacts.find((x) => `${x.wrong}` === t.slip!.wrong);
        expect(f, 'a fact slip is one of the catalogue\'s wrong facts').toBeDefined();
      }
    }
    expect(propagated).toBeGreaterThan(0);
  });

  it('fits the context, keeps eval problems out of training, and splits 12 : 8 : 9.848', () => {
    for (const e of w.pool) expect(countWorldTokens(tracePrompt(e.problem)) + countWorldTokens(e.response) + 2).toBeLessThanOrEqual(WORLD_CONFIG.maxTokens);
    const train = new Set([...w.pool.map((e) => e.meta!.key as string), ...w.base.map((b) => b.key)]);
    for (const p of w.eval) expect(train.has(p.key!)).toBe(false);
    expect(w.eval.filter((p) => p.tier === 'gsm8k').length).toBe(SCALES.smoke.eval.gsm8k);
    for (const p of w.dev) expect(train.has(p.key!)).toBe(false);
    const want = splitCounts(SCALES.smoke.unit);
    const count = (s: string) => w.pool.filter((e) => e.split === s).length;
    expect([count('sft_v1'), count('sft_v0'), count('grpo')]).toEqual([want.sft_v1, want.sft_v0, want.grpo]);
    expect(w.pool.filter((e) => e.split === 'sft_v1').every((e) => e.v === 1)).toBe(true);
    expect(w.pool.filter((e) => e.split === 'sft_v0').every((e) => e.v === 0)).toBe(true);
  });

  it('gives the Base corpus clean answers: correct equations, no verification, worked or terse by tier', () => {
    const big = cpu().base;
    // Every sentence "a op b = c" (drills, worked steps) is right.
    const simple = /^(\d+) (\+|-|\\times|\/) (\d+) = (\d+)\.?$/;
    const value = (a: number, op: string, b: number) => (op === '+' ? a + b : op === '-' ? a - b : op === '/' ? a / b : a * b);
    let checked = 0;
    for (const b of big) {
      expect(findCues(b.solution)).toEqual([]);
      expect(lastBoxed(b.solution)).toBe(b.answer);
      for (const sentence of b.solution.split('. ')) {
        const m = simple.exec(sentence);
        if (!m) continue;
        const [, a, op, c, v] = m;
        expect(value(+a, op, +c), b.solution).toBe(+v);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(big.length);
    const share = (tier: string) => {
      const of = big.filter((b) => b.tier === tier);
      return of.filter((b) => b.solution.split('. ').filter((x) => x.includes('=')).length > 1).length / of.length;
    };
    const drills = big.filter((b) => b.tier === 'drill');
    expect(drills.length / big.length).toBeCloseTo(WORLD_CONFIG.base.factDrillFraction, 1);
    for (const d of drills) expect(d.solution.split('=').length - 1).toBe(WORLD_CONFIG.base.factsPerDrill);
    // gsm8k: mostly worked step by step (several equation sentences); math: never (one sentence).
    expect(share('gsm8k')).toBeGreaterThan(WORLD_CONFIG.base.worked.gsm8k - 0.15);
    expect(share('math')).toBe(0);
  });

  it('has a development set of its own: the scale\'s sizes, distinct problems, none in eval, none in training', () => {
    for (const t of TIERS) expect(w.dev.filter((p) => p.tier === t).length).toBe(SCALES.smoke.dev[t]);
    const evalKeys = new Set(w.eval.map((p) => p.key));
    const devKeys = w.dev.map((p) => p.key);
    expect(new Set(devKeys).size).toBe(devKeys.length);
    for (const k of devKeys) expect(evalKeys.has(k)).toBe(false);
    for (const p of w.dev) expect(solve(p.problem), p.problem).toBe(p.answer);
    // at the cpu scale too, where the math tier's small problem space is the tightest
    const c = cpu();
    const held = new Set([...c.eval, ...c.dev].map((p) => p.key));
    expect(held.size).toBe(c.eval.length + c.dev.length);
    for (const k of [...c.pool.map((e) => e.meta!.key as string), ...c.base.map((b) => b.key!)]) expect(held.has(k)).toBe(false);
  });
});

// world-3's design rule (docs/world.md): every first pass ends with the same answer sentence, and a
// verification starts after it, so the context of VGGM's first learned token in a verified trace
// is exactly the context at which an unverified trace ends.
describe('world-3: the answer sentence comes before the verification cue', () => {
  const w = generateWorld({ seed: 5, scale: 'smoke' });
  const sentence = (x: string) => `${ANSWER_SENTENCE_LEAD}\\boxed{${x}}.`;
  const UNVERIFIED_END = /(?:^|[.!?] )So the answer is \\boxed\{[^{}]+\}\.$/;

  it('writes "So the answer is \\boxed{first-pass answer}." in every trace, and T_last one space after it', () => {
    let v0 = 0, v1 = 0, wrongFirst = 0;
    for (const e of w.pool) {
      const t = e.truth!;
      const s = sentence(t.firstPassAnswer!);
      const at = e.response.indexOf(s);
      expect(at, e.response).toBeGreaterThanOrEqual(0);
      // the first \\boxed of the response is the first pass's answer; the last is the gold answer
      expect(e.response.indexOf('\\boxed{')).toBe(at + ANSWER_SENTENCE_LEAD.length);
      expect(lastBoxed(e.response)).toBe(e.answer);
      if (e.v === 0) {
        v0++;
        expect(e.response.endsWith(s)).toBe(true);
        expect(e.response.match(/\\boxed\{/g)).toHaveLength(1);
        expect(t.firstPassAnswer).toBe(e.answer);
      } else {
        v1++;
        expect(e.tLast).toBe(at + s.length + 1);
        expect(e.response.slice(e.tLast!, e.tLast! + 5)).toBe('Wait!');
        expect(e.response.slice(0, e.tLast!)).toMatch(new RegExp(`${UNVERIFIED_END.source.slice(0, -1)} $`));
        if (t.firstPassAnswer !== e.answer) wrongFirst++;
      }
      // the segmenter (which never sees the truth) puts T_last where the teacher put the cue
      expect([e.v, e.tLast]).toEqual([t.v, t.tLast]);
    }
    expect(v0).toBeGreaterThan(0);
    expect(v1).toBeGreaterThan(0);
    // slips reach the first pass's answer: a verified trace often boxes a wrong answer first
    expect(wrongFirst).toBeGreaterThan(0);
  });

  it('in tokens, the context of the first learned token of a v=1 trace is an unverified trace without its EOS', () => {
    const tok = loadTokenizer(buildWorldTokenizer(datasetTexts(w.pool, w.eval, w.base)));
    let checked = 0;
    for (const e of w.pool) {
      if (e.v !== 1) continue;
      const prompt = tracePrompt(e.problem);
      const firstPass = e.response.slice(0, e.tLast!).trimEnd();
      expect(firstPass).toMatch(UNVERIFIED_END);
      const verified = encodeExample(tok, prompt, e.response, e.tLast);
      const unverified = encodeExample(tok, prompt, firstPass, null);
      // the context up to T_last is token for token the unverified trace, which ends with EOS there
      expect(verified.ids.slice(0, verified.tLastToken!)).toEqual(unverified.ids.slice(0, unverified.eos));
      expect(tok.decode([verified.ids[verified.tLastToken!]]).trim()).toBe('Wait');
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
    // and the real unverified traces end the same way
    for (const e of w.pool.filter((x) => x.v === 0)) expect(e.response).toMatch(UNVERIFIED_END);
  });

  it('a verified and an unverified trace of the same first pass share everything before "Wait!"', () => {
    let withEarly = 0, compared = 0;
    for (const { verified, unverified } of tracePairs(200)) {
      expect(unverified.truth.v).toBe(0);
      expect(verified.truth.v).toBe(1);
      if (verified.truth.segments.some((s) => s.kind === 'early_check')) {
        withEarly++; // an early re-check is written only in verified traces (docs/world.md)
        continue;
      }
      const tLast = verified.truth.tLast!;
      expect(verified.truth.rewritten.slice(0, tLast)).toBe(`${unverified.raw} `);
      compared++;
    }
    expect(compared).toBeGreaterThan(100);
    expect(withEarly).toBeGreaterThan(0);
  });
});
