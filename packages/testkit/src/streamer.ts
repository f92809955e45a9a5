import { pause } from './wait.js'

/**
 * Feeds data in the background at a steady pace (a chunk every few milliseconds), so restarts happen
 * while records are flowing. The pace only shapes the load; no check depends on it.
 */
export class Streamer {
  readonly #step: () => Promise<void>
  readonly #everyMs: number
  readonly #until: () => boolean
  #stopped = false
  #loop: Promise<void> | undefined
  #error: unknown

  /** Calls `step` every `everyMs` until `until()` holds or {@link stop} is called. */
  constructor(step: () => Promise<void>, everyMs: number, until: () => boolean = () => false) {
    this.#step = step
    this.#everyMs = everyMs
    this.#until = until
  }

  start(): this {
    this.#loop = (async () => {
      try {
        while (!this.#stopped && !this.#until()) {
          await this.#step()
          await pause(this.#everyMs)
        }
      } catch (err) {
        this.#error = err
      }
    })()
    return this
  }

  /** Whether the loop ended by itself (its `until` held) or failed. */
  get finished(): boolean {
    return this.#until() || this.#error !== undefined
  }

  /** Stops feeding (after the chunk in progress) and rethrows a failure of `step`. */
  async stop(): Promise<void> {
    this.#stopped = true
    await this.#loop
    if (this.#error !== undefined) throw this.#error
  }

  /** Waits until the loop ends by itself and rethrows a failure of `step`. */
  async done(): Promise<void> {
    await this.#loop
    if (this.#error !== undefined) throw this.#error
  }
}
