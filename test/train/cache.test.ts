import { describe, expect, it } from 'vitest';
import { cacheKey, type CacheKeyInput } from '../../lib/train/cache.ts';
import { canonicalJson } from '../../lib/util/json.ts';

const base: CacheKeyInput = { stage: 'sft', model: { dModel: 64, layers: 2 }, data: { seed: 1, n: 100 }, method: 'vggm', hparams: { lr: 1e-3, steps: 10 }, seed: 1, parent: 'pretrain-abc' };

describe('cache keys', () => {
  it('do not depend on object key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 0, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"y":2,"z":0}]},"b":1}');
    expect(cacheKey({ ...base, model: { layers: 2, dModel: 64 } })).toBe(cacheKey(base));
  });
  it('change with every input that determines the weights', () => {
    const k = cacheKey(base);
    const variants: CacheKeyInput[] = [
      { ...base, model: { dModel: 65, layers: 2 } },
      { ...base, data: { seed: 2, n: 100 } },
      { ...base, method: 'sft' },
      { ...base, hparams: { lr: 2e-3, steps: 10 } },
      { ...base, seed: 2 },
      { ...base, parent: 'pretrain-abd' },
      { ...base, parent: null },
    ];
    const keys = new Set(variants.map(cacheKey));
    expect(keys.size).toBe(variants.length);
    expect(keys.has(k)).toBe(false);
    expect(k).toMatch(/^sft-[0-9a-f]{16}$/);
  });
});
