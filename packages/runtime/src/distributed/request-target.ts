import { ConnectError } from '@sluice/api'

/**
 * What the distributed herder throws when another worker must serve a request (Kafka's
 * `RequestTargetException` family). The REST layer forwards the request there with Kafka's `?forward=`
 * hop rule, or answers 409 when there is nowhere to forward it.
 */

/** Thrown for a request the leader (or the owner of a connector) must serve. */
export class RequestTargetError extends ConnectError {
  /** Base URL of the worker to forward to, ending in `/`; null while no leader is known. */
  readonly forwardUrl: string | null

  constructor(message: string, forwardUrl: string | null) {
    super('XC_ILLEGAL_STATE', message)
    this.name = 'RequestTargetError'
    this.forwardUrl = forwardUrl
  }
}

/** `NotLeaderException`. */
export class NotLeaderError extends RequestTargetError {
  constructor(message: string, leaderUrl: string | null) {
    super(message, leaderUrl)
    this.name = 'NotLeaderError'
  }
}

/** `NotAssignedException`: the connector runs on another worker. */
export class NotAssignedError extends RequestTargetError {
  constructor(message: string, ownerUrl: string | null) {
    super(message, ownerUrl)
    this.name = 'NotAssignedError'
  }
}

export const REBALANCE_CONFLICT_MESSAGE =
  'Cannot complete request because of a conflicting operation (e.g. worker rebalance)'
export const STALE_CONFIG_MESSAGE =
  'Cannot complete request momentarily due to stale configuration (typically caused by a concurrent config change)'

/** A 409 answer (rebalance in progress, stale config), as Kafka's `ConnectRestException(CONFLICT, …)`. */
export class ConflictError extends ConnectError {
  readonly httpStatus = 409

  constructor(message: string) {
    super('XC_ILLEGAL_STATE', message)
    this.name = 'ConflictError'
  }
}

/** An error with an HTTP status chosen by the runtime (503 no session key, 403 bad signature, …). */
export class HttpStatusError extends ConnectError {
  constructor(
    readonly httpStatus: number,
    message: string,
  ) {
    super(httpStatus === 400 ? 'XC_BAD_REQUEST' : httpStatus === 403 ? 'XC_FORBIDDEN' : 'XC_CONNECT', message)
    this.name = 'HttpStatusError'
  }
}
