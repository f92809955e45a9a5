import type { Stage } from '@sluice/api'
import { ConfigError, ConnectError, DataError, RetriableError } from '@sluice/api'
import { ErrorCounts } from './error-counts.js'

/** Kafka Connect's `Stage` names, as written to the `__connect.errors.stage` header. */
export type KafkaStage =
  | 'KEY_CONVERTER'
  | 'VALUE_CONVERTER'
  | 'HEADER_CONVERTER'
  | 'TRANSFORMATION'
  | 'KAFKA_PRODUCE'
  | 'KAFKA_CONSUME'
  | 'TASK_PUT'
  | 'TASK_POLL'

const KAFKA_STAGE: Partial<Record<Stage, KafkaStage>> = {
  'convert.key': 'KEY_CONVERTER',
  'convert.value': 'VALUE_CONVERTER',
  'convert.header': 'HEADER_CONVERTER',
  transform: 'TRANSFORMATION',
  produce: 'KAFKA_PRODUCE',
  consume: 'KAFKA_CONSUME',
  put: 'TASK_PUT',
  poll: 'TASK_POLL',
}

/** Stages where any error is tolerated with `errors.tolerance=all` (Kafka: converters and transforms). */
const TOLERATES_ANY: ReadonlySet<KafkaStage> = new Set([
  'KEY_CONVERTER',
  'VALUE_CONVERTER',
  'HEADER_CONVERTER',
  'TRANSFORMATION',
])

/** The `errors.*` settings of a connector (KIP-298). */
export interface ErrorHandlingSpec {
  /** `errors.retry.timeout` in ms; -1 retries forever, 0 never. */
  readonly retryTimeoutMs: number
  /** `errors.retry.delay.max.ms`. */
  readonly retryDelayMaxMs: number
  readonly tolerance: 'none' | 'all'
  readonly logEnable: boolean
  readonly logIncludeMessages: boolean
  /** `errors.deadletterqueue.topic.name`; '' = no DLQ. */
  readonly dlqTopic: string
  readonly dlqReplicationFactor: number
  readonly dlqContextHeaders: boolean
}

export const defaultErrorHandling: ErrorHandlingSpec = {
  retryTimeoutMs: 0,
  retryDelayMaxMs: 60_000,
  tolerance: 'none',
  logEnable: false,
  logIncludeMessages: false,
  dlqTopic: '',
  dlqReplicationFactor: 3,
  dlqContextHeaders: false,
}

/** Kafka's first retry delay; it doubles per attempt up to `errors.retry.delay.max.ms`. */
export const RETRY_INITIAL_DELAY_MS = 300

/** Where a failed record came from (a consumed record for sinks, a source position for sources). */
export interface ErrantOrigin {
  readonly topic: string
  readonly partition: number
  readonly offset: number
  readonly timestamp: number
  /** 0 none, 1 CreateTime, 2 LogAppendTime. */
  readonly timestampType: number
}

/** One failure the operator tolerated: what the log line and the DLQ record are made of. */
export interface ErrantReport {
  readonly stage: KafkaStage
  readonly executingClass: string
  readonly error: Error
  readonly origin: ErrantOrigin | undefined
  /** The stage's input as the caller knows it (the raw consumed tuple, the source record). */
  readonly raw: unknown
}

/** The Java class name Kafka would put in `__connect.errors.exception.class.name` for `err`. */
export function javaExceptionClass(err: Error): string {
  if (err instanceof RetriableError || (ConnectError.is(err) && err.code === 'XC_RETRIABLE'))
    return 'org.apache.kafka.connect.errors.RetriableException'
  if (err instanceof DataError || (ConnectError.is(err) && err.code === 'XC_DATA'))
    return 'org.apache.kafka.connect.errors.DataException'
  if (err instanceof ConfigError) return 'org.apache.kafka.common.config.ConfigException'
  if (ConnectError.is(err)) return 'org.apache.kafka.connect.errors.ConnectException'
  return err.name
}

/** `printStackTrace` layout: `Class: message`, `\tat` frames, then `Caused by:` per cause. */
export function javaStackTrace(err: Error): string {
  const parts: string[] = []
  let cur: unknown = err
  for (let i = 0; cur instanceof Error && i < 8; i++) {
    const frames = (cur.stack ?? '')
      .split('\n')
      .filter((l) => /^\s+at /.test(l))
      .map((l) => `\tat ${l.trim().slice(3)}`)
    const head = `${javaExceptionClass(cur)}: ${cur.message}`
    parts.push(i === 0 ? head : `Caused by: ${head}`, ...frames)
    cur = cur.cause
  }
  return `${parts.join('\n')}\n`
}

/**
 * The error a plugin threw inside a stage: the runtime wraps converter and transform failures to name
 * the record, and Kafka reports the plugin's own exception.
 */
export function pluginError(err: Error): Error {
  if (
    ConnectError.is(err) &&
    (err.code === 'XC_CONVERTER' || err.code === 'XC_TRANSFORM') &&
    err.cause instanceof Error
  )
    return err.cause
  return err
}

/** The marker returned for a record the operator skipped (tolerated and reported). */
export const SKIP: unique symbol = Symbol('sluice.errors.skip')

export interface ErrorHandlerDeps {
  readonly taskId: string
  readonly now: () => number
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>
  readonly signal: AbortSignal
  /** Log and/or DLQ; resolves once the report is durable (the DLQ broker ack). */
  readonly report: (r: ErrantReport) => Promise<void>
  /** The executing class of a stage (converter, transform or connector class). */
  readonly classOf: (stage: KafkaStage, err: Error) => string
}

/**
 * Kafka Connect's RetryWithToleranceOperator as one operator around every stage of a task's
 * pipeline. The success path costs nothing but the caller's try/catch: the operator is entered only
 * when a stage threw. It then retries a RetriableError with capped exponential backoff until
 * `errors.retry.timeout`, and either skips and reports the record (`errors.tolerance=all`) or fails
 * the task with Kafka's "Tolerance exceeded in error handler".
 */
export class ErrorHandler {
  readonly spec: ErrorHandlingSpec
  readonly #deps: ErrorHandlerDeps
  #pending: Array<Promise<void>> = []
  /** Records skipped so far (Kafka's total-records-skipped metric). */
  skipped = 0
  /** telemetry: Kafka's task-error-metrics since the last batch (taken by the task actor). */
  readonly counts = new ErrorCounts()

  constructor(spec: ErrorHandlingSpec, deps: ErrorHandlerDeps) {
    this.spec = spec
    this.#deps = deps
  }

  /** Kafka's stage for a Sluice stage (errors without a stage count as `fallback`). */
  static stageOf(err: unknown, fallback: KafkaStage): KafkaStage {
    const s = ConnectError.is(err) ? err.stage : undefined
    return (s !== undefined ? KAFKA_STAGE[s] : undefined) ?? fallback
  }

  /**
   * `op` threw `first` for the record from `origin`. Retries `op` while allowed; returns its result,
   * or {@link SKIP} when the failure is tolerated, or throws when it is not.
   */
  async handle<T>(
    first: unknown,
    op: () => T,
    fallbackStage: KafkaStage,
    origin: ErrantOrigin | undefined,
    raw?: unknown,
  ): Promise<T | typeof SKIP> {
    let err = toError(first)
    const start = this.#deps.now()
    this.counts.failed(start) // telemetry: every failed attempt is a failure
    for (let attempt = 1; isRetriable(err) && this.#mayRetry(start, attempt); attempt++) {
      const delay = this.#delay(start, attempt)
      await this.#deps.sleep(delay, this.#deps.signal)
      if (this.#deps.signal.aborted) throw err
      this.counts.retries++ // telemetry
      try {
        return op()
      } catch (e) {
        err = toError(e)
        this.counts.failed(this.#deps.now()) // telemetry
      }
    }
    this.counts.errors++ // telemetry: the record ended in error, tolerated or not
    const stage = ErrorHandler.stageOf(err, fallbackStage)
    if (!TOLERATES_ANY.has(stage) && !isRetriable(err))
      throw new ConnectError('XC_TASK_CRASHED', 'Unhandled exception in error handler', {
        ...(ConnectError.is(err) && err.stage !== undefined && { stage: err.stage }),
        cause: err,
      })
    if (this.spec.tolerance !== 'all')
      // Kafka's message, then which stage and record (Kafka's ProcessingContext wording) so the
      // FAILED trace names the record to fix.
      throw new ConnectError(
        'XC_TOLERANCE_EXCEEDED',
        `Tolerance exceeded in error handler: ${this.#context(stage, err, origin)}`,
        {
          ...(ConnectError.is(err) && err.stage !== undefined && { stage: err.stage }),
          cause: err,
        },
      )
    this.skipped++
    this.counts.skipped++ // telemetry
    const p = this.#deps.report({
      stage,
      executingClass: this.#deps.classOf(stage, err),
      error: pluginError(err),
      origin,
      raw,
    })
    this.#pending.push(p)
    return SKIP
  }

  /**
   * A failure outside the operator that `errors.tolerance=all` skips (Kafka: a failed producer send of
   * a source task, stage KAFKA_PRODUCE, `executeFailed`): counted, reported, drained with the batch.
   */
  tolerate(r: ErrantReport): void {
    this.skipped++
    this.#pending.push(this.#deps.report(r))
  }

  /** A report from connector code (the errant record reporter); drained with the batch. */
  reportErrant(r: ErrantReport): Promise<void> {
    this.counts.failed(this.#deps.now()) // telemetry: Kafka's executeFailed counts a failure
    const p = this.#deps.report(r)
    this.#pending.push(p.catch(() => undefined))
    return p
  }

  /** The log line of a tolerated error (Kafka's LogReporter + ProcessingContext wording). */
  logLine(r: ErrantReport): string {
    return `Error encountered in task ${this.#deps.taskId}. ${describeContext(r.stage, r.executingClass, this.spec.logIncludeMessages ? r.origin : undefined)}`
  }

  #context(stage: KafkaStage, err: Error, origin: ErrantOrigin | undefined): string {
    return describeContext(stage, this.#deps.classOf(stage, err), origin)
  }

  /** Waits until every report made so far is durable (before the batch counts as finished). */
  async drain(): Promise<void> {
    if (this.#pending.length === 0) return
    const p = this.#pending
    this.#pending = []
    await Promise.all(p)
  }

  #mayRetry(start: number, attempt: number): boolean {
    const t = this.spec.retryTimeoutMs
    if (t < 0) return true
    if (t === 0) return false
    return this.#deps.now() - start + this.#backoff(attempt) <= t || attempt === 1
  }

  #backoff(attempt: number): number {
    return Math.min(this.spec.retryDelayMaxMs, RETRY_INITIAL_DELAY_MS * 2 ** (attempt - 1))
  }

  /** Capped exponential delay, never past the retry deadline. */
  #delay(start: number, attempt: number): number {
    const d = this.#backoff(attempt)
    const t = this.spec.retryTimeoutMs
    if (t < 0) return d
    return Math.max(0, Math.min(d, start + t - this.#deps.now()))
  }
}

/** Kafka's `ProcessingContext.toString`: the stage, the executing class and (if given) the record. */
export function describeContext(
  stage: KafkaStage,
  executingClass: string,
  origin: ErrantOrigin | undefined,
): string {
  let s = `Executing stage '${stage}' with class '${executingClass}'`
  if (origin !== undefined) {
    const o = origin
    s += `, where consumed record is {topic='${o.topic}', partition=${o.partition}, offset=${o.offset}`
    if (o.timestampType === 1 || o.timestampType === 2)
      s += `, timestamp=${o.timestamp}, timestampType=${o.timestampType === 1 ? 'CreateTime' : 'LogAppendTime'}`
    s += '}'
  }
  return `${s}.`
}

function toError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e))
}

function isRetriable(err: Error): boolean {
  return err instanceof RetriableError || (ConnectError.is(err) && err.retriable)
}
