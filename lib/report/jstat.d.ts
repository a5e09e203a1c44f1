// The part of jstat (which ships no types) that stats.ts uses: Student's t and the normal
// distribution. The package's main entry is CommonJS (UMD): Node's ESM import sees one default
// export, the jStat object.
declare module 'jstat' {
  interface Distribution {
    cdf(x: number, ...params: number[]): number;
    inv(p: number, ...params: number[]): number;
  }
  const jStat: { studentt: Distribution; normal: Distribution };
  export default jStat;
}
