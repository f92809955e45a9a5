/**
 * Time as the MySQL task sees it: the poll's wait for a full batch and the heartbeat interval. The task
 * takes it as a constructor option so tests drive those waits by hand instead of sleeping on the wall
 * clock (the same shape as the file connectors' clock; connectors share only `@sluice/api`).
 */
export interface TaskClock {
  /** Milliseconds since some fixed origin (only differences matter). */
  now(): number
  /**
   * Resolves after `ms` milliseconds, or as soon as any of `signals` aborts (never rejects: callers check
   * the signals afterwards).
   */
  sleep(ms: number, ...signals: readonly AbortSignal[]): Promise<void>
}

/** The real clock: `performance.now()` and `setTimeout`. */
export const systemTaskClock: TaskClock = {
  now: () => performance.now(),
  sleep: (ms, ...signals) =>
    new Promise<void>((resolve) => {
      if (signals.some((s) => s.aborted)) {
        resolve()
        return
      }
      const done = (): void => {
        clearTimeout(timer)
        for (const s of signals) s.removeEventListener('abort', done)
        resolve()
      }
      const timer = setTimeout(done, Math.max(0, ms))
      for (const s of signals) s.addEventListener('abort', done, { once: true })
    }),
}
