// How often a model's written arithmetic is right: every sentence of the form "a op b = c" (a
// sentence start, after "Then " or after a lead such as "After finding 7 more: "; integers or fractions; op one
// of + - \times /) is checked exactly. The world's Base and teacher write every step this way, so
// this separates "does not know the facts" from "cannot set the problem up" when accuracy is low
// (the cpu-scale Base was calibrated on it: lib/train/scales.ts).
import { add, divide, equal, fraction, multiply, subtract, type Fraction } from 'mathjs';

const NUM = String.raw`\d+(?:/\d+)?`;
const EQUATION = new RegExp(String.raw`(?:^|\. |: )(?:Then )?(${NUM}) (\+|-|\\times|/) (${NUM}) = (${NUM})(?=\.)`, 'g');

const OPS: Record<string, (a: Fraction, b: Fraction) => Fraction> = {
  '+': (a, b) => add(a, b) as Fraction,
  '-': (a, b) => subtract(a, b) as Fraction,
  '\\times': (a, b) => multiply(a, b) as Fraction,
  '/': (a, b) => divide(a, b) as Fraction,
};

const num = (s: string): Fraction => {
  const [n, d] = s.split('/');
  return fraction(Number(n), d === undefined ? 1 : Number(d));
};

/** Equations "a op b = c" found in the texts, and how many of them are right. */
export function equationCounts(texts: readonly string[]): { checked: number; right: number } {
  let checked = 0,
    right = 0;
  for (const t of texts) {
    for (const [, a, op, b, c] of t.matchAll(EQUATION)) {
      if (op === '/' && /^0(\/|$)/.test(b)) continue; // a division by zero is not an equation we can check
      checked++;
      if (equal(OPS[op](num(a), num(b)), num(c))) right++;
    }
  }
  return { checked, right };
}
