import type { RecordErrorEvent } from '@sluice/telemetry'

/**
 * What the KIP-298 operator of one task counted since the last batch left the pool thread: Kafka's
 * `task-error-metrics` figures as deltas (the fields of @sluice/telemetry's RecordErrorEvent). The task actor takes them into the batch message it sends
 * anyway (and into its last message when it stops or fails), so the main thread publishes one event
 * per batch and never one per record.
 */
export type ErrorCountsDelta = Omit<RecordErrorEvent, 'connector' | 'task'>

/** The mutable counters behind {@link ErrorCountsDelta}; plain fields so counting is one increment. */
export class ErrorCounts {
  failures = 0
  errors = 0
  skipped = 0
  retries = 0
  logged = 0
  dlqRequests = 0
  dlqFailures = 0
  lastErrorTime = 0

  /** A failed attempt at `now` (Kafka's recordFailure + markAsFailed's timestamp). */
  failed(now: number): void {
    this.failures++
    this.lastErrorTime = now
  }

  /** The counts since the last call (undefined when nothing happened), and a reset. */
  take(): ErrorCountsDelta | undefined {
    if (
      this.failures === 0 &&
      this.errors === 0 &&
      this.skipped === 0 &&
      this.retries === 0 &&
      this.logged === 0 &&
      this.dlqRequests === 0 &&
      this.dlqFailures === 0
    )
      return undefined
    const d: ErrorCountsDelta = {
      failures: this.failures,
      errors: this.errors,
      skipped: this.skipped,
      retries: this.retries,
      logged: this.logged,
      dlqRequests: this.dlqRequests,
      dlqFailures: this.dlqFailures,
      lastErrorTime: this.lastErrorTime,
    }
    this.failures = 0
    this.errors = 0
    this.skipped = 0
    this.retries = 0
    this.logged = 0
    this.dlqRequests = 0
    this.dlqFailures = 0
    this.lastErrorTime = 0
    return d
  }
}
