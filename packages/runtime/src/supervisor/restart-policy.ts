import type { Clock } from '../clock.js'

/** Settings of the restart policy (worker keys `task.restart.*`). */
export interface RestartPolicyOptions {
  /** First delay after a failure. */
  readonly initialBackoffMs: number
  /** Cap of the exponential delay. */
  readonly maxBackoffMs: number
  /** Failures allowed within `windowMs` before the child is given up on (FAILED). */
  readonly maxRestarts: number
  readonly windowMs: number
}

export const defaultRestartPolicy: RestartPolicyOptions = {
  initialBackoffMs: 1000,
  maxBackoffMs: 60_000,
  maxRestarts: 5,
  windowMs: 600_000,
}

/** What to do after a failure. */
export type RestartDecision =
  | { readonly restart: true; readonly delayMs: number }
  | { readonly restart: false }

/**
 * Capped exponential backoff with an intensity limit (Erlang's "max restarts in a period"). One
 * instance per supervised child. Failures older than the window are forgotten, so a child that ran
 * healthily for a while starts again from the initial delay.
 */
export class RestartPolicy {
  readonly #opts: RestartPolicyOptions
  readonly #clock: Clock
  #failures: number[] = []

  constructor(clock: Clock, opts: RestartPolicyOptions = defaultRestartPolicy) {
    this.#clock = clock
    this.#opts = opts
  }

  /** Records a failure now and decides whether (and when) to restart. */
  onFailure(): RestartDecision {
    const now = this.#clock.now()
    this.#failures = this.#failures.filter((t) => now - t < this.#opts.windowMs)
    this.#failures.push(now)
    const n = this.#failures.length
    if (n > this.#opts.maxRestarts) return { restart: false }
    const delayMs = Math.min(this.#opts.maxBackoffMs, this.#opts.initialBackoffMs * 2 ** (n - 1))
    return { restart: true, delayMs }
  }

  /** Forgets past failures (a manual restart through REST resets the budget). */
  reset(): void {
    this.#failures = []
  }

  get recentFailures(): number {
    return this.#failures.length
  }
}
