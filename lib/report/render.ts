// Vega-Lite spec → <base>.vl.json, <base>.svg, <base>.png, headless and deterministic.
// Vega renders to an SVG string with no canvas (renderer 'none'); resvg rasterises it with the
// DejaVu Sans files on disk (no system font lookup, so the PNG does not depend on the machine's
// font set). Same spec in → byte-identical SVG out: vega's clip/gradient id counters are reset
// before every render, and nothing time- or random-dependent is put in a spec.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import opentype from 'opentype.js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { writeFileAtomic } from '../util/atomic.ts';

export const FONT_FAMILY = 'DejaVu Sans';
const FONT_DIR_DEFAULT = '/usr/share/fonts/truetype/dejavu';
const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'];

/** The DejaVu Sans files resvg draws with; one-line error when missing. */
export function fontFiles(): string[] {
  const dir = process.env.VGGM_FONT_DIR || FONT_DIR_DEFAULT;
  const files = FONT_FILES.map((f) => join(dir, f));
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length) {
    throw new Error(
      `font ${missing.join(', ')} not found (PNG rendering needs DejaVu Sans): run \`npm run setup\` (installs fonts-dejavu-core) or set VGGM_FONT_DIR to a folder holding ${FONT_FILES.join(' and ')}`,
    );
  }
  return files;
}

// Vega without node-canvas guesses text widths as 0.8 em per character, a third wider than
// DejaVu Sans, which leaves legends and axis titles floating in empty space. We measure with the
// same font file resvg draws with instead, so layout and pixels agree.
let measuring = false;
function installTextMetrics(): void {
  if (measuring) return;
  const [regular, bold] = fontFiles().map((f) => {
    const b = readFileSync(f);
    return opentype.parse(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
  });
  const cache = new Map<string, number>();
  // textMetrics is exported by vega-scenegraph (re-exported by vega) but missing from the typings.
  const tm = (vega as unknown as { textMetrics: { width: (item: TextItem, text?: unknown) => number } }).textMetrics;
  tm.width = (item, text) => {
    const t = String(text ?? item.text ?? '').trim();
    const size = item.fontSize != null ? +item.fontSize || 0 : 11;
    const isBold = item.fontWeight === 'bold' || Number(item.fontWeight) >= 600;
    const key = `${isBold ? 'b' : 'r'}${size}|${t}`;
    let w = cache.get(key);
    if (w === undefined) {
      w = advanceWidth(isBold ? bold : regular, t, size);
      cache.set(key, w);
    }
    // Vega truncates text longer than `limit` with an ellipsis; its truncation search only asks
    // whether a width is below the limit, so clamping keeps that search correct.
    return item.limit && item.limit > 0 ? Math.min(w, item.limit) : w;
  };
  measuring = true;
}
// Sum of glyph advances plus pair kerning, which is what resvg lays out for Latin text.
// (opentype.js's own getAdvanceWidth runs its shaper, which rejects a GSUB lookup in DejaVu.)
function advanceWidth(font: opentype.Font, text: string, size: number): number {
  let units = 0;
  let prev: opentype.Glyph | undefined;
  for (const ch of text) {
    const g = font.charToGlyph(ch);
    units += g.advanceWidth ?? 0;
    if (prev) units += font.getKerningValue(prev, g);
    prev = g;
  }
  return (units * size) / font.unitsPerEm;
}
interface TextItem {
  text?: unknown;
  fontSize?: number | string;
  fontWeight?: string | number;
  limit?: number;
}

/**
 * Readable defaults merged under every spec's own config: text ≥ 11 px at 1x, one font family
 * (the one resvg is given), white background.
 */
export const BASE_CONFIG = {
  font: FONT_FAMILY,
  background: 'white',
  padding: 8,
  title: { fontSize: 15, subtitleFontSize: 12, anchor: 'start', offset: 10 },
  axis: { labelFontSize: 12, titleFontSize: 13, titleFontWeight: 'normal', labelLimit: 220 },
  legend: { labelFontSize: 12, titleFontSize: 13, labelLimit: 320, symbolSize: 120 },
  header: { labelFontSize: 13, titleFontSize: 13 },
  text: { fontSize: 11 },
  view: { stroke: '#ddd' },
} as const;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge: `over` wins; arrays are replaced, not merged. */
function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isObject(v) && isObject(out[k]) ? merge(out[k] as Record<string, unknown>, v) : v;
  return out;
}

/** The spec with BASE_CONFIG under its own config (what is written to .vl.json and rendered). */
export function withBaseConfig(spec: TopLevelSpec): TopLevelSpec {
  const own = (spec as { config?: Record<string, unknown> }).config ?? {};
  return { ...spec, config: merge(BASE_CONFIG as unknown as Record<string, unknown>, own) } as TopLevelSpec;
}

/** Render a Vega-Lite spec to an SVG string (deterministic for a given spec). */
export async function specToSvg(spec: TopLevelSpec): Promise<string> {
  installTextMetrics();
  let vg;
  try {
    vg = compile(withBaseConfig(spec)).spec;
  } catch (err) {
    throw new Error(`invalid Vega-Lite spec: ${(err as Error).message.split('\n')[0]}`);
  }
  const view = new vega.View(vega.parse(vg), { renderer: 'none', logLevel: vega.Warn });
  try {
    vega.resetSVGDefIds();
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterise an SVG with DejaVu Sans at `scale` × its size (2 = crisp on high-density screens). */
export function svgToPng(svg: string, scale = 2): Buffer {
  const resvg = new Resvg(svg, {
    font: { fontFiles: fontFiles(), loadSystemFonts: false, defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
  });
  return resvg.render().asPng();
}

/** Write <base>.vl.json, <base>.svg and <base>.png (atomically); returns the three paths. */
export async function renderChart(spec: TopLevelSpec, base: string, scale = 2): Promise<{ vl: string; svg: string; png: string }> {
  const full = withBaseConfig(spec);
  const svg = await specToSvg(full);
  const png = svgToPng(svg, scale);
  const paths = { vl: `${base}.vl.json`, svg: `${base}.svg`, png: `${base}.png` };
  writeFileAtomic(paths.vl, JSON.stringify(full, null, 2) + '\n');
  writeFileAtomic(paths.svg, svg);
  writeFileAtomic(paths.png, png);
  return paths;
}
