import { afterEach, describe, expect, it } from 'vitest';
import { specToSvg, svgToPng, withBaseConfig } from '../../lib/report/render.ts';
import type { TopLevelSpec } from 'vega-lite';

const bars = (n: number): TopLevelSpec => ({
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  title: 'A small chart',
  data: { values: Array.from({ length: n }, (_, i) => ({ k: `cat ${i}`, v: (i * 37) % 11 })) },
  mark: 'bar',
  encoding: { x: { field: 'k', type: 'nominal', title: 'Category' }, y: { field: 'v', type: 'quantitative', title: 'Value (units)' } },
});

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): [number, number] {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

afterEach(() => {
  delete process.env.VGGM_FONT_DIR;
});

describe('render', () => {
  it('draws one bar mark per datum, axis titles and readable text', async () => {
    const svg = await specToSvg(bars(5));
    expect(svg.startsWith('<svg')).toBe(true);
    const barPaths = svg.match(/<g class="mark-rect role-mark marks"[^>]*>(.*?)<\/g>/)?.[1] ?? '';
    expect(barPaths.match(/<path /g)).toHaveLength(5);
    expect(svg).toContain('Value (units)');
    expect(svg).toContain('DejaVu Sans');
    const sizes = [...svg.matchAll(/font-size="([\d.]+)px"/g)].map((m) => Number(m[1]));
    expect(sizes.length).toBeGreaterThan(5);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(11);
  });

  it('is byte-identical on rerun, also after rendering something else', async () => {
    const a = await specToSvg(bars(4));
    await specToSvg(bars(9));
    const b = await specToSvg(bars(4));
    expect(b).toBe(a);
  });

  it('rasterises at 2x with the real font into a non-trivial PNG', async () => {
    const svg = await specToSvg(bars(3));
    const w = Number(svg.match(/width="(\d+)"/)![1]);
    const h = Number(svg.match(/height="(\d+)"/)![1]);
    const png = svgToPng(svg);
    expect(pngSize(png)).toEqual([2 * w, 2 * h]);
    expect(png.length).toBeGreaterThan(8000);
    // Text really drawn: the same chart without its text is much smaller.
    const noText = svgToPng(svg.replace(/<text[^>]*>[^<]*<\/text>/g, ''));
    expect(png.length - noText.length).toBeGreaterThan(2000);
  });

  it('names the missing font and the fix when DejaVu is absent', async () => {
    const svg = await specToSvg(bars(2));
    process.env.VGGM_FONT_DIR = '/nonexistent';
    expect(() => svgToPng(svg)).toThrow(/DejaVuSans\.ttf.*not found.*npm run setup.*fonts-dejavu-core/);
  });

  it('refuses an invalid spec with one line', async () => {
    await expect(specToSvg({ mark: 'nonsense' } as unknown as TopLevelSpec)).rejects.toThrow(/^invalid Vega-Lite spec: [^\n]+$/);
  });

  it('puts readable defaults under the spec and keeps its own settings', () => {
    const s = withBaseConfig({ ...bars(1), config: { axis: { labelFontSize: 14 } } } as TopLevelSpec) as unknown as { config: Record<string, Record<string, unknown>> };
    expect(s.config.axis.labelFontSize).toBe(14);
    expect(s.config.axis.titleFontSize).toBe(13);
    expect(s.config.font).toBe('DejaVu Sans');
  });
});
