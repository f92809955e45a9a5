/**
 * The one error family of Sluice. Every failure that crosses a component boundary is a
 * {@link ConnectError} with a stable `code`, a `retriable` flag and, where it applies, the pipeline
 * `stage` it happened in. Callers branch on `code`/`retriable`, never on message text.
 *
 * Errors cross thread boundaries only through {@link encodeError} / {@link decodeError}: structured
 * clone keeps `message`, `stack` and `cause` but drops `name`, `code` and the subclass.
 *
 * @packageDocumentation
 */

/** Closed set of error codes. */
export type ErrorCode =
  | 'XC_CONNECT'
  | 'XC_CONFIG_INVALID'
  | 'XC_DATA'
  | 'XC_SCHEMA_PROJECTOR'
  | 'XC_RETRIABLE'
  | 'XC_NOT_FOUND'
  | 'XC_ALREADY_EXISTS'
  | 'XC_ILLEGAL_STATE'
  | 'XC_CONVERTER'
  | 'XC_TRANSFORM'
  | 'XC_TASK_CRASHED'
  | 'XC_WORKER_LOST'
  | 'XC_TIMEOUT'
  | 'XC_ABORTED'
  | 'XC_KAFKA'
  | 'XC_KAFKA_RETRIABLE'
  | 'XC_PLUGIN'
  | 'XC_BAD_REQUEST'
  | 'XC_FORBIDDEN'
  | 'XC_TOLERANCE_EXCEEDED'
  /** KIP-618: a newer instance of the task fenced this one's transactional producer; never restarted. */
  | 'XC_PRODUCER_FENCED'

/** Pipeline stage an error happened in (Kafka Connect's `Stage`). */
export type Stage =
  | 'task.start'
  | 'task.stop'
  | 'poll'
  | 'put'
  | 'flush'
  | 'commit'
  | 'convert.key'
  | 'convert.value'
  | 'convert.header'
  | 'transform'
  | 'produce'
  | 'consume'
  | 'connector'

/** Options accepted by every {@link ConnectError} constructor. */
export interface ConnectErrorOptions {
  readonly retriable?: boolean
  readonly stage?: Stage
  readonly cause?: unknown
  /** Connector name, when known. */
  readonly connector?: string
  /** Task id, when known. */
  readonly taskId?: number
}

const BRAND = Symbol.for('sluice.connect.error')

/**
 * Base error of Sluice (Kafka Connect's `ConnectException`).
 *
 * @example
 * ```ts
 * throw new ConnectError('XC_TRANSFORM', 'field "id" is missing', { stage: 'transform' })
 * if (ConnectError.is(err) && err.retriable) retry()
 * ```
 */
export class ConnectError extends Error {
  readonly code: ErrorCode
  readonly retriable: boolean
  readonly stage: Stage | undefined
  readonly connector: string | undefined
  readonly taskId: number | undefined

  constructor(code: ErrorCode, message: string, options: ConnectErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'ConnectError'
    this.code = code
    this.retriable = options.retriable ?? false
    this.stage = options.stage
    this.connector = options.connector
    this.taskId = options.taskId
    Object.defineProperty(this, BRAND, { value: true })
  }

  /** True for any {@link ConnectError}, also one created by another copy of this package. */
  static is(err: unknown): err is ConnectError {
    return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[BRAND] === true
  }
}

/** A failure that may succeed if retried (Kafka Connect's `RetriableException`). */
export class RetriableError extends ConnectError {
  constructor(message: string, options: Omit<ConnectErrorOptions, 'retriable'> = {}) {
    super('XC_RETRIABLE', message, { ...options, retriable: true })
    this.name = 'RetriableError'
  }
}

/** Bad data: a record or value that does not fit its schema (Kafka Connect's `DataException`). */
export class DataError extends ConnectError {
  constructor(message: string, options: Omit<ConnectErrorOptions, 'retriable'> = {}) {
    super('XC_DATA', message, { ...options, retriable: false })
    this.name = 'DataError'
  }
}

/** A config that does not validate. `errors` maps each bad key to its messages. */
export class ConfigError extends ConnectError {
  readonly errors: Readonly<Record<string, readonly string[]>>
  constructor(
    message: string,
    errors: Readonly<Record<string, readonly string[]>> = {},
    options: ConnectErrorOptions = {},
  ) {
    super('XC_CONFIG_INVALID', message, { ...options, retriable: false })
    this.name = 'ConfigError'
    this.errors = errors
  }
}

/** Something named (connector, task, plugin) does not exist. */
export class NotFoundError extends ConnectError {
  constructor(message: string, options: ConnectErrorOptions = {}) {
    super('XC_NOT_FOUND', message, options)
    this.name = 'NotFoundError'
  }
}

/** A connector (or other named thing) that is being created already exists (REST 409). */
export class AlreadyExistsError extends ConnectError {
  constructor(message: string, options: ConnectErrorOptions = {}) {
    super('XC_ALREADY_EXISTS', message, options)
    this.name = 'AlreadyExistsError'
  }
}

/** A request that is malformed or not allowed in the current state (REST 400). */
export class BadRequestError extends ConnectError {
  constructor(message: string, options: ConnectErrorOptions = {}) {
    super('XC_BAD_REQUEST', message, options)
    this.name = 'BadRequestError'
  }
}

/** A request the worker's configuration forbids, e.g. topic tracking disabled (REST 403). */
export class ForbiddenError extends ConnectError {
  constructor(message: string, options: ConnectErrorOptions = {}) {
    super('XC_FORBIDDEN', message, options)
    this.name = 'ForbiddenError'
  }
}

/** Plain-data form of an error, safe to pack with msgpackr or clone across threads. */
export interface ErrorEnvelope {
  readonly name: string
  readonly code: ErrorCode
  readonly message: string
  readonly stack: string | undefined
  readonly retriable: boolean
  readonly stage: Stage | undefined
  readonly connector: string | undefined
  readonly taskId: number | undefined
  readonly errors: Readonly<Record<string, readonly string[]>> | undefined
  readonly cause: ErrorEnvelope | undefined
}

/** Encodes any thrown value as an {@link ErrorEnvelope}; non-Connect errors become `XC_CONNECT`. */
export function encodeError(err: unknown, depth = 0): ErrorEnvelope {
  const e = err instanceof Error ? err : new Error(typeof err === 'string' ? err : JSON.stringify(err))
  const c = ConnectError.is(e) ? e : undefined
  return {
    name: e.name,
    code: c?.code ?? 'XC_CONNECT',
    message: e.message,
    stack: e.stack,
    retriable: c?.retriable ?? false,
    stage: c?.stage,
    connector: c?.connector,
    taskId: c?.taskId,
    errors: e instanceof ConfigError ? e.errors : undefined,
    cause: e.cause !== undefined && depth < 8 ? encodeError(e.cause, depth + 1) : undefined,
  }
}

/** Rebuilds a {@link ConnectError} (with the right subclass) from an {@link ErrorEnvelope}. */
export function decodeError(env: ErrorEnvelope): ConnectError {
  const options: ConnectErrorOptions = {
    retriable: env.retriable,
    ...(env.stage !== undefined && { stage: env.stage }),
    ...(env.connector !== undefined && { connector: env.connector }),
    ...(env.taskId !== undefined && { taskId: env.taskId }),
    ...(env.cause !== undefined && { cause: decodeError(env.cause) }),
  }
  let err: ConnectError
  switch (env.code) {
    case 'XC_RETRIABLE':
      err = new RetriableError(env.message, options)
      break
    case 'XC_DATA':
      err = new DataError(env.message, options)
      break
    case 'XC_CONFIG_INVALID':
      err = new ConfigError(env.message, env.errors ?? {}, options)
      break
    case 'XC_NOT_FOUND':
      err = new NotFoundError(env.message, options)
      break
    case 'XC_ALREADY_EXISTS':
      err = new AlreadyExistsError(env.message, options)
      break
    case 'XC_BAD_REQUEST':
      err = new BadRequestError(env.message, options)
      break
    case 'XC_FORBIDDEN':
      err = new ForbiddenError(env.message, options)
      break
    default:
      err = new ConnectError(env.code, env.message, options)
  }
  err.name = env.name
  if (env.stack !== undefined) err.stack = env.stack
  return err
}

/** Kafka Connect's status `trace`: the stack of the error followed by its causes. */
export function errorTrace(err: unknown): string {
  const parts: string[] = []
  let cur: unknown = err
  for (let i = 0; cur !== undefined && cur !== null && i < 8; i++) {
    const e = cur instanceof Error ? cur : new Error(String(cur))
    parts.push(i === 0 ? (e.stack ?? `${e.name}: ${e.message}`) : `Caused by: ${e.stack ?? e.message}`)
    cur = e.cause
  }
  return parts.join('\n')
}
