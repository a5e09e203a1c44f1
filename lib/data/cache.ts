// Where a generated world is kept: generated once per (generator version, scale, world seed) into
// the data cache and reused by every script (lib/train/data.ts loadData).
import { join } from 'node:path';
import { cacheHome } from '../util/paths.ts';
import { WORLD_CONFIG, type ScaleName } from './world/config.ts';

export function worldDataDir(scale: ScaleName, worldSeed: number): string {
  return join(cacheHome(), 'data', `${WORLD_CONFIG.version}-${scale}-s${worldSeed}`);
}
