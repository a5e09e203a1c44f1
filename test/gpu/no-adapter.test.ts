// With no Vulkan driver visible, a script that needs the GPU must end with one line naming the
// fix and a non-zero exit, not a crash or a hang. Vulkan's loader is pointed at a driver file
// that does not exist, which leaves Dawn with no adapter on any machine.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';

it('a GPU script without an adapter exits 1 with one line that names `npm run setup`', () => {
  const dir = mkdtempSync(join(tmpdir(), 'no-adapter-'));
  const text = join(dir, 'text.txt');
  writeFileSync(text, readFileSync(new URL('../../README.md', import.meta.url), 'utf8'));
  const r = spawnSync('npx', ['tsx', 'scripts/train-lm.ts', '--text', text, '--steps', '1', '--out', join(dir, 'out')], {
    cwd: new URL('../..', import.meta.url).pathname,
    env: { ...process.env, VK_ICD_FILENAMES: join(dir, 'none.json'), VK_DRIVER_FILES: join(dir, 'none.json') },
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(r.status).toBe(1);
  // Dawn prints its own warnings first; our message is the last line, and only one line of ours.
  const ours = r.stderr.split('\n').filter((l) => l.startsWith('train-lm:'));
  expect(ours).toEqual(['train-lm: error: no WebGPU adapter found (Dawn needs a Vulkan driver): run `npm run setup`, which installs Mesa lavapipe from bookworm-backports']);
});
