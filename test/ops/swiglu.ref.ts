// Float64 reference for lib/ops/swiglu.ts.
const sigmoid = (g: number): number => 1 / (1 + Math.exp(-g));

export function swigluForwardRef(gate: Float64Array, up: Float64Array): Float64Array {
  return gate.map((g, i) => g * sigmoid(g) * up[i]);
}

export function swigluBackwardRef(dout: Float64Array, gate: Float64Array, up: Float64Array): { dgate: Float64Array; dup: Float64Array } {
  const dgate = new Float64Array(gate.length);
  const dup = new Float64Array(gate.length);
  for (let i = 0; i < gate.length; i++) {
    const g = gate[i];
    const s = sigmoid(g);
    dgate[i] = dout[i] * up[i] * s * (1 + g * (1 - s));
    dup[i] = dout[i] * g * s;
  }
  return { dgate, dup };
}
