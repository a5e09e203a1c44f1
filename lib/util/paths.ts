// Where the caches live: .cache/ in the working directory, or $VGGM_CACHE. Generated worlds go to
// <cache>/data/ (lib/data/cache.ts), trained models to <cache>/models/<key>/ (lib/train/cache.ts).
import { join, resolve } from 'node:path';

export function cacheHome(): string {
  return resolve(process.env.VGGM_CACHE ?? '.cache');
}

/** The folder that holds one folder per trained model, named by its cache key. */
export function cacheRoot(): string {
  return join(cacheHome(), 'models');
}
