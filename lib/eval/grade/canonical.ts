// A parsed answer written out in one canonical notation, for --explain and docs: what the
// comparison actually sees (numbers as values, lists as sets, inequalities with < ≤ ≠ only).
import type { Complex, Parsed } from '../answer-parse.ts';

function num(v: Complex): string {
  const re = (x: number) => (Number.isInteger(x) || !Number.isFinite(x) ? String(x) : String(Number(x.toPrecision(12))));
  if (v.im === 0) return re(v.re);
  return `${re(v.re)}${v.im < 0 ? '-' : '+'}${re(Math.abs(v.im))}i`;
}

export function canonicalForm(p: Parsed): string {
  const all = (xs: Parsed[]) => xs.map(canonicalForm).join(', ');
  switch (p.k) {
    case 'num':
      return `${num(p.v)}${p.pct ? '%' : ''}`;
    case 'sym':
      return p.expr;
    case 'eq':
      return `${canonicalForm(p.lhs)} = ${canonicalForm(p.rhs)}`;
    case 'ineq':
      if (p.rel) return `${canonicalForm(p.rel.lhs)} ${p.rel.op} ${canonicalForm(p.rel.rhs)}`;
      return p.interval ? `in ${canonicalForm(p.interval)}` : 'inequality chain';
    case 'seq':
      return `${p.names ? `(${p.names.join(', ')}) = ` : ''}${p.open}${all(p.items)}${p.close}`;
    case 'list':
      return `{${all(p.items)}}${p.decimal ? ` or ${num(p.decimal)}` : ''}`;
    case 'set':
      return `{${all(p.items)}}`;
    case 'union':
      return p.parts.map(canonicalForm).join(' ∪ ');
    case 'matrix':
      return `[${p.rows.map((r) => `[${all(r)}]`).join(', ')}]`;
    case 'based':
      return `${p.digits}_${p.base}`;
    case 'text':
      return JSON.stringify(p.s);
  }
}
