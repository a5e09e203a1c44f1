import { describe, expect, it } from 'vitest';
import { loadBenchmark, parseAmc23, parseGsm8k, parseMath } from '../../lib/data/benchmarks.ts';

describe('benchmark loaders', () => {
  it('GSM8K: question and the answer after ####, thousands commas dropped', () => {
    const text = [
      JSON.stringify({ question: 'Q1?', answer: 'a = <<1+1=2>>2\n#### 2' }),
      '',
      JSON.stringify({ question: 'Q2?', answer: 'big\n#### 1,450,000' }),
      JSON.stringify({ question: 'Q3?', answer: 'neg\n#### -10' }),
    ].join('\n');
    expect(parseGsm8k(text)).toEqual([
      { id: 'gsm8k/0', tier: 'gsm8k', problem: 'Q1?', answer: '2' },
      { id: 'gsm8k/1', tier: 'gsm8k', problem: 'Q2?', answer: '1450000' },
      { id: 'gsm8k/2', tier: 'gsm8k', problem: 'Q3?', answer: '-10' },
    ]);
  });

  it('MATH: answer field, else the last box of the solution; unique_id as id', () => {
    const text = [
      JSON.stringify({ problem: 'P1', solution: 'so $\\boxed{7}$', answer: '7', unique_id: 'test/x/1.json' }),
      JSON.stringify({ problem: 'P2', solution: 'first \\boxed{1} then \\boxed{\\frac{1}{2}}.' }),
    ].join('\n');
    expect(parseMath(text)).toEqual([
      { id: 'test/x/1.json', tier: 'math', problem: 'P1', answer: '7' },
      { id: 'math/1', tier: 'math', problem: 'P2', answer: '\\frac{1}{2}' },
    ]);
  });

  it("AMC'23: problem or question; 27.0 becomes 27", () => {
    const text = ['{"id":0,"problem":"A","answer":27.0}', '{"id":5,"question":"B","answer":"3/4"}'].join('\n');
    expect(parseAmc23(text)).toEqual([
      { id: 'amc23/0', tier: 'amc23', problem: 'A', answer: '27' },
      { id: 'amc23/5', tier: 'amc23', problem: 'B', answer: '3/4' },
    ]);
  });

  it('a bad line throws one line naming the file and line number', () => {
    const good = JSON.stringify({ question: 'Q', answer: '#### 1' });
    expect(() => parseGsm8k(`${good}\n{oops`, 'f.jsonl')).toThrow(/^f\.jsonl:2: not valid JSON$/);
    expect(() => parseGsm8k(`${good}\n\n[1]`, 'f.jsonl')).toThrow(/^f\.jsonl:3: expected a JSON object$/);
    expect(() => parseGsm8k(JSON.stringify({ question: 'Q', answer: 'no marker' }), 'g')).toThrow(/^g:1: .*####/);
    expect(() => parseMath(JSON.stringify({ problem: 'P', solution: 'none' }), 'm')).toThrow(/^m:1: no answer field/);
    expect(() => parseAmc23('{"problem":"A"}', 'a')).toThrow(/^a:1: missing answer/);
    expect(() => parseAmc23('{"answer":1}', 'a')).toThrow(/^a:1: missing string field problem or question$/);
  });

  it('loadBenchmark reads the published copies and reports a missing file in one line', () => {
    const math = loadBenchmark('math');
    expect(math.length).toBe(500);
    expect(math[0]).toEqual({ id: 'test/precalculus/807.json', tier: 'math', problem: expect.stringContaining('(0,3)'), answer: '\\left( 3, \\frac{\\pi}{2} \\right)' });
    expect(() => loadBenchmark('gsm8k', '/nonexistent/x.jsonl')).toThrow(/^cannot read gsm8k benchmark \/nonexistent\/x\.jsonl: .*ENOENT/);
  });
});
