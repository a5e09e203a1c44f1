// rowSpans: how a tensor of rows is cut into pieces that each fit one storage binding.
import { describe, expect, it } from 'vitest';
import { alignedRowUnit, DeviceLimitError, lcmUnit, rowSpans } from '../../lib/gpu/index.ts';

describe('rowSpans', () => {
  it('one span when everything fits (the unsplit path)', () => {
    expect(rowSpans(100, 36, 3600, 't')).toEqual([{ start: 0, count: 100 }]);
  });

  it('pieces of whole rows, each within the limit, each starting 256-byte aligned, covering every row once', () => {
    for (const [rows, width, max] of [
      [301, 36, 4096],
      [45, 96, 1024],
      [5000, 1, 1024],
      [151936, 896, 2 ** 25],
    ]) {
      const spans = rowSpans(rows, width, max, 't');
      expect(spans.length).toBeGreaterThan(1);
      let next = 0;
      for (const s of spans) {
        expect(s.start).toBe(next);
        expect(s.count * width).toBeLessThanOrEqual(max);
        expect((s.start * width) % 64).toBe(0);
        next += s.count;
      }
      expect(next).toBe(rows);
    }
  });

  it('a row unit: the fewest rows whose starts stay aligned', () => {
    expect(alignedRowUnit(36)).toBe(16);
    expect(alignedRowUnit(896)).toBe(1);
    expect(alignedRowUnit(5000)).toBe(8);
    expect(lcmUnit(alignedRowUnit(200), alignedRowUnit(36))).toBe(16);
    expect(rowSpans(150, 1, 100, 't', 64).map((s) => s.start)).toEqual([0, 64, 128]);
  });

  it('a row cap (a grid dimension) splits even what fits the binding', () => {
    expect(rowSpans(151936, 8, 2 ** 30, 't', 1, 65535).map((s) => s.count)).toEqual([65535, 65535, 20866]);
  });

  it('refuses in one line when the smallest piece is over the limit', () => {
    expect(() => rowSpans(10, 5000, 4096, 'tensor x [10, 5000]')).toThrow(DeviceLimitError);
    expect(() => rowSpans(10, 5000, 4096, 'tensor x [10, 5000]')).toThrow(
      /^tensor x \[10, 5000\]: 8 row\(s\) of 5000 floats \(156\.3 KiB\) is the smallest piece it splits into, and it exceeds one storage binding of 16\.0 KiB$/,
    );
  });
});
