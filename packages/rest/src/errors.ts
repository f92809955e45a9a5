import { ConnectError } from '@sluice/api'
import { JacksonError } from './jackson-json.js'

/**
 * An error with an explicit HTTP status (Kafka Connect's `ConnectRestException`). `errorCode` is the
 * `error_code` of the body and equals the status unless given.
 */
export class RestError extends Error {
  readonly status: number
  readonly errorCode: number

  constructor(status: number, message: string | null, errorCode: number = status) {
    super(message ?? '')
    this.name = 'RestError'
    this.status = status
    this.errorCode = errorCode
    this.nullMessage = message === null
  }

  /** Java exceptions may carry no message; the body then says `"message":null`. */
  readonly nullMessage: boolean
}

/** Kafka Connect's `ErrorMessage` entity. */
export interface ErrorBody {
  readonly error_code: number
  readonly message: string | null
}

/** The reason phrases Jersey puts in messages of its own errors (`HTTP 404 Not Found`). */
const REASONS: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
}

/** An error Jersey raises itself (`WebApplicationException`), e.g. `HTTP 405 Method Not Allowed`. */
export function jerseyError(status: number): RestError {
  return new RestError(status, `HTTP ${status} ${REASONS[status] ?? ''}`.trimEnd())
}

/**
 * Maps anything a route or the herder threw to Kafka Connect's status and body — the one place that does
 * (Kafka Connect's `ConnectExceptionMapper`):
 * `RestError` → its status; `NotFoundError` → 404; `AlreadyExistsError` → 409; `BadRequestError` and
 * `ConfigError` → 400; `ForbiddenError` → 403; Jackson body errors and anything else → 500.
 */
export function toErrorResponse(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof RestError) {
    return {
      status: err.status,
      body: { error_code: err.errorCode, message: err.nullMessage ? null : err.message },
    }
  }
  if (err instanceof JacksonError) return { status: 500, body: { error_code: 500, message: err.message } }
  if (ConnectError.is(err)) {
    // Distributed mode's 409 (rebalance, stale config), 403/503 (internal request signatures).
    const chosen = (err as { httpStatus?: unknown }).httpStatus
    const status = typeof chosen === 'number' ? chosen : statusOfCode(err.code)
    return { status, body: { error_code: status, message: err.message } }
  }
  const message = err instanceof Error ? err.message : String(err)
  return { status: 500, body: { error_code: 500, message } }
}

function statusOfCode(code: ConnectError['code']): number {
  switch (code) {
    case 'XC_NOT_FOUND':
      return 404
    case 'XC_ALREADY_EXISTS':
      return 409
    case 'XC_BAD_REQUEST':
    case 'XC_CONFIG_INVALID':
      return 400
    case 'XC_FORBIDDEN':
      return 403
    default:
      return 500
  }
}

/**
 * The Java class Kafka Connect would name for an error, for the messages where Java prints
 * `exception.toString()` (e.g. the validate endpoint wraps herder failures in an `ExecutionException`).
 */
export function javaClassOf(err: unknown): string {
  if (ConnectError.is(err)) {
    switch (err.code) {
      case 'XC_NOT_FOUND':
        return 'org.apache.kafka.connect.errors.NotFoundException'
      case 'XC_ALREADY_EXISTS':
        return 'org.apache.kafka.connect.errors.AlreadyExistsException'
      case 'XC_BAD_REQUEST':
        return 'org.apache.kafka.connect.runtime.rest.errors.BadRequestException'
      case 'XC_CONFIG_INVALID':
        return 'org.apache.kafka.common.config.ConfigException'
      default:
        return 'org.apache.kafka.connect.errors.ConnectException'
    }
  }
  if (err instanceof RestError) {
    return err.status === 400
      ? 'org.apache.kafka.connect.runtime.rest.errors.BadRequestException'
      : 'org.apache.kafka.connect.runtime.rest.errors.ConnectRestException'
  }
  return 'java.lang.RuntimeException'
}
