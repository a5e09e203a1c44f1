// The part of opentype.js (which ships no types) that render.ts uses to measure text.
declare module 'opentype.js' {
  namespace opentype {
    interface Glyph {
      advanceWidth?: number;
    }
    interface Font {
      unitsPerEm: number;
      charToGlyph(ch: string): Glyph;
      getKerningValue(left: Glyph, right: Glyph): number;
    }
  }
  // The package's main entry is CommonJS: Node's ESM import sees only a default export.
  const opentype: { parse(buffer: ArrayBuffer): opentype.Font };
  export default opentype;
}
