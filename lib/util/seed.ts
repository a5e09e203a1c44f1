// Seeds derived from (seed, stream, index): independent random streams for data order, sampling,
// ... from one run seed, so that a stream can be recreated at any step without saving RNG state.

function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x7f4a7c15, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x27d4eb2f);
  return (h ^ (h >>> 15)) >>> 0;
}

/** A seed derived from (seed, stream, index): independent streams for data order, sampling, ... */
export function derivedSeed(seed: number, stream: string, index = 0): number {
  let h = seed >>> 0;
  for (let i = 0; i < stream.length; i++) h = mix(h, stream.charCodeAt(i));
  return mix(h, index);
}
