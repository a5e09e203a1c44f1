// The families of issue 19, one table each: [gold text, response text, expected verdict, reason].
// Both sides go through gradePair (extraction, then comparison gold first), as scripts/grade.ts
// does. Verdicts are written by hand; where a rule is Math-Verify's, the reason names where it is
// documented: "MV README" = huggingface/Math-Verify README.md, "MV tests" = its tests/test_all.py
// (both at 5d148cf). Unequal rows are near misses: a grader that says "equal" too easily fails them.
import { describe, expect, it } from 'vitest';
import { extractAnswer, gradePair, gradeResponse } from '../../lib/eval/answer.ts';
import { MAX_DEPTH, parseAnswer } from '../../lib/eval/answer-parse.ts';

type Row = [gold: string, response: string, equal: boolean, reason: string];

const FAMILIES: Record<string, Row[]> = {
  'numbers: comma decimals and thousands': [
    ['1.22', '1,22', true, 'decimal comma: 1,22 has two digits after the comma (MV tests, number extraction)'],
    ['0.111', '0,111', true, 'a first group 0 cannot be thousands, so 0,111 is 0.111 (MV tests)'],
    ['1000.99', '1000,99', true, 'four digits before the comma: decimal comma'],
    ['12000', '12,000', true, 'groups of three after 1-3 digits: thousands'],
    ['12000', '12 000', true, 'a space as thousands separator'],
    ['1000.99', 'it is 1,000.99€', true, 'thousands and a decimal point, currency after'],
    ['1.222', '1,222', false, '1,222 is one thousand two hundred twenty-two, not 1.222'],
    ['1.22', '1,23', false, 'different decimals'],
    ['12000', '12,001', false, 'different thousands'],
  ],
  'numbers: percent': [
    ['$28\\%$', '28 pct', true, '"pct" is a percent sign (MV tests, percent notation)'],
    ['$28\\%$', '28 percent', true, '"percent" is a percent sign'],
    ['$28\\%$', '$\\boxed{28 percentage}', true, '"percentage" after the number'],
    ['$28\\%$', '$\\boxed{28}$ pct', true, 'the percent sign after the box belongs to it'],
    ['28', '28\\%', true, 'a "what percent" gold is the bare number (this grader\'s choice, docs/grader.md)'],
    ['$28\\%$', '29 percent', false, 'different percentage'],
    ['$28\\%$', '0.29', false, 'a gold percent does not accept another fraction'],
  ],
  'numbers: fractions and scientific notation': [
    ['7/3', '\\frac{7}{3}', true, 'same fraction'],
    ['7/3', '\\cfrac{14}{6}', true, '\\cfrac is \\frac (MV tests, "frac variants work like frac")'],
    ['1/3', '$\\tfrac13$', true, '\\tfrac13 is \\tfrac{1}{3} (MV tests, malformed fractions)'],
    ['1500', '1.5 \\times 10^3', true, 'scientific notation'],
    ['1/3', '0.333', false, 'three digits are not 1/3 (tolerance 1e-6)'],
    ['7/3', '\\frac{3}{7}', false, 'inverted fraction'],
  ],
  'several answers: sets, tuples, boxes, "and"': [
    ['$\\{1, 2, 3\\}$', '\\boxed{\\{3, 1, 2\\}}', true, 'sets are unordered'],
    ['$(1, 2)$', '\\boxed{(2, 1)}', false, 'tuples are ordered'],
    ['$(5, 8), (8, 5)$', '\\boxed{(8, 5), (5, 8)}', true, 'a list of tuples is a set of tuples'],
    ['$1, 2, 3$', '\\boxed{1} and \\boxed{2} and \\boxed{3}', true, 'boxes joined by "and" are one answer (MV tests, open thoughts)'],
    ['$1, 2, 3$', '\\boxed{1}, \\boxed{2}, \\boxed{3}', true, 'boxes joined by commas'],
    ['$(2, 2), (6, 2)$', '$\\boxed{(2, 2)} \\quad \\text{and} \\quad \\boxed{(6, 2)}$', true, 'boxes joined by \\text{and}'],
    ['$19, 46, 82$', '$19, 46, \\text{ and } 82$', true, '\\text{and} inside a list separates like a comma'],
    ['$19, 46, 82$', '$21, 36, \\text{and } 82$', false, 'only the last item agrees'],
    ['$1, 2, 3$', '\\boxed{1} and \\boxed{2}', false, 'one answer missing'],
    ['$p=5, q=2$', '$(5, 2)$', true, 'named values are a tuple in their order (MV tests, numina cases)'],
    ['$p=5, q=2$', '$(2, 5)$', false, 'the tuple in the other order'],
    ['$(p,q)=(3,2)$', '$\\boxed{(3, 2)}$', true, 'a named tuple'],
    ['$a_3 = 2, a_{37} = 19$', '$\\boxed{a_{37} = 19, \\quad a_3 = 2}$', true, 'named values compare by name'],
    ['$-12;-11;-10$', '$\\boxed{\\{-12, -11, -10\\}}$', true, 'semicolons separate answers'],
    ['$(11,7)or(7,11)$', '$\\boxed{(7,11),\\ (11,7)}$', true, '"or" separates answers'],
    ['$x = 1$', 'First guess \\boxed{2}. Wait! Checking again, x = 1, so \\boxed{1}.', true, 'boxes separated by prose: the last one is the answer'],
    ['$2$', 'First guess \\boxed{2}. Wait! Checking again, x = 1, so \\boxed{1}.', false, 'the first-pass answer is not the final one'],
  ],
  relations: [
    ['$x \\geq 5$', 'Therefore $x >= 5$.', true, '>= is \\geq (MV tests, relations)'],
    ['$x \\geq 5$', 'so $x \\in [5, \\infty)$', true, 'a gold inequality accepts its interval (MV README, asymmetry)'],
    ['$[5, \\infty)$', 'so $x \\geq 5$', false, 'a gold interval does not accept the inequality (MV README: restating the question is no answer)'],
    ['$x < 1$', '$-x > -1$', true, 'multiplying by -1 flips the relation (MV tests)'],
    ['$x < 1$', '$x > -1$', false, 'a different relation'],
    ['$x \\leq 5$', '$5 \\geq x$', true, 'sides swapped with the sign'],
    ['$x \\geq 5$', '$x > 5$', false, 'strict and non-strict differ'],
    ['$x \\neq 3$', 'We find $x != 3$.', true, '!= is \\neq'],
    ['$x \\neq 3$', '$x \\neq 4$', false, 'different excluded value'],
    ['$11$', '$x \\approx 11$', true, 'x \\approx 11 reads x = 11 (MV tests)'],
    ['$1/3$', '$x = 1/3 \\approx 0.33$', true, 'after an equation the approximation is dropped (MV tests)'],
    ['$1/3$', '$x = 0.33$', false, '0.33 is not 1/3'],
    ['$1/3$', 'so $x = 1/3$', true, 'x = value against value: the right side (MV tests, "last = is considered")'],
    ['$x = 11$', '$x = 5+5+1 = 7 = 11$', true, 'a chain: first and last sides (MV tests)'],
    ['$a + 3z = 0$', '$0$', false, 'the left side is an expression, not a name (MV tests)'],
    ['$2x+4y-3=0$', '$y=-\\frac{1}{2}x+\\frac{3}{4}$', true, 'the same line (MV tests)'],
    ['$2x+4y-3=0$', '$y=-\\frac{1}{2}x+\\frac{3}{2}$', false, 'a parallel line'],
  ],
  'LaTeX forms': [
    ['$\\frac{1}{3}$', '$\\dfrac{1}{3}$', true, '\\dfrac is \\frac'],
    ['$\\frac{1}{3}$', '$\\left( \\frac{1}{3} \\right)$', true, '\\left( \\right) is styling (MV tests)'],
    ['$\\begin{pmatrix}1 & 2 \\\\ 3 & 4\\end{pmatrix}$', 'Matrix: $\\begin{bmatrix}1 & 2 \\\\ 3 & 4\\end{bmatrix}$', true, 'bmatrix and pmatrix hold the same matrix'],
    [
      '$\\begin{pmatrix}1 & 2 \\\\ 3 & 4\\end{pmatrix}$',
      'Special matrix: $ \\left[\\begin{array}{cc}1 & 2 \\\\3 & 4\\end{array}\\right] $',
      true,
      'an array in brackets is a matrix (MV tests)',
    ],
    ['$\\begin{pmatrix}1 & 2 \\\\ 3 & 4\\end{pmatrix}$', '$\\begin{pmatrix}1 & 2 \\\\ 3 & 5\\end{pmatrix}$', false, 'one entry differs (MV tests)'],
    ['$\\begin{pmatrix}1 & 2 \\\\ 3 & 4\\end{pmatrix}$', '$\\begin{pmatrix}1 & 3 \\\\ 2 & 4\\end{pmatrix}$', false, 'the transpose'],
    [
      '$\\begin{pmatrix}6 & 8 \\\\ 10 & 12\\end{pmatrix}$',
      'The sum is $\\begin{pmatrix}1 & 2 \\\\ 3 & 4\\end{pmatrix} + \\begin{pmatrix}5 & 6 \\\\ 7 & 8\\end{pmatrix}$',
      true,
      'a sum of numeric matrices is its value (MV tests, matrix extraction)',
    ],
    [
      '$\\begin{pmatrix}19 & 22 \\\\ 43 & 50\\end{pmatrix}$',
      '$\\begin{pmatrix}1 & 2 \\\\ 3 & 4\\end{pmatrix} \\begin{pmatrix}5 & 6 \\\\ 7 & 8\\end{pmatrix}$',
      true,
      'juxtaposed matrices multiply (row by column)',
    ],
    [
      '$\\begin{pmatrix}23 & 34 \\\\ 31 & 46\\end{pmatrix}$',
      '$\\begin{pmatrix}1 & 2 \\\\ 3 & 4\\end{pmatrix} \\begin{pmatrix}5 & 6 \\\\ 7 & 8\\end{pmatrix}$',
      false,
      'the product in the other order (BA) is not AB',
    ],
    ['$\\frac{1}{3}$', '$\\frac{1}{3} \\text{meters}$', true, 'a \\text unit is dropped (MV tests)'],
    ['$\\frac{1}{3}$', '$\\frac{1}{3} \\textbf{meters}$', true, 'a \\textbf unit is dropped'],
    ['$90$', '$90^\\circ$', true, 'degrees sign'],
    ['$90$', '$\\frac{\\pi}{2}$', false, 'radians are not degrees'],
    ['$0.06 \\text{ yuan}$', '$$\\boxed{0.06 \\text{ yuan}}$$', true, 'unit on both sides (MV tests, open thoughts)'],
  ],
  'unboxed final answers': [
    ['12', 'We add them up.\nFinal Answer: 12', true, '"answer:" then a number (MV parser, priority 100)'],
    ['12', 'So the answer is 12.', true, '"answer" then a number (MV parser, priority 200)'],
    ['$34$', 'Final Answer: The largest $n$ is 34.', true, '"final answer ... is" outranks "answer:" (MV tests)'],
    ['12', 'the answer is 13, not 12 as I first thought', false, 'the number right after "answer is"'],
    [
      '$10455$',
      'so \\boxed{255} earned. Final Answer: The final answer is $10,455$. I hope it is correct.',
      true,
      '"final answer is X. I hope" after the box ranks with it (MV parser, priority 0)',
    ],
  ],
};

describe('issue 19 families (gradePair on whole texts)', () => {
  for (const [family, rows] of Object.entries(FAMILIES)) {
    it(family, () => {
      const wrong = rows
        .filter(([g, r, want]) => gradePair(g, r).equal !== want)
        .map(([g, r, want, why]) => `${JSON.stringify(g)} vs ${JSON.stringify(r)}: expected ${want} (${why})`);
      expect(wrong).toEqual([]);
    });
  }

  it('has both verdicts in every family', () => {
    for (const rows of Object.values(FAMILIES)) {
      expect(rows.some((r) => r[2])).toBe(true);
      expect(rows.some((r) => !r[2])).toBe(true);
    }
  });
});

describe('the synthetic world keeps its answers', () => {
  it('the final \\boxed{} after "Wait!" is the answer, integers and fractions alike', () => {
    const trace = (first: string, last: string) =>
      `Ava has 4 coins. 4 + 3 = 7. So the answer is \\boxed{${first}}. Wait! 7 / 3 is not 2. 7 / 3 = 7/3. The answer is \\boxed{${last}}.`;
    expect(extractAnswer(trace('2', '7/3'))).toBe('7/3');
    expect(gradeResponse('7/3', trace('2', '7/3'))).toEqual({ pred: '7/3', equal: true });
    expect(gradeResponse('2', trace('2', '7/3')).equal).toBe(false);
    expect(gradeResponse('7', trace('7', '7')).equal).toBe(true);
  });
});

describe('bounded work', () => {
  it('an answer nested deeper than the limit is unparseable, not a crash', () => {
    const deep = `${'('.repeat(MAX_DEPTH + 1)}1${')'.repeat(MAX_DEPTH + 1)}`;
    const shallow = `${'('.repeat(MAX_DEPTH)}1${')'.repeat(MAX_DEPTH)}`;
    expect(parseAnswer(deep)).toBeNull();
    expect(parseAnswer(shallow)).not.toBeNull();
    expect(gradeResponse('1', `\\boxed{${'('.repeat(100_000)}1${')'.repeat(100_000)}}`).equal).toBe(false);
  });

  it('a response over 1 MiB gives no answer', () => {
    expect(gradeResponse('1', `\\boxed{1}${' '.repeat(1 << 20)}`)).toEqual({ pred: null, equal: false });
    expect(gradeResponse('1', `\\boxed{1}${' '.repeat(1000)}`).equal).toBe(true);
  });
});
