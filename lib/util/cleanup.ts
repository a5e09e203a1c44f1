// Clean-ups a script runs before it exits (lib/util/cli.ts runMain), registered by the module that
// made something that would keep Node alive: lib/gpu/device.ts registers the release of the Dawn
// device when it creates one, so a script that never touched the GPU never loads Dawn to exit.
const cleanups = new Set<() => void>();

/** Run `f` once before the script exits (registering the same function twice runs it once). */
export function onExit(f: () => void): void {
  cleanups.add(f);
}

/** Run every registered clean-up; one that throws does not stop the others. */
export function runCleanups(): void {
  for (const f of [...cleanups]) {
    cleanups.delete(f);
    try {
      f();
    } catch {
      /* exiting anyway: a failed clean-up must not replace the script's own exit code */
    }
  }
}
