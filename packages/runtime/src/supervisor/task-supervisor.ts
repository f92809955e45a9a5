import type { ConnectError } from '@sluice/api'
import type { Clock } from '../clock.js'
import { RestartPolicy, type RestartPolicyOptions } from './restart-policy.js'

/**
 * How a task failure is treated:
 * - `data`: bad data or bad config (a converter, a transform, tolerance exceeded, an invalid key).
 *   Restarting replays the same record and fails again, so the task goes FAILED at once.
 * - `retriable`: the connector or the client said it may succeed later (RetriableException, a
 *   retriable Kafka error, a lost task thread). Restarted from the committed offsets with backoff.
 * - `crash`: anything else thrown by connector code. Java Kafka Connect fails the task; Sluice
 *   restarts it within the same budget as a retriable failure (and says so in /status and the log).
 */
export type FailureClass = 'data' | 'retriable' | 'crash'

const DATA_CODES: ReadonlySet<string> = new Set([
  'XC_DATA',
  'XC_CONVERTER',
  'XC_TRANSFORM',
  'XC_SCHEMA_PROJECTOR',
  'XC_CONFIG_INVALID',
  'XC_TOLERANCE_EXCEEDED',
])

/** Classifies a failure by its code and retriable flag (never by its message). */
export function classifyFailure(err: ConnectError): FailureClass {
  if (DATA_CODES.has(err.code)) return 'data'
  // A send the producer gave up on (record too large, invalid topic, …) after librdkafka's own
  // retries: a restart re-sends the same records and fails again, so it fails at once (as in Kafka).
  if (err.code === 'XC_KAFKA' && err.stage === 'produce' && !err.retriable) return 'data'
  if (err.retriable || err.code === 'XC_WORKER_LOST' || err.code === 'XC_KAFKA_RETRIABLE') return 'retriable'
  return 'crash'
}

/** What the supervisor decided after a task failure. */
export type SupervisorDecision =
  | {
      readonly action: 'restart'
      readonly delayMs: number
      /** 1-based attempt number within the policy window. */
      readonly attempt: number
      readonly maxAttempts: number
      readonly failure: FailureClass
    }
  | { readonly action: 'fail'; readonly failure: FailureClass; readonly reason: string }

/**
 * The one place where task restart decisions are made (one instance per task). A data error fails
 * at once; other failures restart with capped exponential backoff until the policy's budget is spent.
 * With `maxRestarts: 0` it behaves as Java Kafka Connect: a failed task stays FAILED until restarted
 * through REST.
 */
export class TaskSupervisor {
  readonly #policy: RestartPolicy
  readonly #opts: RestartPolicyOptions

  constructor(clock: Clock, opts: RestartPolicyOptions) {
    this.#opts = opts
    this.#policy = new RestartPolicy(clock, opts)
  }

  onFailure(err: ConnectError): SupervisorDecision {
    const failure = classifyFailure(err)
    if (failure === 'data')
      return { action: 'fail', failure, reason: 'a data error is not retried (it would fail again)' }
    if (err.code === 'XC_PRODUCER_FENCED')
      // A restart would fence the task's newer instance in turn (initTransactions bumps the epoch).
      return {
        action: 'fail',
        failure,
        reason:
          'its transactional producer was fenced by a newer instance of the task (a zombie must not restart)',
      }
    if (this.#opts.maxRestarts <= 0)
      return {
        action: 'fail',
        failure,
        reason: 'automatic restarts are disabled (task.restart.max.attempts=0)',
      }
    const d = this.#policy.onFailure()
    if (!d.restart)
      return {
        action: 'fail',
        failure,
        reason: `gave up after ${this.#opts.maxRestarts} restarts within ${this.#opts.windowMs} ms`,
      }
    return {
      action: 'restart',
      delayMs: d.delayMs,
      attempt: this.#policy.recentFailures,
      maxAttempts: this.#opts.maxRestarts,
      failure,
    }
  }

  /** A manual restart (REST) resets the budget. */
  reset(): void {
    this.#policy.reset()
  }
}
