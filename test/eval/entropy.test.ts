import { describe, expect, it } from 'vitest';
import { tLastToken } from '../../lib/eval/entropy.ts';

describe('tLastToken', () => {
  it('finds the token where the last "Wait!" starts', () => {
    expect(tLastToken(['3', ' +', ' 4', ' =', ' 8', '.', '\n', 'Wait', '!', ' 3', ' +', ' 4'])).toBe(7);
    expect(tLastToken([' Wait', '!', ' x', '\n', ' Wait', '!'])).toBe(4);
    expect(tLastToken(['Wait', ' no'])).toBeNull();
  });
});
