// LaTeX (the subset found in math answers) → a mathjs expression string.
//
// Hand-written because no maintained npm package turns answer-style LaTeX into something mathjs
// evaluates: @cortex-js/compute-engine does, but it is a large 0.x library whose canonical forms
// change from release to release, and a grader must be predictable (a false "equal" is a wrong
// reward). The subset is small: numbers, single-letter variables, + - · × ÷ / ^ !, \frac (with
// the \frac12 shorthand and mixed numbers like 1\frac45), \sqrt[n]{}, \pi, \infty, trig/log
// functions, |x|, parentheses and implicit multiplication. Anything else makes it return null,
// which callers treat as "not a scalar expression" (never as a value).

type Tok = { t: 'num'; v: string } | { t: 'id'; v: string } | { t: 'word'; v: string } | { t: 'cmd'; v: string } | { t: 'op'; v: string };

const FUNCS: Record<string, string> = {
  sin: 'sin',
  cos: 'cos',
  tan: 'tan',
  cot: 'cot',
  sec: 'sec',
  csc: 'csc',
  arcsin: 'asin',
  arccos: 'acos',
  arctan: 'atan',
  sinh: 'sinh',
  cosh: 'cosh',
  tanh: 'tanh',
  ln: 'log',
  log: 'log',
  exp: 'exp',
};

const CONSTS: Record<string, string> = { pi: 'pi', infty: 'Infinity', infinity: 'Infinity' };
const TIMES = new Set(['cdot', 'times', 'ast']);

class Fail extends Error {}

function tokenize(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '\\') {
      const m = /^\\([a-zA-Z]+|.)/.exec(s.slice(i));
      if (!m) throw new Fail();
      out.push({ t: 'cmd', v: m[1] });
      i += m[0].length;
      continue;
    }
    // Scientific notation (1.5e3, 2E-4) only when digits follow the e: 2e alone is 2·e.
    const num = /^((?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+(?![\d.]))?)/.exec(s.slice(i));
    if (num) {
      out.push({ t: 'num', v: num[1] });
      i += num[1].length;
      continue;
    }
    const word = /^[a-zA-Z]+/.exec(s.slice(i));
    if (word) {
      const w = word[0];
      if (FUNCS[w] || w === 'pi') out.push({ t: 'cmd', v: w });
      // Two-letter runs are products (xy, ab); longer runs are English, not math.
      else if (w.length <= 2) for (const ch of w) out.push({ t: 'id', v: ch });
      else out.push({ t: 'word', v: w });
      i += w.length;
      continue;
    }
    if ('+-*/^_()[]{}!|=,'.includes(c)) {
      out.push({ t: 'op', v: c });
      i++;
      continue;
    }
    if (c === '·' || c === '×') {
      out.push({ t: 'op', v: '*' });
      i++;
      continue;
    }
    if (c === '÷') {
      out.push({ t: 'op', v: '/' });
      i++;
      continue;
    }
    if (c === 'π') {
      out.push({ t: 'cmd', v: 'pi' });
      i++;
      continue;
    }
    if (c === '∞') {
      out.push({ t: 'cmd', v: 'infty' });
      i++;
      continue;
    }
    if (c === '√') {
      out.push({ t: 'cmd', v: 'sqrt' });
      i++;
      continue;
    }
    throw new Fail();
  }
  return out;
}

class Parser {
  private i = 0;
  constructor(private toks: Tok[]) {}

  private peek(): Tok | undefined {
    return this.toks[this.i];
  }
  private isOp(v: string, k = 0): boolean {
    const t = this.toks[this.i + k];
    return t !== undefined && t.t === 'op' && t.v === v;
  }
  private isCmd(v: string): boolean {
    const t = this.peek();
    return t !== undefined && t.t === 'cmd' && t.v === v;
  }
  private expect(v: string): void {
    if (!this.isOp(v)) throw new Fail();
    this.i++;
  }

  parseAll(): string {
    const e = this.expr();
    if (this.i !== this.toks.length) throw new Fail();
    return e;
  }

  private expr(): string {
    let out = this.term();
    for (;;) {
      if (this.isOp('+') || this.isOp('-')) {
        const op = (this.toks[this.i++] as { v: string }).v;
        out = `${out} ${op} ${this.term()}`;
      } else return out;
    }
  }

  /** Can the next token begin a factor (for implicit multiplication)? */
  private startsFactor(): boolean {
    const t = this.peek();
    if (!t) return false;
    if (t.t === 'num' || t.t === 'id') return true;
    if (t.t === 'cmd') return t.v === 'frac' || t.v === 'sqrt' || t.v in CONSTS || t.v in FUNCS || t.v === 'left';
    return t.t === 'op' && (t.v === '(' || t.v === '{' || t.v === '[');
  }

  private term(): string {
    let out = this.unary();
    for (;;) {
      const t = this.peek();
      if (t && t.t === 'op' && (t.v === '*' || t.v === '/')) {
        this.i++;
        out = `${out} ${t.v} ${this.unary()}`;
      } else if (t && t.t === 'cmd' && (TIMES.has(t.v) || t.v === 'div')) {
        this.i++;
        out = `${out} ${t.v === 'div' ? '/' : '*'} ${this.unary()}`;
      } else if (this.startsFactor()) {
        out = `${out} * ${this.power()}`;
      } else return out;
    }
  }

  private unary(): string {
    if (this.isOp('-')) {
      this.i++;
      return `-(${this.unary()})`;
    }
    if (this.isOp('+')) {
      this.i++;
      return this.unary();
    }
    return this.power();
  }

  private power(): string {
    let base = this.postfix();
    if (this.isOp('^')) {
      this.i++;
      // Exponent: a braced group or one atom; a whole number token counts as one atom
      // (plain-text answers write 2^10 meaning 2^{10}).
      const exp = this.isOp('-') ? (this.i++, `-(${this.atomArg()})`) : this.atomArg();
      base = `(${base})^(${exp})`;
    }
    return base;
  }

  private postfix(): string {
    let p = this.primary();
    while (this.isOp('!')) {
      this.i++;
      p = `factorial(${p})`;
    }
    return p;
  }

  /** A LaTeX macro argument: {group} or a single token (one digit of a number: \frac12). */
  private macroArg(): string {
    const t = this.peek();
    if (!t) throw new Fail();
    if (t.t === 'op' && t.v === '{') return this.group();
    if (t.t === 'num') {
      // \frac12 → 1 and 2: LaTeX takes a single character as an undelimited argument.
      this.i++;
      if (t.v.length > 1) this.toks.splice(this.i, 0, { t: 'num', v: t.v.slice(1) });
      return t.v[0] === '.'
        ? (() => {
            throw new Fail();
          })()
        : t.v[0];
    }
    if (t.t === 'id') {
      this.i++;
      return t.v;
    }
    if (t.t === 'cmd') return this.primary();
    throw new Fail();
  }

  /** Exponent / function argument: a group or one atom. */
  private atomArg(): string {
    const t = this.peek();
    if (!t) throw new Fail();
    if (t.t === 'op' && t.v === '{') return this.group();
    if (t.t === 'num') {
      this.i++;
      return num(t.v);
    }
    return this.primary();
  }

  private group(): string {
    this.expect('{');
    const e = this.expr();
    this.expect('}');
    return `(${e})`;
  }

  private primary(): string {
    const t = this.peek();
    if (!t) throw new Fail();
    this.i++;
    if (t.t === 'num') {
      // Mixed number: 1\frac{4}{5} = 1 + 4/5 when both frac arguments are integers.
      if (/^\d+$/.test(t.v) && this.isCmd('frac')) {
        const save = this.i;
        this.i++;
        const a = this.macroArg();
        const b = this.macroArg();
        if (/^\(?\d+\)?$/.test(a) && /^\(?\d+\)?$/.test(b)) return `(${t.v} + ${a} / ${b})`;
        this.i = save;
      }
      return num(t.v);
    }
    if (t.t === 'id') {
      if (this.isOp('_')) {
        this.i++;
        const sub = this.peek();
        let s: string;
        if (sub && (sub.t === 'num' || sub.t === 'id')) {
          this.i++;
          s = sub.v;
        } else {
          this.expect('{');
          const inner = this.toks[this.i++];
          if (!inner || (inner.t !== 'num' && inner.t !== 'id')) throw new Fail();
          s = inner.v;
          this.expect('}');
        }
        if (!/^\w+$/.test(s)) throw new Fail();
        return `${t.v}_${s}`;
      }
      return t.v;
    }
    if (t.t === 'word') throw new Fail();
    if (t.t === 'op') {
      if (t.v === '(' || t.v === '[') {
        const e = this.expr();
        if (!(this.isOp(')') || this.isOp(']'))) throw new Fail();
        this.i++;
        return `(${e})`;
      }
      if (t.v === '{') {
        this.i--;
        return this.group();
      }
      if (t.v === '|') {
        const e = this.expr();
        this.expect('|');
        return `abs(${e})`;
      }
      throw new Fail();
    }
    // Commands.
    const c = t.v;
    if (c in CONSTS) return CONSTS[c];
    if (c === 'frac') {
      const a = this.macroArg();
      const b = this.macroArg();
      return `((${a}) / (${b}))`;
    }
    if (c === 'sqrt') {
      if (this.isOp('[')) {
        this.i++;
        const n = this.expr();
        this.expect(']');
        return `nthRoot(${this.macroArg()}, ${n})`;
      }
      return `sqrt(${this.macroArg()})`;
    }
    if (c in FUNCS) {
      let fn = FUNCS[c];
      let base: string | null = null;
      if (c === 'log' && this.isOp('_')) {
        this.i++;
        base = this.atomArg();
      } else if (c === 'log') fn = 'log10';
      let pow: string | null = null;
      if (this.isOp('^')) {
        this.i++;
        pow = this.atomArg();
      }
      const arg = this.isOp('(') ? this.primary() : this.power();
      const call = base ? `log(${arg}, ${base})` : `${fn}(${arg})`;
      return pow ? `(${call})^(${pow})` : call;
    }
    throw new Fail();
  }
}

function num(v: string): string {
  const t = v.startsWith('.') ? `0${v}` : v;
  return t.replace(/\.(?=[eE]|$)/, '');
}

/** Translate a LaTeX scalar expression to mathjs syntax, or null when outside the subset. */
export function latexToMathjs(latex: string): string | null {
  try {
    const toks = tokenize(latex);
    if (toks.length === 0) return null;
    return new Parser(toks).parseAll();
  } catch (e) {
    if (e instanceof Fail) return null;
    throw e;
  }
}
