import { describe, expect, it } from 'vitest';
import { extractAnswer, gradeResponse } from '../../lib/eval/answer.ts';

// [text, expected extracted answer]; expectations written by hand.
const EXTRACT: [string, string | null][] = [
  ['So the result is $\\boxed{5}$.', '5'],
  ['First \\boxed{3}, then after checking, \\boxed{4}.', '4'],
  ['\\boxed{\\frac{\\sqrt{3}}{2}}', '\\frac{\\sqrt{3}}{2}'],
  ['\\boxed{\\left( 3, \\frac{\\pi}{2} \\right)}.', '\\left( 3, \\frac{\\pi}{2} \\right)'],
  ['The answer is \\fbox{12}', '12'],
  ['so \\boxed 7 is it', '7'],
  ['ok \\boxed{2} and then \\boxed{\\frac{1}{', '2'],
  ['\\boxed{\\{1, 2\\}}', '\\{1, 2\\}'],
  ['Janet sells 9 eggs.\nShe makes $18.\n#### 18', '18'],
  ['#### 1,600', '1,600'],
  ['We get 3 + 4 = 7. The answer is 7.', '7'],
  ['Therefore, the final answer is $\\frac{3}{4}$. I hope it is correct.', '\\frac{3}{4}'],
  ['Final Answer: 42', '42'],
  // Math-Verify's "answer: ... number" rule takes the number and leaves its unit.
  ['The answer is: 18 dollars', '18'],
  ['The answer is 18 because 9 * 2 = 18.', '18'],
  ['**Answer:** 3.5', '3.5'],
  ['\\frac{1}{2}', '\\frac{1}{2}'],
  ['x = 3', 'x = 3'],
  ['Evelyn', 'Evelyn'],
  ['(3, 4]', '(3, 4]'],
  ['Adding, we get $2+3=5$ and so $x = 5$', 'x = 5'],
  ['He pays $5 for apples and $7 for pears, 12 in total', '12'],
  ['There are 1,000 people and -3.5 degrees', '-3.5'],
  ['I am not sure.', null],
  ['', null],
];

describe('extractAnswer', () => {
  it('takes boxed > #### > "answer is" > bare > $...$ > last number', () => {
    const wrong = EXTRACT.filter(([t, want]) => extractAnswer(t) !== want).map(
      ([t, want]) => `${JSON.stringify(t)} → ${JSON.stringify(extractAnswer(t))}, expected ${JSON.stringify(want)}`,
    );
    expect(wrong).toEqual([]);
  });

  it('never throws on odd input', () => {
    for (const t of ['\\boxed{', '$$$', '\\boxed{}}}', '####', 'the answer is', '\\\\\\', null, undefined, 5]) {
      expect(() => extractAnswer(t as string)).not.toThrow();
    }
  });
});

describe('gradeResponse', () => {
  it('extracts and compares', () => {
    expect(gradeResponse('\\frac{1}{2}', 'Thus $\\boxed{0.5}$.')).toEqual({ pred: '0.5', equal: true });
    expect(gradeResponse('\\frac{1}{2}', 'Thus $\\boxed{0.25}$.')).toEqual({ pred: '0.25', equal: false });
    expect(gradeResponse('18', 'no idea')).toEqual({ pred: null, equal: false });
    expect(gradeResponse('70000', 'So he made a profit of $70,000.\n#### 70,000')).toEqual({ pred: '70,000', equal: true });
  });

  it('answers a repeated gold consistently (cached parse)', () => {
    const a = Array.from({ length: 5 }, (_, i) => gradeResponse('(2,\\infty)', `\\boxed{(${i % 2 ? 2 : 3}, \\infty)}`).equal);
    expect(a).toEqual([false, true, false, true, false]);
  });

  it('never throws on odd input', () => {
    for (const [g, p] of [
      [null, 'x'],
      ['x', null],
      ['\\frac{', '\\frac{'],
      ['(', ')'],
      ['\\begin{pmatrix}', '1'],
    ] as const) {
      expect(() => gradeResponse(g as unknown as string, p as unknown as string)).not.toThrow();
    }
  });
});
