// Ctrl-C (SIGINT) during training: the first one asks the running loop to stop at the next step
// boundary, write a checkpoint and exit (130) with a line saying how to resume; a second one quits
// at once. Without a loop listening (evaluation, data scripts) the first SIGINT quits at once as
// before. runMain (lib/util/cli.ts) installs the handler; training loops call stopIfInterrupted().

let requested = false;
let loops = 0;

/** Thrown by a loop that stopped on request; runMain prints its message and exits 130. */
export class InterruptedError extends Error {}

/** A loop that checks stopIfInterrupted() between steps; call the returned function when it ends. */
export function holdInterrupts(): () => void {
  loops++;
  let released = false;
  return () => {
    if (!released) loops--;
    released = true;
  };
}

/**
 * Called on SIGINT: true when a loop will stop at its next step boundary (the caller keeps the
 * process alive), false when nothing listens or a stop was already requested (quit now).
 */
export function requestInterrupt(): boolean {
  if (requested || loops === 0) return false;
  requested = true;
  return true;
}

export function interruptRequested(): boolean {
  return requested;
}

/**
 * At a step boundary (`step` steps done): when a stop was requested, run `save` (which writes the
 * checkpoint of those steps and returns its folder) and throw InterruptedError.
 */
export async function stopIfInterrupted(step: number, save: () => Promise<string>): Promise<void> {
  if (!requested) return;
  const dir = await save();
  throw new InterruptedError(`interrupted after step ${step}: checkpoint written to ${dir}; run the same command again to resume`);
}

/** Tests only: forget a request. */
export function resetInterrupt(): void {
  requested = false;
}
