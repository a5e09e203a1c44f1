import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LabelCache, labelTrace, ruleLabeller, type Labeller } from '../../lib/data/segment/labeller.ts';
import { parseLabelledSet } from '../../lib/data/segment/labelled.ts';
import { placeExternal } from '../../lib/data/openr1.ts';
import { classifySentence, detectVerification, findCues, locateLabel } from '../../lib/data/segment/rules.ts';
import { scoreLabels } from '../../lib/data/segment/score.ts';
import type { TraceTruth } from '../../lib/data/types.ts';
import { generateWorld } from '../../lib/data/world/generate.ts';

// Constructed R1-style traces, one per rule (written for these tests, not real R1 output; the
// file says which sentence opens each final check).
// real.jsonl holds real R1 traces with their source, license and a T_last judged by reading.
const FIXTURES = ['constructed.jsonl', 'real.jsonl'].flatMap((f) => readFileSync(join(import.meta.dirname, 'fixtures/r1', f), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; answer: string; trace: string; v: 0 | 1; tLastSentence: string | null }));
// Every labelled*.jsonl (OpenR1-Math-220k rows, R1-distilled math-rollouts, R1-Distill traces on
// MATH-500 and MATH problems; a new file is picked up by its name): real traces judged by reading;
// their agreement with the rules is measured in test/data/labelled.test.ts (held-out traces are
// not asserted one by one here).
const LABELLED_FILES = readdirSync(join(import.meta.dirname, 'fixtures/r1')).filter((f) => /^labelled.*\.jsonl$/.test(f)).sort();
const LABELLED = LABELLED_FILES.flatMap((f) => parseLabelledSet(readFileSync(join(import.meta.dirname, 'fixtures/r1', f), 'utf8'), f));

/** One clean trigger: one more "Wait!" than the raw text, never "Wait! ... wait", no lowercase tail. */
function expectCleanTrigger(raw: string, rewritten: string, tLast: number, id: string): void {
  const count = (t: string) => t.split('Wait!').length - 1;
  expect(count(rewritten), id).toBe(count(raw) + 1);
  expect(rewritten, id).not.toMatch(/Wait!\s*(?:[,.]\s*)?(?:but\s+|and\s+|so\s+)?wait\b/i);
  expect(rewritten, id).not.toMatch(/Wait!\s+[a-z]/);
  expect(rewritten.startsWith('Wait!', tLast), id).toBe(true);
}

describe('rule detector on R1-style text', () => {
  it.each(FIXTURES.map((f) => [f.id, f] as const))('%s: T_last at the first cue of the final check', (_, f) => {
    const d = detectVerification(f.trace, f.answer);
    expect(d.v).toBe(f.v);
    expect(d.tLast).toBe(f.tLastSentence === null ? null : f.trace.indexOf(f.tLastSentence));
  });

  it('every fixture rewrite has one clean trigger: never doubled, no lowercase tail, the cue words kept', () => {
    for (const f of [...FIXTURES, ...LABELLED]) {
      const d = detectVerification(f.trace, f.answer);
      if (d.v === 0) { expect(d.rewritten).toBe(f.trace); continue; }
      expectCleanTrigger(f.trace, d.rewritten, d.tLast!, f.id);
      // Only the interjection is replaced: the words after it are all still there.
      const rest = f.trace.slice(d.cue!.end).replace(/^\s*\w/, '');
      expect(d.rewritten.endsWith(rest), f.id).toBe(true);
    }
  });

  it('the reading labels of the labelled set rewrite cleanly too (one trigger at the judged sentence)', () => {
    expect(LABELLED.length).toBeGreaterThanOrEqual(80);
    for (const f of LABELLED) {
      const placed = placeExternal(f.trace, { v: f.v, tLast: f.tLastSentence });
      expect(placed, f.id).not.toBeNull();
      if (f.v === 0) continue;
      expect(placed!.tLast, f.id).toBe(f.trace.indexOf(f.tLastSentence!));
      expectCleanTrigger(f.trace, placed!.response, placed!.tLast!, f.id);
    }
  });

  it('rules@4: a doubted mistake is no correction; plain-text answers; the check\'s own interjection sentence; an empty \\boxed{} is no answer', () => {
    expect(classifySentence('Wait, but maybe I made a mistake in solving for x.')).not.toBe('correction');
    expect(classifySentence('I made a mistake in step 2.')).toBe('correction');
    expect(classifySentence('Wait, so is T 180 days?')).toBe('verify');
    expect(classifySentence('Hmm, so the answer is 33.')).toBe('plain');
    // "11√3" states 11\sqrt{3}, "-ln2" states -\ln 2: the check after the first statement is found.
    const sqrt = '<think>\nArea = (1/2)*22√3 = 11√3\n\nLet me check the calculation again. 7√3/2 + 15√3/2 = 11√3.\n</think>\n\\boxed{11\\sqrt{3}}';
    expect(detectVerification(sqrt).tLast).toBe(sqrt.indexOf('Let me check'));
    const ln = '<think>\nSo the limit is -ln2.\n\nWait, but hold on. Let me verify this again. 2^n - 1 ~ 2^n.\n\nSo the answer is -ln 2.\n</think>\n\\boxed{-\\ln 2}';
    const d = detectVerification(ln);
    expect(d.tLast).toBe(ln.indexOf('Wait, but hold on.'));
    expect(d.rewritten).toContain('Wait! But hold on. Let me verify this again.');
    // "Wait, so the area is 11√3. Let me check ..." is one check opened by its interjection.
    const own = '<think>\nArea = 11√3.\n\nWait, so the area is 11√3. Let me check the calculation again. 22√3/2 = 11√3.\n</think>\n\\boxed{11\\sqrt{3}}';
    const o = detectVerification(own);
    expect(o.tLast).toBe(own.indexOf('Wait, so the area'));
    expect(o.rewritten).toContain('Wait! So the area is 11√3. Let me check the calculation again.');
    // Mentioning the answer format is not a first pass with another answer.
    const fmt = '<think>\nSo x = 5. Let me verify: 3 * 5 = 15.\n\nThey want it within \\boxed{}, so x = 5.\n</think>\n\\boxed{5}';
    expect(detectVerification(fmt).tLast).toBe(fmt.indexOf('Let me verify'));
  });

  it('rules@5: slips inside a check that opens right after the answer do not restart it', () => {
    // Failure kind: restarting inside the check after its own slip remarks.
    const raw = '<think>\nSo 756 - 168 = 588.\n\nWait, is that all? Let me double-check my reasoning. The total is 756. Wait, no, that can\'t be right: the 168 must come off again. 756 - 168 = 588.\n\nHmm, let me check again. 588 + 168 = 756.\n</think>\n\\boxed{588}';
    const d = detectVerification(raw);
    expect(d.tLast).toBe(raw.indexOf('Wait, is that all?'));
    expect(d.rewritten).toContain('Wait! Is that all? Let me double-check my reasoning.');
    // Another value stated as the answer after the first statement: the check restarts as before.
    const changed = '<think>\nSo 756 - 168 = 588.\n\nLet me double-check. So the answer is 600. Wait, no, that can\'t be right. 756 - 168 = 588.\n\nHmm, let me check again. 588 + 168 = 756.\n</think>\n\\boxed{588}';
    expect(detectVerification(changed).tLast).toBe(changed.indexOf('Hmm, let me check again.'));
    // The world's slip comes before the answer's statement: unchanged.
    const slip = '<think>\n7 + 5 = 13. Wait, no. 7 + 5 = 12. So the perimeter is 24.\n\nHmm, let me check again. 12 * 2 = 24.\n</think>\n\\boxed{24}';
    expect(detectVerification(slip).tLast).toBe(slip.indexOf('Hmm, let me check again.'));
  });

  // Failure kind: no answer statement found. [name, trace, the sentence where the check begins]
  it.each([
    ['thousands separators', '<think>\nSo the total is 36,084.\n\nLet me verify: 36,000 + 84 = 36,084.\n\nSo the answer is 36,084.\n</think>\n\\boxed{36084}', 'Let me verify'],
    ['a signed fraction', '<think>\nSo p(5) = -31/75.\n\nLet me double-check: -34/3 + 1 = -31/3, and -31/3 / 25 = -31/75.\n</think>\n\\boxed{\\frac{-31}{75}}', 'Let me double-check'],
    ['"approximately"', '<think>\nSo the distance is sqrt(41), which is approximately 6.4 cm.\n\nLet me verify: 5^2 + 4^2 = 41.\n</think>\n\\boxed{6.4}', 'Let me verify'],
    ['a spaced slash', '<think>\nSo p(5) = -31 / 75.\n\nLet me double-check: -34/3 + 1 = -31/3, and -31/3 / 25 = -31/75.\n</think>\n\\boxed{-\\dfrac{31}{75}}', 'Let me double-check'],
    ['"indeed"', '<think>\nSo 6 times 64 is indeed 384.\n\nLet me verify: 64 * 6 = 384.\n</think>\n\\boxed{384}', 'Let me verify'],
  ])('rules@5: an answer statement with %s', (_, raw, cue) => {
    expect(detectVerification(raw).tLast).toBe(raw.indexOf(cue));
  });

  it('rules@5: an asserted approximate value in the answer\'s unit that does not round to it is another candidate answer; a supposed one is not', () => {
    // Failure kind: anchoring on an earlier value equal to the answer (the answer changes after it).
    const raw = '<think>\nSo the distance is sqrt(34) ≈ 5.830 cm, which rounds to 5.8 cm.\n\nBut wait, another layout. Then the distance is 14.422 * 0.5 ≈ 7.211 cm, approximately 7.2 cm.\n\nBut wait, each unit is 0.4 cm. So the distance is 14.422 * 0.4 ≈ 5.769 cm, which is approximately 5.8 cm.\n\nThis matches the earlier calculation with legs 5 cm and 3 cm.\n\nWait, but let me double-check. sqrt(25 + 9) ≈ 5.83.\n</think>\n\\boxed{5.8}';
    const d = detectVerification(raw);
    expect(d.tLast).toBe(raw.indexOf('This matches the earlier'));
    expect(d.rewritten).toContain('Wait! This matches the earlier calculation');
    // Only supposed ("Alternatively, if ..., it would be ..."): the first check stands.
    const supposed = raw.replace('But wait, another layout. Then the distance is', 'Alternatively, if the layout were different, the distance would be');
    expect(detectVerification(supposed).tLast).toBe(supposed.indexOf('But wait, each unit'));
    expect(classifySentence('This matches the earlier calculation.')).toBe('verify');
  });

  it('rules@5: "the answer is that ..." states no value, so it is no first pass with another answer', () => {
    // Failure kind: anchoring on the wrong statement (a later one, after a sentence taken for another answer).
    const raw = '<think>\nSo 6 * 64 = 384.\n\nLet me check that approach: 64 * 6 = 384.\n\nMaybe the answer is that the coefficient depends on c. But c is not in a^2b^2, so the coefficient is 384.\n\nWait, let me verify once more: 6 * 64 = 384.\n</think>\n\\boxed{384}';
    expect(detectVerification(raw).tLast).toBe(raw.indexOf('Let me check that approach'));
  });

  it('rules@5: a final "check" that computes nothing (method-preference talk) is no verification', () => {
    // Failure kind: method-preference talk taken as a check.
    const talk = '<think>\nSo p(5) = -31/75.\n\nBut let me verify this result with the first method. Earlier I got 7/36 for p(3) instead of 1/9, so the first method had an error. I think the second method is more reliable.\n</think>\n\\boxed{-\\frac{31}{75}}';
    expect(detectVerification(talk)).toMatchObject({ v: 0, tLast: null, rewritten: talk, method: 'none' });
    // The same announcement followed by a computation is a check.
    const check = talk.replace('Earlier I got', 'q(5) = -34/3, so p(5) = (-34/3 + 1) / 25 = -31/75. Earlier I got');
    expect(detectVerification(check).tLast).toBe(check.indexOf('But let me verify'));
  });

  it('rules@6: a check announced after the first words ("..., but let me make sure", "to make sure I didn\'t ...")', () => {
    expect(classifySentence('Hmm, that seems straightforward, but let me make sure I\'m not missing anything.')).toBe('verify');
    expect(classifySentence('Let me go through each step again to make sure I didn\'t make a mistake.')).toBe('verify');
    expect(classifySentence('Let me just recap to make sure I didn\'t make any mistakes in the algebra.')).toBe('verify');
    // Setting a condition checks nothing.
    expect(classifySentence('We have to make sure the denominator is not zero.')).toBe('plain');
    const raw = '<think>\nSo the total is 5 * 4 = 20 bits.\n\nHmm, that seems straightforward, but let me make sure I\'m not missing anything. 66666 has 5 digits, 5 * 4 = 20.\n</think>\n\\boxed{20}';
    expect(detectVerification(raw).tLast).toBe(raw.indexOf('Hmm, that seems'));
  });

  // Failure kinds: the answer's value met inside the derivation; no answer statement found.
  it.each([
    // A bulleted breakdown line holds the answer's value by coincidence: the check after the
    // difference is stated is the final one, not the one after the breakdown.
    ['a bulleted breakdown line is no statement of the answer', '<think>\nHundreds place:\n- 488 - 400 + 1 = 89 numbers.\n- Hundreds: 89\nTotal 4\'s = 48 + 50 + 89 = 187.\n\nWait, let me double-check that. 48 + 50 + 89 = 187.\n\nSo, the difference is 187 - 98 = 89.\n\nWait, that seems quite a large difference. Let me go through each step again to make sure I didn\'t make a mistake. 187 - 98 = 89.\n</think>\n\\boxed{89}', 'Wait, that seems quite a large difference.'],
    // An answer listing values is stated by a sentence stating all of them, in any order; a box
    // holding only one of them is not another answer.
    ['a list answer stated value by value', '<think>\nn = (-1 + 3)/2 = 1 and n = (-1 - 3)/2 = -2.\n\nSo, n = 1 and n = -2.\n\nWait, let me check if these satisfy f(n) = n. f(1) = (1 + 3 - 2)/2 = 1, f(-2) = (4 - 6 - 2)/2 = -2.\n\nThe integers are \\boxed{-2} and \\boxed{1}. Wait, no, the format is one box: \\boxed{-2, 1}.\n</think>\n\\boxed{-2, 1}', 'Wait, let me check if these'],
    // A decimal answer is stated by a longer value that rounds to it.
    ['a longer decimal that rounds to the answer', '<think>\nSo, r is this effective annual rate, which is approximately 6.183654%.\n\nBut let me confirm my calculation: 1.005^12 = 1.061836, so 1.061836 - 1 = 0.061836.\n\nSo, 6.1836% rounded to the nearest hundredth is 6.18%.\n\nWait, but let me check that again: 6.1836 rounds to 6.18.\n</think>\n\\boxed{6.18}', 'But let me confirm'],
    // "The final answer should be all integers inside a single box" states no value.
    ['talk about the answer\'s format that states no value', '<think>\nSo x = 5.\n\nWait, let me check: 3 * 5 = 15.\n\nThe final answer should be all integers in one box. Wait, no, just the number.\n</think>\n\\boxed{5}', 'Wait, let me check'],
  ])('rules@6: %s', (_, raw, cue) => {
    const d = detectVerification(raw);
    expect(d.v).toBe(1);
    expect(d.tLast).toBe(raw.indexOf(cue));
  });

  // rules@7, failure kind: no sentence states the boxed answer in a form the rules matched. The
  // project's grader (lib/eval/answer.ts isEquivalent) decides whether a value after "is", "=",
  // "be", ":" ... is the answer.
  it.each([
    ['a tuple', '<think>\nSo, x = 13/5 and y = 23/5.\n\nTherefore, the point is (13/5, 23/5, 0).\n\nWait, let me double-check: 3 + 2 * (-1/5) = 13/5.\n</think>\n\\boxed{\\left( \\frac{13}{5}, \\frac{23}{5}, 0 \\right)}', 'Wait, let me double-check'],
    ['an interval in LaTeX', '<think>\nSo, the intersection is \\( (\\frac{8}{3}, 3] \\).\n\nWait, let me check x = 2.8: 2.8 - 1 = 1.8.\n</think>\n\\boxed{(\\tfrac83, 3]}', 'Wait, let me check'],
    ['a pmatrix column written as a list', '<think>\nSo, the projection would be [18/5, -9/5]. Let me double-check that: 3 + 3/5 = 18/5.\n</think>\n\\boxed{\\begin{pmatrix} \\frac{18}{5} \\\\ -\\frac{9}{5} \\end{pmatrix}}', 'Let me double-check that'],
    ['a fraction spelled with "divided by" and thousands separators', '<think>\nSo, the total is 29,322,216.\n\nTherefore, the probability of winning is 1 divided by 29,322,216.\n\nLet me check my calculations: 27 * 1,086,008 = 29,322,216.\n</think>\n\\boxed{\\dfrac{1}{29,\\!322,\\!216}}', 'Let me check my calculations'],
    // A division still to be done ("6000 / 750") or an operation ("3 * 4") is no statement of
    // the answer: the check after the value itself is the final one.
    ['not an unreduced fraction or an operation', '<think>\nSo, P = 6000 / 750.\n\nHmm, let me compute this. 750 * 8 = 6000, so P = 8.\n\nWait, let me double-check: 8 * 750 = 6000.\n</think>\n\\boxed{8}', 'Wait, let me double-check'],
  ])('rules@7: the grader finds the answer stated as %s', (_, raw, cue) => {
    const d = detectVerification(raw);
    expect(d.v).toBe(1);
    expect(d.tLast).toBe(raw.indexOf(cue));
  });

  it('rules@7: a dollar answer (\\$1.17) is stated as "$1.17" and by a longer value that rounds to it', () => {
    const raw = '<think>\nAdd 0.8333: 0.3333 + 0.8333 = 1.1666\n\nSo, the expected value is approximately $1.1666.\n\nBut let me verify my calculations to make sure I didn\'t make a mistake. (-3 + 2 + 3 + 5) / 6 = 7/6.\n\n7 divided by 6 is approximately 1.1667, which is $1.17 when rounded.\n\nWait, but let me double-check that sum: -3 + 2 + 3 + 5 = 7.\n</think>\n\\boxed{\\$1.17}';
    expect(detectVerification(raw).tLast).toBe(raw.indexOf('But let me verify'));
  });

  it('rules@7: an interjection doubting the result\'s size or ease opens a check; "that seems right" concludes', () => {
    expect(classifySentence('Wait, that seems really low, but considering the number of possible combinations, it makes sense.')).toBe('verify');
    expect(classifySentence('But wait, that seems too straightforward.')).toBe('verify');
    expect(classifySentence('Wait, that seems a bit high.')).toBe('verify');
    expect(classifySentence('Wait, that seems right.')).toBe('plain');
    const raw = '<think>\nSo, the probability is 1/56.\n\nWait, that seems really low, but it makes sense.\n\nLet me check my calculations again: 8 * 7 = 56.\n</think>\n\\boxed{\\frac{1}{56}}';
    expect(detectVerification(raw).tLast).toBe(raw.indexOf('Wait, that seems really low'));
  });

  it('rules@7: an interjection asking whether the result misses a case checks it; asking for a better way explores', () => {
    expect(classifySentence('But hold on, is there a possibility that in a leap year, she might walk one more time?')).toBe('verify');
    expect(classifySentence('Wait, is there a better way to do this?')).toBe('hedge');
    // With the check opening right after the answer, its own slip remark does not restart it.
    const raw = '<think>\nLet me calculate that: 9 * 4 = 36 miles.\n\nBut hold on, is there a possibility that in a leap year, she might walk one more time? 29 / 3 is about 9.67, so still 9 walks.\n\nWait, no, day 28 is not a walk day. 9 * 4 = 36.\n</think>\n\\boxed{36}';
    expect(detectVerification(raw).tLast).toBe(raw.indexOf('But hold on'));
  });

  it('rules@7: "Wait a second," is an interjection: "Wait a second, let me verify that." opens a check and rewrites to "Wait! Let me verify that."', () => {
    expect(classifySentence('Wait a second, let me verify that.')).toBe('verify');
    const raw = '<think>\nSo, the result of 10 divided by 2/3 is 15.\n\nWait a second, let me verify that. 15 * 2/3 = 10.\n\nWait, no. Let me clarify: 10 * 3/2 = 15.\n</think>\n\\boxed{15}';
    const d = detectVerification(raw);
    expect(d.tLast).toBe(raw.indexOf('Wait a second'));
    expect(d.rewritten).toContain('Wait! Let me verify that.');
  });

  it('rules@7: a check that reduces a fraction in words ("16/36 simplifies to 4/9") computes', () => {
    const raw = '<think>\nSo, the probability is 4/9.\n\nWait, let me double-check my calculations to make sure I didn\'t make a mistake. Red combinations: 10, blue: 6, total same color: 16. 16/36 simplifies to 4/9.\n</think>\n\\boxed{\\frac{4}{9}}';
    expect(detectVerification(raw)).toMatchObject({ v: 1, tLast: raw.indexOf('Wait, let me double-check') });
  });

  // rules@8, failure kind: a value equal to the answer met inside an expression before the answer
  // is reached ("k = n - 1", "= 1 - x^2 / (1 - x^2)") was taken for its statement, and the check
  // of that intermediate step for the final one.
  it.each([
    ['a difference', '<think>\nSubstituting k = n - 1 into the formula, the denominator becomes (n - 1)! times (n - (n - 1))!.\n\nWait, let me make sure I did that correctly: n - (n - 1) = 1.\n\nSo, the binomial coefficient is n.\n\nLet me check this with n = 5: 5! / (4! 1!) = 120 / 24 = 5.\n</think>\n\\boxed{n}', 'Let me check this with n = 5'],
    ['a power', '<think>\nBy Fermat, 3^(13-1) = 3^12 is congruent to 1.\n\nWait, let me make sure: 12 * 166 = 1992.\n\nSo the remainder is 3.\n\nLet me double-check: 3^3 = 27 = 2 * 13 + 1.\n</think>\n\\boxed{3}', 'Let me double-check: 3^3'],
  ])('rules@8: a value that an operation continues (%s) is no statement of the answer', (_, raw, cue) => {
    expect(detectVerification(raw)).toMatchObject({ v: 1, tLast: raw.indexOf(cue) });
  });

  it('rules@8: a set answer is stated after "x in" ("the solution is x in [3, 4) ∪ (4, 64/11]")', () => {
    const raw = '<think>\nSo, putting it all together, the solution is \\(x\\) in \\([3, 4) \\cup (4, \\frac{64}{11}]\\).\n\nWait, but hold on. Let me double-check. At x = 3: 3 * 4 = 12, so equality holds.\n</think>\n\\boxed{[3, 4) \\cup \\left(4, \\frac{64}{11}\\right]}';
    expect(detectVerification(raw)).toMatchObject({ v: 1, tLast: raw.indexOf('Wait, but hold on') });
  });

  it('rules@8: the value as the subject of its verdict ("so 48 is a candidate") states it; "48 is smaller than 162" does not', () => {
    const raw = '<think>\nThe cases give 512, 48 and 162.\n\nClearly, 48 is smaller than 162 and 512, so 48 is a candidate. But let me check if I missed any factorization: 10 = 2 * 5 only.\n\nSo yes, 48 has 10 divisors. Wait, let me check 40: 2^3 * 5 has 8.\n</think>\n\\boxed{48}';
    expect(detectVerification(raw)).toMatchObject({ v: 1, tLast: raw.indexOf('But let me check if I missed') });
  });

  // rules@9: roots in R1's plain spellings, and a second method announced after the answer.
  it.each([
    ['"sqrt(65)/9" for \\frac{\\sqrt{65}}{9}', '<think>\nSo, sin B is sqrt(65)/9.\n\nWait, let me double-check that. 4^2 + 65 = 81 = 9^2.\n</think>\n\\boxed{\\dfrac{\\sqrt{65}}{9}}', 'Wait, let me double-check'],
    ['"3*sqrt(11)" for 3\\sqrt{11}', '<think>\nSo, d = sqrt(99) = 3*sqrt(11)\n\nTherefore, ID = 3*sqrt(11)\n\nBut wait, that seems too straightforward. Area / s = 12 * 3 / 4 = 9.\n</think>\n\\boxed{3\\sqrt{11}}', 'But wait, that seems too straightforward'],
  ])('rules@9: the answer is stated as %s', (_, raw, cue) => {
    expect(detectVerification(raw)).toMatchObject({ v: 1, tLast: raw.indexOf(cue) });
  });

  it('rules@9: another way to compute the result, announced after it, opens the check that its slips do not restart', () => {
    expect(classifySentence("Wait, but let me think again if there's another way to compute the area.")).toBe('verify');
    const raw = "<think>\nLooking at the answer choices, option E is 9(3 + √3)/π^2, which is the same as what I have here. So, that should be the answer.\n\nWait, but let me think again if there's another way to compute the area. Using 1/2 ab sin C: 1/2 * 3 * 3 = 4.5.\n\nWait, no, that's not right: the sides are 3√3/π. So the area matches option E.\n</think>\n\\boxed{E}";
    expect(detectVerification(raw)).toMatchObject({ v: 1, tLast: raw.indexOf('Wait, but let me think again') });
  });

  it('rules@9: "Alternatively, ..." after the answer is a second method: the check starts there, "Wait!" in front', () => {
    expect(classifySentence('Alternatively, I could have simplified before multiplying.')).toBe('interjection');
    const raw = '<think>\nSo, 14/12 simplifies to 7/6.\n\nAlternatively, I could have simplified before multiplying: 2/3 * 7/4 = 14/12 = 7/6.\n\nLet me try that approach too, just to confirm. 7 / 6 = 1.1667.\n</think>\n\\boxed{\\frac{7}{6}}';
    const d = detectVerification(raw);
    expect(d).toMatchObject({ v: 1, tLast: raw.indexOf('Alternatively') });
    expect(d.rewritten).toContain('Wait! Alternatively, I could have simplified');
  });

  it('rules@10: an interjection that only remarks on the result ("Wait, that\'s interesting.") opens no check', () => {
    expect(classifySentence("Wait, that's interesting.")).toBe('plain');
    expect(classifySentence('Wait, that was straightforward!')).toBe('plain');
    expect(classifySentence('But wait, that seems too straightforward.')).toBe('verify');
    const raw = "<think>\nSo, the sum is -8.\n\nWait, that's interesting. All the radical parts cancel.\n\nIs that correct? Let me double-check my calculations: -4 - 4 = -8.\n</think>\n\\boxed{-8}";
    expect(detectVerification(raw)).toMatchObject({ v: 1, tLast: raw.indexOf('Is that correct?') });
  });

  it('rules@10: simplifying a result ("let me see if I can simplify", "check if ... have any common factors") is a step, not a check', () => {
    expect(classifySentence('Hmm, let me see if I can simplify this fraction.')).toBe('plain');
    expect(classifySentence('Let me check if 1681 and 2009 share any common divisors.')).toBe('plain');
    expect(classifySentence('Let me check if 41 divides 2009.')).toBe('verify');
    const raw = '<think>\nSo, r = 1681 / 2009\n\nHmm, let me see if I can simplify this fraction. Let me check if 1681 and 2009 share any common divisors. 2009 = 41 * 49 and 1681 = 41 * 41.\n\nSo, r = 41/49.\n\nWait, let me confirm that. 41 * 49 = 2009.\n</think>\n\\boxed{\\frac{41}{49}}';
    expect(detectVerification(raw)).toMatchObject({ v: 1, tLast: raw.indexOf('Wait, let me confirm') });
  });

  it('rules@10: "make it" states a value ("That would make it 11 buses in total.")', () => {
    const raw = "<think>\n411 - 380 = 31, so I need an additional bus. That would make it 11 buses in total.\n\nWait, but let me make sure I'm not missing something. 38 * 11 = 418, which is more than 411.\n</think>\n\\boxed{11}";
    expect(detectVerification(raw)).toMatchObject({ v: 1, tLast: raw.indexOf('Wait, but let me make sure') });
  });

  it('rules@11: superscript powers are read as powers and "becomes" states a value ("the polynomial becomes x³ - 6x² + 64")', () => {
    const raw = '<think>\nMultiplying each term by 8, the polynomial becomes x³ - 6x² + 64.\n\nWait a second, let me verify. 8 * (2/2)³ - 3 * 8 * (2/2)² = 8 - 24.\n</think>\n\\boxed{x^3 - 6x^2 + 64}';
    expect(detectVerification(raw)).toMatchObject({ v: 1, tLast: raw.indexOf('Wait a second') });
  });

  it('rules@12: a recap, a LaTeX-fraction sum or a re-rounding re-derives the result; a check that only argues does not', () => {
    const recap = '<think>\nSo E = \\frac{41}{20}.\n\nLet me just quickly recap to make sure I didn\'t make any mistakes.\n\n1. Started with the equation and found x^2 = -3y^2.\n2. Substituted into the expression.\n</think>\n\\boxed{\\frac{41}{20}}';
    expect(detectVerification(recap)).toMatchObject({ v: 1, tLast: recap.indexOf('Let me just quickly recap') });
    const tex = '<think>\nSo E = \\frac{41}{20}.\n\nWait, let me double-check. E = \\frac{5}{4} + \\frac{4}{5}, which is \\frac{41}{20}.\n</think>\n\\boxed{\\frac{41}{20}}';
    expect(detectVerification(tex)).toMatchObject({ v: 1, tLast: tex.indexOf('Wait, let me double-check') });
    const round = '<think>\nRounded to the nearest hundredth it becomes 54.55.\n\nWait a second, let me double-check that. The third decimal is 5, so 54.54 becomes 54.55.\n</think>\n\\boxed{54.55}';
    expect(detectVerification(round)).toMatchObject({ v: 1, tLast: round.indexOf('Wait a second') });
    const argues = '<think>\nSo p = -31/75.\n\nBut let me verify this result with the first method. The first method had an error, so I trust the second one.\n</think>\n\\boxed{-\\frac{31}{75}}';
    expect(detectVerification(argues).v).toBe(0);
  });

  it('rules@12: a remark on how a step came out or on a value\'s form opens no check, nor does an "Alternatively," that redoes one product', () => {
    expect(classifySentence('Wait, that simplifies nicely!')).toBe('plain');
    expect(classifySentence('Wait, but 52.5 is a decimal.')).toBe('plain');
    expect(classifySentence('Wait, that seems too simple.')).toBe('verify');
    expect(classifySentence('Alternatively, I can compute 60 * 7 first, which is 420, and then divide by 8.')).toBe('plain');
    expect(classifySentence('Alternatively, 209 * 25 can be calculated as:')).toBe('plain');
    expect(classifySentence('Alternatively, I can solve it by substitution.')).toBe('interjection');
    const raw = '<think>\n60 divided by 8 is 7.5, and 7.5 multiplied by 7 is 52.5. Alternatively, I can compute 60 * 7 first, which is 420, and then divide by 8, which also gives me 52.5. Either way, I get 52.5.\n\nWait, but 52.5 is a decimal. Maybe I should express that as a fraction. 52.5 is the same as 105/2.\n\nHmm, but let me check if that\'s correct. 52.5 * 8 / 7 = 60.\n</think>\n\\boxed{\\frac{105}{2}}';
    expect(detectVerification(raw)).toMatchObject({ v: 1, tLast: raw.indexOf("Hmm, but let me check") });
  });

  it('rules@12: a condition answer ("x < a or x > b") is stated after "where", inside inline-math delimiters', () => {
    const raw = '<think>\nPutting both cases together, the solution set is all real numbers where \\(x < -\\frac{7}{4}\\) or \\(x > -\\frac{3}{2}\\). But I need to make sure I didn\'t make any mistakes in my steps.\n\nStarting again: 7 > -4x, so x > -7/4.\n\nSo the solution is \\(x < -\\frac{7}{4}\\) or \\(x > -\\frac{3}{2}\\).\n\nWait, let me check x = 0: 2 - 1/3 < 4.\n</think>\n\\boxed{x < -\\frac{7}{4} \\text{ or } x > -\\frac{3}{2}}';
    expect(detectVerification(raw)).toMatchObject({ v: 1, tLast: raw.indexOf('But I need to make sure') });
  });

  it('rules@13: π, "·" and an evaluated power compute; "4√35 over 35" states a fraction; "it\'s just 3" states 3', () => {
    const power = '<think>\nSo 16^(7/4) equals 128.\n\nLet me double-check. The fourth root of 16 is 2 because 2^4 is 16, and 2^7 is 128.\n</think>\n\\boxed{128}';
    expect(detectVerification(power)).toMatchObject({ v: 1, tLast: power.indexOf('Let me double-check') });
    const pi = '<think>\nSo the gray area is 16π - π = 15π.\n\nWait a second, let me make sure I didn\'t make a mistake here. The areas are π*(4)^2 and π*(1)^2.\n</think>\n\\boxed{15\\pi}';
    expect(detectVerification(pi)).toMatchObject({ v: 1, tLast: pi.indexOf('Wait a second') });
    const early = '<think>\nThe expression is 4√3 / √105 = 4√35 / 35.\n\nWait, let me double-check everything. √2 · 2 · √6 = 4√3.\n\nSo, the final answer is 4√35 over 35.\n</think>\n\\boxed{\\dfrac{4\\sqrt{35}}{35}}';
    expect(detectVerification(early)).toMatchObject({ v: 1, tLast: early.indexOf('Wait, let me double-check') });
    const its = '<think>\nThe abc terms cancel out, so it\'s just 3.\n\nLet me test this with some actual numbers to make sure I didn\'t make a mistake. With a = 1, b = 1, c = -2: (1 + 1 - 8)/(-2) = 3.\n\nWait, let me try a case where two numbers are negative. (-1 - 1 + 8)/2 = 3.\n</think>\n\\boxed{3}';
    expect(detectVerification(its)).toMatchObject({ v: 1, tLast: its.indexOf('Let me test this') });
  });

  it('rules@13: checking that a solution is admissible is a step of solving; "Wait, maybe I made a mistake in ..." opens a check, "But wait, the problem says ..." does not', () => {
    expect(classifySentence('Now, I need to check if this solution satisfies the initial condition of Case 2, which was y - 6 < 0.')).toBe('plain');
    expect(classifySentence('So, let me check the denominator when x is 3:')).toBe('plain');
    expect(classifySentence('Let me verify the solution y = 3 in the original equation.')).toBe('verify');
    expect(classifySentence('But wait a minute, maybe I made a mistake in the discriminant calculation.')).toBe('verify');
    expect(classifySentence('Hmm, maybe I should try x = 2.')).toBe('hedge');
    expect(classifySentence('But wait, the problem says "the product of all possible values of c".')).toBe('plain');
    const raw = '<think>\nSubtract 6 from both sides: y = 3.\n\nNow, I need to check if this solution satisfies the initial condition of Case 2, which was y - 6 < 0. 3 - 6 = -3 < 0.\n\nWait a second, I should also check if there are any other possible cases. |3 - 6| + 2*3 = 9.\n</think>\n\\boxed{3}';
    expect(detectVerification(raw)).toMatchObject({ v: 1, tLast: raw.indexOf('Wait a second') });
  });

  it('marks a label confident only where its start sentence names a check of the result', () => {
    const named = '<think>\nSo the answer is 24.\n\nWait, let me double-check my calculations. 7 + 5 = 12 and 2 * 12 = 24.\n</think>\n\\boxed{24}';
    expect(detectVerification(named)).toMatchObject({ v: 1, tLast: named.indexOf('Wait, let me double-check'), confident: true });
    const doubt = '<think>\nSo the answer is 24.\n\nWait, that seems a bit high. 7 + 5 = 12 and 2 * 12 = 24.\n</think>\n\\boxed{24}';
    expect(detectVerification(doubt)).toMatchObject({ v: 1, tLast: doubt.indexOf('Wait, that seems'), confident: false });
    expect(detectVerification('<think>\nSo the answer is 24.\n</think>\n\\boxed{24}')).toMatchObject({ v: 0, confident: false });
  });

  it('rewrites the chain "Hmm, but wait," whole: "Wait! Let me make sure", never "Wait! But wait,"', () => {
    const raw = '<think>\nSo tan(9π/4) = tan(π/4) = 1.\n\nHmm, but wait, let me make sure I\'m not making a mistake here. 9π/4 - 2π = π/4.\n</think>\n\\boxed{1}';
    const d = detectVerification(raw);
    expect(d.tLast).toBe(raw.indexOf('Hmm, but wait'));
    expect(d.rewritten).toContain('Wait! Let me make sure');
  });

  it('rewrites "Wait, but let me double-check." to "Wait! But let me double-check." and "Wait, no." never wins', () => {
    const d = detectVerification('<think>\nx = 70.\n\nWait, but let me double-check. 180 - 110 = 70.\n</think>\n\\boxed{70}');
    expect(d.rewritten).toContain('Wait! But let me double-check. 180');
    expect(classifySentence('Wait, no.')).toBe('correction');
    expect(classifySentence('Wait, this is just a rough idea.')).toBe('hedge');
    expect(classifySentence('Hmm, maybe I should try x = 2.')).toBe('hedge');
    expect(classifySentence('I made a mistake in step 2.')).toBe('correction');
    for (const c of ['To confirm, 3 * 4 = 12.', 'Double-checking: 3 * 4 = 12.', 'Let me verify: 12 / 4 = 3.', 'Plugging back in gives 12.', 'Is that right?'])
      expect(classifySentence(c), c).toBe('verify');
  });

  it('says v=0 when there is no verification', () => {
    const raw = '<think>\n2 + 3 = 5, and 5 * 4 = 20.\n</think>\nSo the answer is \\boxed{20}.';
    expect(detectVerification(raw)).toMatchObject({ v: 0, tLast: null, rewritten: raw, method: 'none' });
  });

  it('places an external label given as an offset or a quoted sentence, at the sentence start', () => {
    const raw = 'x = 4. Let me check: 3x = 12. Done.';
    expect(locateLabel(raw, 'Let me check: 3x = 12.')).toEqual({ start: 7, end: 7 });
    expect(locateLabel(raw, 8)).toEqual({ start: 7, end: 7 });
    expect(locateLabel(raw, 'not in the trace')).toBeNull();
    expect(locateLabel(raw, 999)).toBeNull();
    expect(locateLabel('a = 1. Hmm, wait. a = 2.', 7)).toEqual({ start: 7, end: 18 });
  });

  it('finds no cue in plain worked steps', () => {
    expect(findCues('awaiting the actuality of rewaits; checking. 3 + 4 = 7.')).toEqual([]);
  });

  it('agrees with the world ground truth on >= 99% of traces (and reads only the text)', () => {
    const w = generateWorld({ seed: 3, scale: 'smoke' });
    const a = scoreLabels(w.pool.map((e) => ({ truth: e.truth!, label: ruleLabeller.label(e.raw) as ReturnType<typeof detectVerification> })));
    expect(a.tLastAgree / a.n).toBeGreaterThanOrEqual(0.99);
    expect(a.confusion[0][0] + a.confusion[1][1]).toBeGreaterThanOrEqual(0.99 * a.n);
    expect(a.confusion[0][0]).toBeGreaterThan(0);
  });
});

describe('scoreLabels', () => {
  it('counts agreement and the confusion matrix', () => {
    const t = (v: 0 | 1, tLast: number | null): TraceTruth => ({ v, tLast, rewritten: 'x', kind: 'none', slip: null, firstPassAnswer: null, cue: null, tLastRaw: tLast, segments: [] });
    const a = scoreLabels([
      { truth: t(1, 5), label: { v: 1, tLast: 5, rewritten: 'x' } },
      { truth: t(1, 5), label: { v: 1, tLast: 9, rewritten: 'y' } },
      { truth: t(1, 5), label: { v: 0, tLast: null, rewritten: 'x' } },
      { truth: t(0, null), label: { v: 0, tLast: null, rewritten: 'x' } },
    ]);
    expect(a).toMatchObject({ n: 4, tLastAgree: 2, tLastAgreeV1: 1, nV1: 3, rewrittenAgree: 3, confusion: [[1, 0], [1, 2]] });
  });
});

describe('labeller interface and cache', () => {
  it('caches labels by trace hash and labeller version, with provenance, across reloads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'labels-'));
    const path = join(dir, 'cache.jsonl');
    let calls = 0;
    const fake: Labeller = { name: 'fake-llm', version: '2', label: async (t) => { calls++; return { v: 1, tLast: 0, rewritten: 'Wait! ' + t }; } };
    const c1 = new LabelCache(path);
    const a = await labelTrace(fake, 'trace one', c1);
    const b = await labelTrace(fake, 'trace one', c1);
    expect(calls).toBe(1);
    expect(a).toMatchObject({ cached: false, provenance: { labeller: 'fake-llm', version: '2' } });
    expect(b.cached).toBe(true);
    c1.save();
    const c2 = new LabelCache(path);
    expect(c2.get('trace one', { labeller: 'fake-llm', version: '2' })!.rewritten).toBe('Wait! trace one');
    expect(c2.get('trace one', { labeller: 'fake-llm', version: '3' })).toBeUndefined();
    const r = await labelTrace(ruleLabeller, 'a = 1. Wait, a = 2.', c2);
    expect(r.provenance.labeller).toBe('rules');
    c2.save();
    expect(readFileSync(path, 'utf8').trim().split('\n').length).toBe(2);
  });

  it('rejects a label whose tLast is not at "Wait!" and a corrupt cache line', async () => {
    const bad: Labeller = { name: 'bad', version: '1', label: () => ({ v: 1, tLast: 3, rewritten: 'no trigger here' }) };
    await expect(labelTrace(bad, 'x')).rejects.toThrow(/does not point at "Wait!"/);
    const dir = mkdtempSync(join(tmpdir(), 'labels-'));
    writeFileSync(join(dir, 'c.jsonl'), '{"hash":1\n');
    expect(() => new LabelCache(join(dir, 'c.jsonl'))).toThrow(/c.jsonl:1: not JSON/);
  });
});
