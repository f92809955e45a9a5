import type { SourceOffset, SourcePartition } from '@sluice/api'
import { BadRequestError, ConnectError, NotFoundError } from '@sluice/api'
import { FenceError, fenceProducers, TransactionalWriter } from '@sluice/kafka'
import type { EncodedRecord } from '../storage/config-records.js'
import { tasksFencingRecord } from '../storage/config-records.js'
import type { ClusterConfigSnapshot } from '../storage/config-state.js'
import { javaPartitionForKey } from '../storage/murmur2.js'
import { encodeOffsetKey, encodeOffsetValue } from '../storage/offset-records.js'
import type { ConnectorTaskId } from '../worker/worker-api.js'
import type { DistributedSettings } from './distributed-config.js'
import {
  HMAC_SHA256,
  SIGNATURE_ALGORITHM_HEADER,
  SIGNATURE_HEADER,
  signRequest,
} from './request-signature.js'
import { ConflictError, NotLeaderError } from './request-target.js'

/**
 * The distributed herder's KIP-618 duties, kept apart from the group loop (ADR 0028):
 * - the leader's transactional config-topic writer (`connect-cluster-<group.id>`), claimed after an
 *   election when `exactly.once.source.support` is `preparing` or `enabled`;
 * - zombie fencing of a connector's previous task generation (InitProducerId on each transactional id
 *   `<group.id>-<connector>-<task>`), then the `tasks-fencing-<c>` record;
 * - a follower's signed `PUT {leader}/connectors/{c}/fence`.
 */

/** Kafka's transactional id of an exactly-once source task. */
export function taskTransactionalId(groupId: string, id: ConnectorTaskId): string {
  return `${groupId}-${id.connector}-${id.task}`
}

/** Kafka's `ConnectUtils.clientIdBase`: `<group.id>-[<client.id>-]`. */
export function clientIdBase(settings: DistributedSettings): string {
  const user = settings.clientId?.trim() ?? ''
  return `${settings.groupId}-${user === '' ? '' : `${user}-`}`
}

export interface ExactlyOnceHerderDeps {
  readonly settings: DistributedSettings
  readonly kafkaClient: Readonly<Record<string, string | number | boolean>>
  readonly bootstrapServers: string
  readonly securityProps: Readonly<Record<string, string>>
  readonly log: { info(m: string): void; warn(m: string): void }
  /** Plain (non-transactional) config-topic write, used when EOS is disabled. */
  readonly plainWrite: (records: readonly EncodedRecord[]) => Promise<void>
  readonly readConfigToEnd: () => Promise<void>
  readonly snapshot: () => ClusterConfigSnapshot
  readonly isLeader: () => boolean
  readonly leaderUrl: () => string | null
  readonly isSourceConnector: (connector: string) => boolean
}

/** What the herder calls; one instance per herder. */
export class HerderExactlyOnce {
  readonly #d: ExactlyOnceHerderDeps
  #writer: TransactionalWriter | undefined
  #claiming: Promise<TransactionalWriter> | undefined
  /** After a failed privileged write: no new claim before this time (Java: 250 ms backoff). */
  #reclaimAfter = 0
  readonly #fencings = new Map<string, Promise<void>>()

  constructor(deps: ExactlyOnceHerderDeps) {
    this.#d = deps
  }

  /** `preparing` or `enabled`: the leader's config writes are transactional. */
  get transactionalConfigWrites(): boolean {
    return this.#d.settings.exactlyOnceSourceSupport !== 'disabled'
  }

  /** `enabled`: source tasks run exactly-once, with fencing and read_committed internal consumers. */
  get enabled(): boolean {
    return this.#d.settings.exactlyOnceSourceSupport === 'enabled'
  }

  /**
   * Kafka's `claimWritePrivileges`: a new transactional writer, whose initTransactions fences the
   * previous leader's. Called after each election won; a failure leaves the claim for the next write.
   */
  async claimWritePrivileges(): Promise<void> {
    if (!this.transactionalConfigWrites) return
    await this.#claim().catch((err: unknown) =>
      this.#d.log.warn(`Could not claim write privileges on the config topic: ${(err as Error).message}`),
    )
  }

  #claim(): Promise<TransactionalWriter> {
    if (this.#writer !== undefined && !this.#writer.broken) return Promise.resolve(this.#writer)
    this.#claiming ??= (async () => {
      const wait = this.#reclaimAfter - Date.now()
      if (wait > 0) await new Promise((r) => setTimeout(r, wait))
      const s = this.#d.settings
      const writer = await TransactionalWriter.open(
        {
          ...this.#d.kafkaClient,
          'transactional.id': `connect-cluster-${s.groupId}`,
          'client.id': `${clientIdBase(s)}configs-leader`,
        },
        s.configTopic,
        Math.max(30_000, s.workerSyncTimeoutMs),
      )
      this.#writer = writer
      this.#d.log.info(`Claimed write privileges on ${s.configTopic} as connect-cluster-${s.groupId}`)
      return writer
    })().finally(() => {
      this.#claiming = undefined
    })
    return this.#claiming
  }

  /** Leadership lost or the herder stops: the writer is closed (a new leader fences it anyway). */
  async releaseWritePrivileges(): Promise<void> {
    const w = this.#writer
    this.#writer = undefined
    await w?.close().catch(() => undefined)
  }

  /**
   * A leader-only config-topic write. Under `preparing`/`enabled` the records form one transaction
   * (Java: each privileged write is its own transaction); a failure drops the writer (fenced by a newer
   * leader, or broken) and is rethrown.
   */
  async privilegedWrite(records: readonly EncodedRecord[]): Promise<void> {
    if (!this.transactionalConfigWrites) return this.#d.plainWrite(records)
    const writer = await this.#claim()
    try {
      await writer.write(records, 0)
    } catch (err) {
      this.#reclaimAfter = Date.now() + 250
      await this.releaseWritePrivileges()
      throw new ConnectError(
        'XC_KAFKA',
        `This worker could not write to the config topic as the leader (it may have been fenced out by a newer leader): ${(err as Error).message}`,
        { cause: err, retriable: true },
      )
    }
  }

  /**
   * Kafka's `doFenceZombieSourceTasks` on the leader. A fencing is pending when the connector's task
   * configs were committed after its last `tasks-fencing-` record. Then, unless this is the first
   * generation or a 1→1 task change (the new task's own initTransactions fences the old one), every
   * transactional id of the previous generation is fenced; the new task count is recorded last.
   * Concurrent requests for one connector share one round.
   */
  fenceZombies(connector: string): Promise<void> {
    if (!this.#d.isLeader())
      throw new NotLeaderError('Only the leader may perform zombie fencing.', this.#d.leaderUrl())
    const running = this.#fencings.get(connector)
    if (running !== undefined) return running
    const p = this.#fence(connector).finally(() => this.#fencings.delete(connector))
    this.#fencings.set(connector, p)
    return p
  }

  async #fence(connector: string): Promise<void> {
    const d = this.#d
    if (d.snapshot().connectorConfig(connector) === undefined)
      throw new NotFoundError(`Connector ${connector} not found`)
    if (!d.isSourceConnector(connector))
      throw new BadRequestError(`Connector ${connector} is not a source connector`)
    await d.readConfigToEnd()
    const snapshot = d.snapshot()
    if (!snapshot.pendingFencing.has(connector)) return
    const taskCount = snapshot.taskCount(connector)
    const previous = snapshot.taskCountRecord(connector)
    if (previous !== undefined && (previous !== 1 || taskCount !== 1)) {
      const generation = snapshot.taskConfigGeneration(connector)
      const ids = Array.from({ length: previous }, (_, task) =>
        taskTransactionalId(d.settings.groupId, { connector, task }),
      )
      try {
        await fenceProducers(ids, {
          bootstrapServers: d.bootstrapServers,
          clientId: `${clientIdBase(d.settings)}fencing`,
          security: d.securityProps,
          timeoutMs: Math.max(30_000, d.settings.workerSyncTimeoutMs),
        })
      } catch (err) {
        throw new ConnectError(
          'XC_KAFKA',
          `Failed to perform zombie fencing for connector ${connector}: ${(err as Error).message}${err instanceof FenceError && err.errorCode === 53 ? ' (transactional id authorization failed: grant the worker WRITE on TransactionalId)' : ''}`,
          { cause: err, retriable: true },
        )
      }
      d.log.info(`Fenced ${ids.length} transactional id(s) of connector ${connector}: ${ids.join(', ')}`)
      await d.readConfigToEnd()
      if (d.snapshot().taskConfigGeneration(connector) > generation)
        throw new ConflictError(
          'Fencing failed because new task configurations were generated for the connector',
        )
    }
    await this.privilegedWrite([tasksFencingRecord(connector, taskCount)])
    await d.readConfigToEnd()
  }

  /**
   * KIP-875 under KIP-618: after the fencing, a source connector's offsets are written in one
   * transaction with its task 0's transactional id (as Java does), so no zombie can interleave.
   */
  async writeOffsetsAsTask0(
    connector: string,
    entries: ReadonlyArray<{ partition: SourcePartition; offset: SourceOffset | null }>,
    offsetsTopic: string,
    partitions: number,
  ): Promise<void> {
    const s = this.#d.settings
    const writer = await TransactionalWriter.open(
      {
        ...this.#d.kafkaClient,
        'transactional.id': taskTransactionalId(s.groupId, { connector, task: 0 }),
        'client.id': `${clientIdBase(s)}${connector}-offsets-writer`,
      },
      offsetsTopic,
      Math.max(30_000, s.workerSyncTimeoutMs),
    )
    try {
      await writer.write(
        entries.map((e) => {
          const key = encodeOffsetKey(connector, e.partition)
          return { key, value: encodeOffsetValue(e.offset), partition: javaPartitionForKey(key, partitions) }
        }),
        0,
      )
    } finally {
      await writer.close()
    }
  }

  /**
   * The preflight of an exactly-once task on this worker: fence locally when leading, else ask the
   * leader with a signed `PUT /connectors/{c}/fence` (retried while the group rebalances).
   */
  async preflightFence(id: ConnectorTaskId, signal: { readonly stopped: boolean }): Promise<void> {
    const deadline = Date.now() + Math.max(60_000, this.#d.settings.rebalanceTimeoutMs)
    for (let wait = 250; ; wait = Math.min(wait * 2, 5_000)) {
      let last: Error
      try {
        if (this.#d.isLeader()) return await this.fenceZombies(id.connector)
        const leader = this.#d.leaderUrl()
        if (leader === null) throw new ConflictError('No leader is known yet')
        const body = Buffer.alloc(0)
        const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': 'kafka-connect' }
        const key = this.#d.snapshot().sessionKey
        if (key !== null) {
          headers[SIGNATURE_HEADER] = signRequest(key, body)
          headers[SIGNATURE_ALGORITHM_HEADER] = HMAC_SHA256
        }
        const r = await fetch(`${leader}connectors/${encodeURIComponent(id.connector)}/fence`, {
          method: 'PUT',
          headers,
        })
        if (r.status < 300) return
        last = new Error(`leader ${leader} answered ${r.status}: ${await r.text()}`)
        // 4xx other than 409 (conflict, rebalance) and 403 (a key rotation) will not get better.
        if (r.status >= 400 && r.status < 500 && r.status !== 409 && r.status !== 403)
          throw new ConnectError('XC_CONNECT', `Failed to perform round of zombie fencing: ${last.message}`)
      } catch (err) {
        if (err instanceof NotFoundError || err instanceof BadRequestError) throw err
        if (ConnectError.is(err) && err.code === 'XC_CONNECT') throw err
        last = err as Error
      }
      if (signal.stopped || Date.now() + wait > deadline)
        throw new ConnectError('XC_CONNECT', `Failed to perform round of zombie fencing: ${last.message}`, {
          cause: last,
          retriable: true,
        })
      await new Promise((r) => setTimeout(r, wait))
    }
  }
}
