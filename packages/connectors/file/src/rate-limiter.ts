import type { TaskClock } from './task-clock.js'

/**
 * A token bucket measured in records: `ratePerSecond` tokens accrue continuously up to `burst`; each
 * record takes one. All time comes from the injected {@link TaskClock}, so tests check the arithmetic
 * with a simulated clock instead of sleeping.
 *
 * @example
 * ```ts
 * const limiter = new RateLimiter(100, 100, systemTaskClock)
 * const n = await limiter.acquire(1000, [signal]) // waits until at least one record may go, returns <= 1000
 * ```
 */
export class RateLimiter {
  readonly ratePerSecond: number
  readonly burst: number
  readonly #clock: TaskClock
  #tokens: number
  #last: number

  /**
   * @param ratePerSecond records per second, > 0
   * @param burst the most records that may go at once after an idle period (at least 1)
   */
  constructor(ratePerSecond: number, burst: number, clock: TaskClock) {
    if (!(ratePerSecond > 0)) throw new RangeError(`rate must be positive, got ${ratePerSecond}`)
    this.ratePerSecond = ratePerSecond
    this.burst = Math.max(1, burst)
    this.#clock = clock
    // The first record goes at once; later ones are paced.
    this.#tokens = 1
    this.#last = clock.now()
  }

  /** Tokens available now (fractional). */
  get available(): number {
    this.#refill()
    return this.#tokens
  }

  /**
   * Takes between 1 and `max` tokens, waiting until at least one is available. Returns 0 only when one
   * of `signals` aborted while waiting.
   */
  async acquire(max: number, signals: readonly AbortSignal[] = []): Promise<number> {
    if (max <= 0) return 0
    for (;;) {
      if (signals.some((s) => s.aborted)) return 0
      this.#refill()
      // The epsilon absorbs float error: 10 ms at 100/s must be exactly one token.
      const whole = Math.floor(this.#tokens + 1e-9)
      if (whole >= 1) {
        const n = Math.min(max, whole)
        this.#tokens -= n
        return n
      }
      const waitMs = Math.max(1, Math.ceil(((1 - this.#tokens) * 1000) / this.ratePerSecond - 1e-9))
      await this.#clock.sleep(waitMs, ...signals)
    }
  }

  #refill(): void {
    const now = this.#clock.now()
    const elapsed = now - this.#last
    this.#last = now
    if (elapsed > 0) this.#tokens = Math.min(this.burst, this.#tokens + (elapsed * this.ratePerSecond) / 1000)
  }
}
