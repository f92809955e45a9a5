import type { TaskClock } from './task-clock.js'

/**
 * `heartbeat.interval.ms`: calls `beat` every `intervalMs` on the injected clock until stopped. The
 * interval is measured from the end of the previous beat, so a slow beat never piles up behind a timer.
 */
export class Heartbeat {
  readonly #stop = new AbortController()
  readonly #done: Promise<void>

  constructor(intervalMs: number, clock: TaskClock, beat: () => void) {
    if (!(intervalMs > 0)) throw new RangeError(`heartbeat interval must be positive, got ${intervalMs}`)
    const signal = this.#stop.signal
    this.#done = (async () => {
      while (!signal.aborted) {
        await clock.sleep(intervalMs, signal)
        if (signal.aborted) return
        beat()
      }
    })()
  }

  /** Stops beating; resolves once the loop has ended. */
  stop(): Promise<void> {
    this.#stop.abort()
    return this.#done
  }
}
