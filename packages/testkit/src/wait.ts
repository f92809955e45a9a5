/** How often conditions are re-checked while waiting. */
export const POLL_MS = 50

/** Resolves after `ms`; only for pacing and poll intervals, never as a stand-in for a condition. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/**
 * Polls `condition` until it holds, failing after `timeoutMs` with `what` and, if given, the diagnostics
 * `explain()` returns at that moment (counts, states) so a timeout says what was seen.
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs: number,
  explain?: () => string | Promise<string>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await condition()) return
    if (Date.now() > deadline) {
      const detail = explain === undefined ? '' : `; ${await explain()}`
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`)
    }
    await pause(POLL_MS)
  }
}
