import { Connection, type ConnectionOptions, findCoordinatorV6, initProducerIdV5 } from '@platformatic/kafka'
import { codeOf, connectionSecurity, withBootstrapConnection } from './group-client.js'

/**
 * Zombie fencing for KIP-618 (what Java's `Admin.fenceProducers` does): for each transactional id,
 * FindCoordinator (key type TRANSACTION) and InitProducerId on it. The coordinator bumps the id's
 * epoch and aborts its open transaction, so a producer still using the old epoch (a zombie task) can
 * never commit again. Done on `@platformatic/kafka`'s raw API (ADR 0021): librdkafka has no admin
 * fencing call, and a transactional producer per id would be far heavier.
 */

/** Kafka error codes the fencing loop reacts to. */
export const FenceErrors = {
  COORDINATOR_LOAD_IN_PROGRESS: 14,
  COORDINATOR_NOT_AVAILABLE: 15,
  NOT_COORDINATOR: 16,
  CONCURRENT_TRANSACTIONS: 51,
} as const

const RETRIABLE: readonly number[] = Object.values(FenceErrors)

export interface FenceProducersOptions {
  readonly bootstrapServers: string
  readonly clientId: string
  /** Kafka client keys (`security.protocol`, `sasl.*`, `ssl.*`). */
  readonly security?: Readonly<Record<string, string>>
  /** How long to keep retrying coordinator errors, in total. */
  readonly timeoutMs: number
  /** Transaction timeout sent with InitProducerId (Java's fencing sends 90 s as observed). */
  readonly transactionTimeoutMs?: number
}

/** A fencing that could not complete, with the Kafka error code when there is one. */
export class FenceError extends Error {
  constructor(
    readonly transactionalId: string,
    readonly errorCode: number | undefined,
    options?: ErrorOptions,
  ) {
    super(
      `Could not fence transactional id ${transactionalId}${errorCode === undefined ? '' : ` (Kafka error ${errorCode})`}`,
      options,
    )
    this.name = 'FenceError'
  }
}

/** Fences every id in `transactionalIds` (in parallel); resolves with each id's new epoch. */
export async function fenceProducers(
  transactionalIds: readonly string[],
  options: FenceProducersOptions,
): Promise<Map<string, number>> {
  const connection: ConnectionOptions = {
    ...connectionSecurity(options.security ?? {}),
    requestTimeout: 30_000,
    connectTimeout: 10_000,
  }
  const deadline = Date.now() + options.timeoutMs
  const out = new Map<string, number>()
  await Promise.all(
    transactionalIds.map(async (id) => {
      out.set(id, await fenceOne(id, options, connection, deadline))
    }),
  )
  return out
}

async function fenceOne(
  id: string,
  options: FenceProducersOptions,
  connection: ConnectionOptions,
  deadline: number,
): Promise<number> {
  for (let wait = 50; ; wait = Math.min(wait * 2, 1_000)) {
    let code: number | undefined
    let cause: unknown
    try {
      const found = await withBootstrapConnection(
        options.bootstrapServers,
        options.clientId,
        connection,
        (c) => findCoordinatorV6.api.async(c, 1, [id]),
      )
      const co = found.coordinators[0]
      if (co === undefined || co.errorCode !== 0)
        code = co?.errorCode ?? FenceErrors.COORDINATOR_NOT_AVAILABLE
      else {
        const c = new Connection(options.clientId, connection)
        try {
          await c.connect(co.host, co.port)
          const r = await initProducerIdV5.api.async(c, id, options.transactionTimeoutMs ?? 90_000, -1n, -1)
          if (r.errorCode === 0) return r.producerEpoch
          code = r.errorCode
        } finally {
          await c.close().catch(() => undefined)
        }
      }
    } catch (err) {
      code = codeOf(err)
      cause = err
      // A connection error (no Kafka code) is retried like an unavailable coordinator.
      if (code === undefined) code = FenceErrors.COORDINATOR_NOT_AVAILABLE
    }
    if (!RETRIABLE.includes(code) || Date.now() + wait > deadline)
      throw new FenceError(id, code, cause === undefined ? undefined : { cause })
    await new Promise((r) => setTimeout(r, wait))
  }
}
