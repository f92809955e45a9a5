/**
 * Time as restart/backoff/flush logic sees it. Injected so tests drive time by hand instead of
 * sleeping on the wall clock.
 */
export interface Clock {
  now(): number
  setTimeout(fn: () => void, ms: number): ClockTimer
  clearTimeout(timer: ClockTimer): void
}

/** Opaque timer handle. */
export interface ClockTimer {
  readonly id: number
}

/** The real clock; timers are unref'd so a pending restart never keeps the process alive. */
export const systemClock: Clock = (() => {
  let next = 1
  const timers = new Map<number, NodeJS.Timeout>()
  return {
    now: () => Date.now(),
    setTimeout(fn, ms) {
      const id = next++
      const t = setTimeout(() => {
        timers.delete(id)
        fn()
      }, ms)
      t.unref()
      timers.set(id, t)
      return { id }
    },
    clearTimeout(timer) {
      const t = timers.get(timer.id)
      if (t !== undefined) clearTimeout(t)
      timers.delete(timer.id)
    },
  }
})()

/** A clock that only moves when told to; for tests. */
export class ManualClock implements Clock {
  #now: number
  #next = 1
  #timers = new Map<number, { at: number; fn: () => void }>()

  constructor(start = 0) {
    this.#now = start
  }

  now(): number {
    return this.#now
  }

  setTimeout(fn: () => void, ms: number): ClockTimer {
    const id = this.#next++
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), fn })
    return { id }
  }

  clearTimeout(timer: ClockTimer): void {
    this.#timers.delete(timer.id)
  }

  /** Number of timers not yet fired. */
  get pending(): number {
    return this.#timers.size
  }

  /** Moves time forward by `ms`, firing due timers in order. */
  advance(ms: number): void {
    const target = this.#now + ms
    for (;;) {
      let dueId: number | undefined
      let dueAt = Number.POSITIVE_INFINITY
      for (const [id, t] of this.#timers) {
        if (t.at <= target && t.at < dueAt) {
          dueAt = t.at
          dueId = id
        }
      }
      if (dueId === undefined) break
      const t = this.#timers.get(dueId)!
      this.#timers.delete(dueId)
      this.#now = t.at
      t.fn()
    }
    this.#now = target
  }
}
