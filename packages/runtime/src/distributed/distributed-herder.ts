import type { ConfigInfos, ConfigKeyInfo, ConnectorProps, SourceConnector } from '@sluice/api'
import { AlreadyExistsError, BadRequestError, ConnectError, errorTrace, NotFoundError } from '@sluice/api'
import { ensureInternalTopic, GroupClient, GroupErrors, GroupProtocolError } from '@sluice/kafka'
import { type Clock, type ClockTimer, systemClock } from '../clock.js'
import { CONNECTOR_CLASS_CONFIG } from '../herder/connector-config.js'
import { connectorTypeOf, invalidConnectorConfigError } from '../herder/connector-validation.js'
import type {
  ConnectorInfo,
  ConnectorOffsets,
  ConnectorStateInfo,
  Herder,
  InitialState,
  PluginInfo,
  PutConnectorResult,
  RestartRequest,
  TaskInfo,
  TaskState,
} from '../herder/herder-api.js'
import {
  checkOffsetsRequest,
  connectorStatusInfo,
  HerderCore,
  notStoppedError,
  restartPlan,
  taskName,
  taskStatusInfo,
  tasksMaxError,
} from '../herder/herder-core.js'
import { javaHashOrder, javaPatchedConfig } from '../herder/java-format.js'
import type { ConfigBackingStore, OffsetBackingStore, StatusBackingStore } from '../storage/backing-stores.js'
import {
  commitRecord,
  connectorConfigRecord,
  type EncodedRecord,
  loggerLevelRecord,
  restartRecord,
  sessionKeyRecord,
  targetStateRecord,
  taskConfigRecord,
} from '../storage/config-records.js'
import type { ClusterConfigSnapshot, ConfigChange } from '../storage/config-state.js'
import { KafkaConfigStore, KafkaOffsetStore, KafkaStatusStore } from '../storage/kafka-stores.js'
import type { StatusValue } from '../storage/status-records.js'
import * as telemetry from '../telemetry/events.js'
import type { ExactlyOnceTaskOptions, TransactionBoundary } from '../worker/exactly-once-source-task-owner.js'
import type { ConnectorOffsetStore } from '../worker/worker.js'
import type {
  ConnectorTaskId,
  ConnectWorker,
  SinkOffsetEntry,
  SourceOffsetEntry,
  State,
  StatusListener,
} from '../worker/worker-api.js'
import {
  type ConnectAssignor,
  EagerAssignor,
  IncrementalCooperativeAssignor,
  type LeaderOwners,
  taskKey,
} from './assignor.js'
import {
  type ConnectAssignment,
  type ConnectProtocolName,
  decodeAssignment,
  decodeMetadata,
  encodeAssignment,
  encodeMetadata,
  offeredProtocols,
  PROTOCOL_VERSION,
} from './connect-protocol.js'
import type { DistributedSettings } from './distributed-config.js'
import { HerderExactlyOnce, taskTransactionalId } from './exactly-once.js'
import { exactlyOnceErrors, withErrors } from './exactly-once-validation.js'
import {
  HMAC_SHA256,
  newSessionKey,
  SIGNATURE_ALGORITHM_HEADER,
  SIGNATURE_HEADER,
  signRequest,
  verifyRequest,
} from './request-signature.js'
import {
  ConflictError,
  NotAssignedError,
  NotLeaderError,
  REBALANCE_CONFLICT_MESSAGE,
} from './request-target.js'

/** Where the herder reports what it does. */
export interface DistributedHerderLogger {
  info(message: string): void
  warn(message: string): void
  error(message: string, err?: unknown): void
}

export interface DistributedHerderOptions {
  readonly settings: DistributedSettings
  /** Worker properties as written (converters, topic tracking, override policy, …). */
  readonly workerProps: Readonly<Record<string, string>>
  /** librdkafka config of the internal-topic clients (bootstrap.servers, security). */
  readonly kafkaClient: Readonly<Record<string, string | number | boolean>>
  /** Kafka client keys (`security.protocol`, `sasl.*`, `ssl.*`) for the group connection. */
  readonly securityProps: Readonly<Record<string, string>>
  readonly bootstrapServers: string
  /** The advertised REST URL, ending in `/` (the worker id is its `host:port`). */
  readonly restUrl: string
  /** Creates the worker with the herder's status listener and the offsets-topic store. */
  readonly worker: (listener: StatusListener, offsets: ConnectorOffsetStore) => Promise<ConnectWorker>
  readonly kafkaClusterId?: () => Promise<string | null>
  readonly clock?: Clock
  readonly logger: DistributedHerderLogger
  /** Applies a cluster-scope logger level (`logger-cluster-*` records, written by any worker). */
  readonly onLoggerLevel?: (namespace: string, level: string) => void
  /**
   * The backing stores; the Kafka-topic stores on `config/offset/status.storage.topic` when omitted (then
   * the internal topics are created and checked at start). Tests pass memory stores shared by "workers".
   */
  readonly stores?: {
    readonly config: ConfigBackingStore & StoreLifecycle
    readonly status: StatusBackingStore & StoreLifecycle
    readonly offsets: OffsetBackingStore & StoreLifecycle
  }
  /** The group client; a {@link GroupClient} to the coordinator of `group.id` when omitted. */
  readonly group?: GroupMembership
}

/** A backing store the herder starts (reads its topic to the end) and stops; memory stores need neither. */
interface StoreLifecycle {
  start?(timeoutMs: number): Promise<void>
  stop?(): Promise<void>
  /** Catches up with what other workers wrote (the offsets topic before a task reads its offsets). */
  readToEnd?(timeoutMs: number): Promise<void>
}

/** The group requests the herder makes (a {@link GroupClient}; a fake coordinator in unit tests). */
export type GroupMembership = Pick<GroupClient, 'join' | 'sync' | 'heartbeat' | 'leave' | 'disconnect'>

/** What the loop reacts to: config-topic changes, and a running connector asking for new task configs. */
type HerderEvent = ConfigChange | { readonly kind: 'reconfigure'; readonly connector: string }

/** Heartbeat/join errors answered by rejoining (Kafka's `needsRejoin`), without backing off. */
const REJOIN_ERRORS: readonly number[] = [
  GroupErrors.REBALANCE_IN_PROGRESS,
  GroupErrors.ILLEGAL_GENERATION,
  GroupErrors.UNKNOWN_MEMBER_ID,
  GroupErrors.MEMBER_ID_REQUIRED,
]

function sameConfigs(
  a: readonly Record<string, string>[],
  b: readonly (Readonly<Record<string, string>> | undefined)[],
) {
  if (a.length !== b.length) return false
  return a.every((x, i) => {
    const y = b[i]
    if (y === undefined) return false
    const kx = Object.keys(x)
    return kx.length === Object.keys(y).length && kx.every((k) => x[k] === y[k])
  })
}

/**
 * Kafka Connect's `DistributedHerder`: workers that share the config, offsets and status topics and split
 * connectors and tasks through the Connect group protocol, byte-compatible with Java workers in the same
 * group. A single loop (Java's herder thread) joins the group, applies assignments, heartbeats and reacts
 * to config-topic changes; REST calls read the local snapshot and status cache, and writes that only the
 * leader may do throw {@link NotLeaderError} for the REST layer to forward.
 */
export class DistributedHerder implements Herder {
  readonly #o: DistributedHerderOptions
  readonly #s: DistributedSettings
  readonly #log: DistributedHerderLogger
  readonly #clock: Clock
  readonly #config: ConfigBackingStore & StoreLifecycle
  readonly #status: StatusBackingStore & StoreLifecycle
  readonly #offsets: OffsetBackingStore & StoreLifecycle
  readonly #group: GroupMembership
  /** KIP-618 duties (transactional config writes, fencing), kept in their own module. */
  readonly #eos: HerderExactlyOnce
  /** The offsets topic's store, which exactly-once writes to in transactions; undefined with injected stores. */
  readonly #kafkaOffsets: KafkaOffsetStore | undefined
  /** The leader's assignor follows the protocol the group settled on (eager for `default`). */
  readonly #eagerAssignor: ConnectAssignor = new EagerAssignor()
  readonly #cooperativeAssignor: ConnectAssignor
  /** Validation, plugin listings, restart plans and the tasks.max check, shared with the standalone herder. */
  readonly #core: HerderCore
  #worker: ConnectWorker | undefined
  readonly workerId: string

  #memberId = ''
  #generation = -1
  #lastCompletedGeneration = -1
  #protocol: ConnectProtocolName
  /** The merged assignment (cooperative) or the last full one (eager). */
  #assignment: ConnectAssignment | null = null
  #owners: LeaderOwners | undefined
  #memberUrls = new Map<string, string>()
  readonly #runningConnectors = new Set<string>()
  readonly #runningTasks = new Map<string, ConnectorTaskId>()
  readonly #tasksToRestart = new Set<string>()
  #rejoin = true
  #rejoinAt: number | undefined
  #rebalancing = true
  #changes: HerderEvent[] = []
  #wake: (() => void) | undefined
  #stopping = false
  #loop: Promise<void> | undefined
  #ready = false
  #unsyncRetries = 5
  #joining = false
  #heartbeatTimer: ClockTimer | undefined
  /** When the loop last polled the group (Java's `poll()`), for the `rebalance.timeout.ms` watchdog. */
  #lastPoll = 0

  constructor(options: DistributedHerderOptions) {
    this.#o = options
    this.#s = options.settings
    this.#log = options.logger
    this.#clock = options.clock ?? systemClock
    this.#protocol = this.#s.protocol
    const u = new URL(options.restUrl)
    this.workerId = `${u.hostname}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`
    const storeLog = { warn: (m: string) => this.#log.warn(m) }
    const stores = options.stores
    // Java reads the config and offsets topics read_committed only with exactly-once source enabled.
    const readCommitted = this.#s.exactlyOnceSourceSupport === 'enabled'
    this.#config =
      stores?.config ??
      new KafkaConfigStore(this.#s.configTopic, options.kafkaClient, storeLog, readCommitted)
    this.#status = stores?.status ?? new KafkaStatusStore(this.#s.statusTopic, options.kafkaClient, storeLog)
    this.#kafkaOffsets =
      stores?.offsets === undefined
        ? new KafkaOffsetStore(this.#s.offsetTopic, options.kafkaClient, storeLog, readCommitted)
        : undefined
    this.#offsets = stores?.offsets ?? (this.#kafkaOffsets as KafkaOffsetStore)
    this.#eos = new HerderExactlyOnce({
      settings: this.#s,
      kafkaClient: options.kafkaClient,
      bootstrapServers: options.bootstrapServers,
      securityProps: options.securityProps,
      log: this.#log,
      plainWrite: (records) => this.#config.write(records),
      readConfigToEnd: () => this.#config.readToEnd(this.#s.workerSyncTimeoutMs),
      snapshot: () => this.#config.snapshot(),
      isLeader: () => this.isLeader,
      leaderUrl: () => this.leaderUrl,
      isSourceConnector: (c) =>
        connectorTypeOf(this.#worker?.plugins, this.#config.snapshot().connectorConfig(c)) === 'source',
    })
    this.#group =
      options.group ??
      new GroupClient({
        bootstrapServers: options.bootstrapServers,
        clientId: this.#s.clientId ?? `connect-${this.workerId}`,
        groupId: this.#s.groupId,
        security: options.securityProps,
        requestTimeoutMs: Math.max(this.#s.requestTimeoutMs, this.#s.rebalanceTimeoutMs + 5_000),
      })
    this.#cooperativeAssignor = new IncrementalCooperativeAssignor({
      clock: this.#clock,
      maxDelayMs: this.#s.scheduledRebalanceMaxDelayMs,
    })
    this.#core = new HerderCore({ workerProps: options.workerProps, worker: () => this.#requireWorker() })
    this.#config.onChange((change) => {
      this.#changes.push(change)
      this.#wake?.()
    })
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  get ready(): boolean {
    return this.#ready
  }

  get isLeader(): boolean {
    return this.#assignment !== null && this.#assignment.leader === this.#memberId
  }

  get leaderUrl(): string | null {
    return this.#assignment?.leaderUrl ?? null
  }

  /** Internal topics (created compacted and checked), stores read to the end, worker, then the group. */
  async start(): Promise<void> {
    const s = this.#s
    if (this.#o.stores === undefined) await this.#ensureInternalTopics()
    const timeout = Math.max(30_000, s.workerSyncTimeoutMs)
    const t0 = this.#clock.now()
    // Offsets, then statuses, then configs (Kafka's startup order); the three reads run side by side.
    await Promise.all([
      this.#offsets.start?.(timeout),
      this.#status.start?.(timeout),
      this.#config.start?.(timeout),
    ])
    this.#log.info(
      `Read the internal topics ${s.offsetTopic}, ${s.statusTopic}, ${s.configTopic} to their end in ${this.#clock.now() - t0} ms (config offset ${this.#config.snapshot().offset})`,
    )
    const listener: StatusListener = {
      onConnectorState: (c, state, trace) => this.#onConnectorState(c, state, trace),
      onTaskState: (id, state, trace) => this.#onTaskState(id, state, trace),
    }
    this.#worker = await this.#o.worker(listener, this.#offsets)
    this.#worker.onTaskReconfigurationRequest = (c) => {
      this.#changes.push({ kind: 'reconfigure', connector: c })
      this.#wake?.()
    }
    this.#loop = this.#run()
    this.#ready = true
  }

  /** The three internal topics, created compacted if missing and checked (the config topic has 1 partition). */
  async #ensureInternalTopics(): Promise<void> {
    const s = this.#s
    const client = this.#o.kafkaClient
    await ensureInternalTopic(
      client,
      { topic: s.offsetTopic, partitions: s.offsetPartitions, replicationFactor: s.offsetReplication },
      'offset.storage.topic',
    )
    await ensureInternalTopic(
      client,
      { topic: s.statusTopic, partitions: s.statusPartitions, replicationFactor: s.statusReplication },
      'status.storage.topic',
    )
    await ensureInternalTopic(
      client,
      { topic: s.configTopic, partitions: 1, replicationFactor: s.configReplication },
      'config.storage.topic',
      1,
    )
  }

  async stop(): Promise<void> {
    this.#ready = false
    this.#stopping = true
    this.#wake?.()
    await this.#loop
    await this.#stopAll()
    if (this.#memberId !== '')
      await this.#group.leave(this.#memberId, 'the consumer is being closed').catch(() => undefined)
    await this.#group.disconnect()
    await this.#eos.releaseWritePrivileges()
    await this.#worker?.stop()
    await this.#offsets.stop?.()
    await this.#status.stop?.()
    await this.#config.stop?.()
  }

  // ---- the herder loop -------------------------------------------------------------------------

  async #run(): Promise<void> {
    let backoff = 0
    this.#lastPoll = this.#clock.now()
    while (!this.#stopping) {
      this.#lastPoll = this.#clock.now()
      try {
        if (backoff > 0) {
          await this.#sleep(backoff)
          backoff = 0
          if (this.#stopping) break
        }
        if (this.#rejoinAt !== undefined && this.#clock.now() >= this.#rejoinAt) {
          this.#rejoinAt = undefined
          this.#rejoin = true
        }
        if (this.#rejoin) {
          this.#joining = true
          let mine: ConnectAssignment
          try {
            mine = await this.#rebalance()
          } finally {
            this.#joining = false
            this.#lastPoll = this.#clock.now()
          }
          // Heartbeats (and the poll watchdog) run while the assignment's work starts, as Java's thread does.
          this.#scheduleHeartbeat()
          await this.#handleAssignment(mine)
        }
        await this.#processChanges()
        if (this.#rejoin || this.#stopping) continue
        if (this.isLeader) await this.#rotateSessionKey()
        const until = (this.#rejoinAt ?? Number.POSITIVE_INFINITY) - this.#clock.now()
        await this.#sleep(Math.max(0, Math.min(until, 1_000)))
      } catch (err) {
        this.#rejoin = true
        this.#rebalancing = true
        if (err instanceof GroupProtocolError) {
          if (err.errorCode === GroupErrors.UNKNOWN_MEMBER_ID) this.#memberId = ''
          if (REJOIN_ERRORS.includes(err.errorCode)) {
            this.#log.info(`Rejoining group ${this.#s.groupId}: ${err.message}`)
            continue
          }
        }
        this.#log.error(`Error in the distributed herder of ${this.workerId}; rejoining the group`, err)
        backoff = 1_000
      }
    }
    if (this.#heartbeatTimer !== undefined) this.#clock.clearTimeout(this.#heartbeatTimer)
  }

  /**
   * Heartbeats run beside the loop (Java's heartbeat thread), so starting or stopping slow connectors and
   * tasks never lets the session expire. A heartbeat answered with a rebalance error makes the loop rejoin.
   */
  #scheduleHeartbeat(): void {
    if (this.#heartbeatTimer !== undefined) this.#clock.clearTimeout(this.#heartbeatTimer)
    this.#heartbeatTimer = this.#clock.setTimeout(() => {
      this.#heartbeatTimer = undefined
      if (this.#stopping) return
      if (this.#pollTimeoutExpired()) {
        void this.#leaveOnPollTimeout()
        this.#scheduleHeartbeat()
        return
      }
      if (this.#joining || this.#rejoin) {
        this.#scheduleHeartbeat()
        return
      }
      const generation = this.#generation
      this.#group.heartbeat(generation, this.#memberId).then(
        () => this.#scheduleHeartbeat(),
        (err: unknown) => {
          if (generation === this.#generation && !this.#joining) {
            if (err instanceof GroupProtocolError && REJOIN_ERRORS.includes(err.errorCode)) {
              if (err.errorCode === GroupErrors.UNKNOWN_MEMBER_ID) this.#memberId = ''
              this.#log.info(`Rejoining group ${this.#s.groupId}: ${err.message}`)
            } else {
              this.#log.warn(
                `Heartbeat to the group coordinator failed: ${(err as Error).message}; rejoining`,
              )
            }
            this.#rejoin = true
            this.#rebalancing = true
            this.#wake?.()
          }
          this.#scheduleHeartbeat()
        },
      )
    }, this.#s.heartbeatIntervalMs)
  }

  /**
   * Java's heartbeat thread checks `pollTimeoutExpired`: a member whose herder loop has not polled the
   * group for `rebalance.timeout.ms` (busy stopping or starting work while a rebalance waits for it) is
   * holding the whole group up, so it leaves; the loop rejoins as a new member once it polls again.
   */
  #pollTimeoutExpired(): boolean {
    return (
      !this.#joining &&
      this.#memberId !== '' &&
      this.#clock.now() - this.#lastPoll > this.#s.rebalanceTimeoutMs
    )
  }

  async #leaveOnPollTimeout(): Promise<void> {
    const memberId = this.#memberId
    this.#log.warn(
      `Member ${memberId} has not polled group ${this.#s.groupId} for more than rebalance.timeout.ms (${this.#s.rebalanceTimeoutMs} ms): the herder loop is spending too long starting or stopping work; leaving the group (it rejoins as a new member). Consider raising rebalance.timeout.ms.`,
    )
    this.#memberId = ''
    this.#generation = -1
    this.#rejoin = true
    this.#rebalancing = true
    await this.#group
      .leave(memberId, 'consumer poll timeout has expired.')
      .catch((err: unknown) => this.#log.warn(`LeaveGroup failed: ${(err as Error).message}`))
  }

  /** Kafka's leader tick: a new session key once the current one is older than `inter.worker.key.ttl.ms`. */
  async #rotateSessionKey(): Promise<void> {
    if (this.#protocol !== 'sessioned') return
    const key = this.#config.snapshot().sessionKey
    if (key !== null && key.creationTimestamp + this.#s.keyTtlMs > this.#clock.now()) return
    await this.#eos.privilegedWrite([sessionKeyRecord(newSessionKey(this.#clock.now()))])
  }

  /** Waits for a change, a wake-up or `ms`; the loop is polling the group meanwhile (Java's `poll(timeout)`). */
  #sleep(ms: number): Promise<void> {
    if (this.#changes.length > 0 || this.#stopping) return Promise.resolve()
    this.#lastPoll = this.#clock.now()
    return new Promise((resolve) => {
      const done = () => {
        this.#wake = undefined
        this.#lastPoll = this.#clock.now()
        resolve()
      }
      const t = setTimeout(done, ms)
      this.#wake = () => {
        clearTimeout(t)
        done()
      }
    })
  }

  /** The allocation members report: the merged assignment with the protocol's header. */
  #metadataFor(protocol: ConnectProtocolName): Buffer {
    const version = PROTOCOL_VERSION[protocol]
    const allocation =
      version === 0 || this.#assignment === null
        ? null
        : { ...this.#assignment, version, revoked: { connectors: [], tasks: [] }, delay: 0 }
    return encodeMetadata({
      version,
      url: this.#o.restUrl,
      configOffset: this.#config.snapshot().offset,
      allocation,
    })
  }

  /** Joins and syncs; resolves with this member's assignment (applied by the caller). */
  async #rebalance(): Promise<ConnectAssignment> {
    this.#rebalancing = true
    if (this.#s.protocol === 'default' || this.#protocol === 'default') {
      // Eager: everything stops before the member rejoins (onJoinPrepare).
      await this.#stopAll()
      this.#assignment = null
    }
    const protocols = offeredProtocols(this.#s.protocol).map((name) => ({
      name,
      metadata: this.#metadataFor(name),
    }))
    const joined = await this.#group.join({
      memberId: this.#memberId,
      protocolType: 'connect',
      protocols,
      sessionTimeoutMs: this.#s.sessionTimeoutMs,
      rebalanceTimeoutMs: this.#s.rebalanceTimeoutMs,
      reason: 'rebalance',
    })
    this.#memberId = joined.memberId
    this.#generation = joined.generation
    this.#protocol = joined.protocol as ConnectProtocolName
    let assignments: Array<{ memberId: string; assignment: Buffer }> = []
    if (joined.leaderId === joined.memberId) {
      const members = joined.members.map((m) => ({
        memberId: m.memberId,
        metadata: decodeMetadata(m.metadata),
      }))
      this.#memberUrls = new Map(members.map((m) => [m.memberId, m.metadata.url]))
      const assignor = this.#protocol === 'default' ? this.#eagerAssignor : this.#cooperativeAssignor
      const result = assignor.assign({
        leaderId: joined.leaderId,
        protocol: this.#protocol,
        members,
        generation: joined.generation,
        lastCompletedGeneration: this.#lastCompletedGeneration,
        snapshot: this.#config.snapshot(),
        freshSnapshot: () => this.#config.snapshot(),
      })
      this.#owners = result.owners
      assignments = [...result.assignments].map(([memberId, a]) => ({
        memberId,
        assignment: encodeAssignment(a),
      }))
    } else {
      this.#owners = undefined
    }
    const mine = decodeAssignment(
      await this.#group.sync({
        generation: joined.generation,
        memberId: joined.memberId,
        protocolType: 'connect',
        protocol: joined.protocol,
        assignments,
      }),
    )
    this.#lastCompletedGeneration = joined.generation
    this.#rejoin = false
    this.#log.info(
      `Joined group ${this.#s.groupId} at generation ${joined.generation} (${joined.protocol}) as ${joined.memberId}${joined.leaderId === joined.memberId ? ', leader' : ''}; assigned ${mine.assigned.connectors.length} connectors, ${mine.assigned.tasks.length} tasks, revoked ${mine.revoked.connectors.length}/${mine.revoked.tasks.length}, delay ${mine.delay}`,
    )
    return mine
  }

  async #handleAssignment(a: ConnectAssignment): Promise<void> {
    telemetry.rebalanceStarted(this.#generation) // telemetry: Kafka's onAssigned
    if (a.error !== 0) {
      this.#log.info(
        `Config mismatch (leader at config offset ${a.configOffset}); reading the config topic and rejoining`,
      )
      await this.#config.readToEnd(this.#s.workerSyncTimeoutMs).catch(() => undefined)
      this.#assignment =
        this.#assignment === null ? null : { ...this.#assignment, leader: a.leader, leaderUrl: a.leaderUrl }
      this.#rejoin = true
      return
    }
    if (this.#config.snapshot().offset < a.configOffset) {
      try {
        await this.#config.readToEnd(this.#s.workerSyncTimeoutMs)
        this.#unsyncRetries = 5
      } catch {
        await this.#group.leave(this.#memberId, 'taking too long to read the log').catch(() => undefined)
        this.#memberId = ''
        const wait =
          this.#s.protocol === 'default'
            ? this.#s.workerUnsyncBackoffMs
            : Math.floor(this.#s.scheduledRebalanceMaxDelayMs / 10 / this.#unsyncRetries)
        this.#unsyncRetries = this.#unsyncRetries <= 1 ? 5 : this.#unsyncRetries - 1
        this.#rejoinAt = this.#clock.now() + wait
        this.#assignment = null
        await this.#stopAll()
        return
      }
    }
    if (this.#config.snapshot().offset !== a.configOffset) {
      this.#log.info(
        `Local config offset ${this.#config.snapshot().offset} differs from the assignment's ${a.configOffset}; rejoining`,
      )
      this.#rejoin = true
      return
    }
    const worker = this.#requireWorker()
    if (a.version === 0) {
      // An eager (full) assignment, e.g. the group settled on `default` for an eager member: whatever runs
      // here and is not in it stops.
      const keepT = new Set(a.assigned.tasks.map(taskKey))
      const stopT = [...this.#runningTasks.values()].filter((t) => !keepT.has(taskKey(t)))
      if (stopT.length > 0) await worker.stopTasks(stopT)
      for (const t of stopT) this.#runningTasks.delete(taskKey(t))
      for (const c of [...this.#runningConnectors])
        if (!a.assigned.connectors.includes(c)) {
          await worker.stopConnector(c)
          this.#runningConnectors.delete(c)
        }
    }
    // Cooperative: stop what was revoked, flush statuses, then merge.
    if (a.revoked.tasks.length > 0) {
      await worker.stopTasks(a.revoked.tasks)
      for (const t of a.revoked.tasks) this.#runningTasks.delete(taskKey(t))
    }
    for (const c of a.revoked.connectors) {
      await worker.stopConnector(c)
      this.#runningConnectors.delete(c)
    }
    const prev =
      this.#s.protocol === 'default' || this.#assignment === null
        ? { connectors: [], tasks: [] }
        : this.#assignment.assigned
    const revokedC = new Set(a.revoked.connectors)
    const revokedT = new Set(a.revoked.tasks.map(taskKey))
    const merged =
      a.version === 0
        ? a.assigned
        : {
            connectors: [
              ...prev.connectors.filter((c) => !revokedC.has(c)),
              ...a.assigned.connectors.filter((c) => !prev.connectors.includes(c)),
            ],
            tasks: [
              ...prev.tasks.filter((t) => !revokedT.has(taskKey(t))),
              ...a.assigned.tasks.filter((t) => !prev.tasks.some((p) => taskKey(p) === taskKey(t))),
            ],
          }
    this.#assignment = { ...a, assigned: merged, revoked: { connectors: [], tasks: [] }, delay: 0 }
    this.#rebalancing = false
    await this.#status.readToEnd(this.#s.workerSyncTimeoutMs).catch(() => undefined)
    if (this.isLeader) await this.#leaderDuties()
    else await this.#eos.releaseWritePrivileges()
    const snapshot = this.#config.snapshot()
    for (const c of merged.connectors)
      if (!this.#runningConnectors.has(c)) await this.#startConnector(c, snapshot)
    for (const t of merged.tasks)
      if (!this.#runningTasks.has(taskKey(t)) || this.#tasksToRestart.has(taskKey(t)))
        await this.#startTask(t, snapshot)
    this.#tasksToRestart.clear()
    telemetry.rebalanceCompleted(this.#generation, this.#protocol, a.leaderUrl) // telemetry
    if (a.revoked.connectors.length + a.revoked.tasks.length > 0) this.#rejoin = true
    if (a.delay > 0) this.#rejoinAt = this.#clock.now() + a.delay
  }

  /** Write privileges, session key rotation and status cleanup (Kafka's leader duties after an election). */
  async #leaderDuties(): Promise<void> {
    await this.#eos.claimWritePrivileges()
    const snapshot = this.#config.snapshot()
    const key = snapshot.sessionKey
    const now = this.#clock.now()
    if (
      this.#protocol === 'sessioned' &&
      (key === null || key.creationTimestamp + this.#s.keyTtlMs <= now || key.algorithm !== HMAC_SHA256)
    ) {
      await this.#eos
        .privilegedWrite([sessionKeyRecord(newSessionKey(now))])
        .catch((err: unknown) => this.#log.warn(`Could not write a session key: ${(err as Error).message}`))
      await this.#config.readToEnd(this.#s.workerSyncTimeoutMs).catch(() => undefined)
    }
    const known = this.#status.known()
    for (const c of known.connectors)
      if (snapshot.connectorConfig(c) === undefined)
        await this.#status.putConnector(c, null).catch(() => undefined)
    for (const t of known.tasks)
      if (snapshot.connectorConfig(t.connector) === undefined || t.task >= snapshot.taskCount(t.connector))
        await this.#status.putTask(t, null).catch(() => undefined)
  }

  async #startConnector(name: string, snapshot: ClusterConfigSnapshot): Promise<void> {
    const config = snapshot.connectorConfig(name)
    if (config === undefined) return
    const target = snapshot.targetState(name) ?? 'STARTED'
    this.#runningConnectors.add(name)
    try {
      await this.#requireWorker().startConnector(name, config as ConnectorProps, target)
    } catch (err) {
      this.#log.error(`Failed to start connector ${name}`, err)
      return
    }
    if (target === 'STARTED') await this.#reconfigure(name)
  }

  async #startTask(id: ConnectorTaskId, snapshot: ClusterConfigSnapshot): Promise<void> {
    const config = snapshot.connectorConfig(id.connector)
    const taskConfig = snapshot.taskConfig(id)
    if (config === undefined || taskConfig === undefined) return
    this.#runningTasks.set(taskKey(id), id)
    // Java's offset reader reads the offsets topic to its end before answering: a task that moved here
    // resumes from what its previous owner flushed, not from this worker's older view of the topic.
    await this.#offsets
      .readToEnd?.(this.#s.workerSyncTimeoutMs)
      .catch((err: unknown) =>
        this.#log.warn(
          `Reading the offsets topic before starting ${taskName(id)}: ${(err as Error).message}`,
        ),
      )
    const exactlyOnce =
      this.#eos.enabled && connectorTypeOf(this.#worker?.plugins, config) === 'source'
        ? this.#exactlyOnceTask(id, config, snapshot)
        : undefined
    try {
      await this.#requireWorker().startTask(
        id,
        config as ConnectorProps,
        taskConfig as ConnectorProps,
        snapshot.targetState(id.connector) ?? 'STARTED',
        exactlyOnce,
      )
    } catch (err) {
      this.#log.error(`Failed to start task ${taskName(id)}`, err)
    }
  }

  async #stopAll(): Promise<void> {
    const worker = this.#worker
    if (worker === undefined) return
    const tasks = [...this.#runningTasks.values()]
    if (tasks.length > 0)
      await worker.stopTasks(tasks).catch((err) => this.#log.error('Failed to stop tasks', err))
    this.#runningTasks.clear()
    for (const c of this.#runningConnectors)
      await worker.stopConnector(c).catch((err) => this.#log.error(`Failed to stop ${c}`, err))
    this.#runningConnectors.clear()
  }

  /**
   * The owner of a running connector regenerates its task configs; changed ones are written by the
   * leader (directly when this worker leads, else by a signed `POST {leader}/connectors/{c}/tasks`).
   */
  async #reconfigure(name: string): Promise<void> {
    const snapshot = this.#config.snapshot()
    if (snapshot.targetState(name) !== 'STARTED' || !this.#runningConnectors.has(name)) return
    let configs: Record<string, string>[]
    try {
      configs = (await this.#requireWorker().connectorTaskConfigs(name)).map(
        (c) => ({ ...c }) as Record<string, string>,
      )
    } catch (err) {
      this.#log.error(`Failed to generate task configs for ${name}`, err)
      return
    }
    const connectorConfig = snapshot.connectorConfig(name) ?? {}
    const tooMany = tasksMaxError(name, connectorConfig, configs.length, this.#log)
    if (tooMany !== null) {
      // Kafka fails the connector (Worker.checkTasksMax); its existing tasks keep their configs.
      this.#log.error(`Failed to reconfigure connector ${name}`, tooMany)
      this.#onConnectorState(name, 'FAILED', errorTrace(tooMany))
      return
    }
    const current = snapshot.tasks(name).map((t) => snapshot.taskConfig(t))
    if (sameConfigs(configs, current) && !snapshot.inconsistent.has(name)) return
    if (this.isLeader) {
      await this.#writeTaskConfigs(name, configs)
      return
    }
    const leader = this.leaderUrl
    if (leader === null) return
    const body = Buffer.from(JSON.stringify(configs), 'utf8')
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      Accept: 'application/json',
      'User-Agent': 'kafka-connect',
    }
    const key = snapshot.sessionKey
    if (this.#protocol === 'sessioned' && key !== null) {
      headers[SIGNATURE_HEADER] = signRequest(key, body)
      headers[SIGNATURE_ALGORITHM_HEADER] = HMAC_SHA256
    }
    for (
      let attempt = 0, wait = 250;
      attempt < 6 && !this.#stopping;
      attempt++, wait = Math.min(wait * 2, 60_000)
    ) {
      try {
        const r = await fetch(`${leader}connectors/${encodeURIComponent(name)}/tasks`, {
          method: 'POST',
          headers,
          body,
        })
        if (r.status < 300) return
        this.#log.warn(`Leader answered ${r.status} to task configs of ${name}: ${await r.text()}`)
      } catch (err) {
        this.#log.warn(
          `Could not send task configs of ${name} to the leader ${leader}: ${(err as Error).message}`,
        )
      }
      if (this.#rejoin) {
        // A rebalance is pending (the leader may be gone): retry after it, against the new leader,
        // instead of holding the loop (and the group) up with backoffs.
        this.#changes.push({ kind: 'reconfigure', connector: name })
        return
      }
      await new Promise((res) => setTimeout(res, wait))
    }
  }

  async #writeTaskConfigs(name: string, configs: readonly Record<string, string>[]): Promise<void> {
    const records: EncodedRecord[] = configs.map((c, i) => taskConfigRecord(name, i, c))
    records.push(commitRecord(name, configs.length))
    await this.#eos.privilegedWrite(records)
    await this.#config.readToEnd(this.#s.workerSyncTimeoutMs)
  }

  /** Applies config-topic changes to what runs here (Kafka's `tick` processing of config updates). */
  async #processChanges(): Promise<void> {
    while (this.#changes.length > 0 && !this.#stopping) {
      // Task configs for the leader wait while a rebalance is pending (see #reconfigure).
      if (this.#rejoin && this.#changes[0]?.kind === 'reconfigure') break
      const change = this.#changes.shift() as HerderEvent
      const worker = this.#requireWorker()
      const snapshot = this.#config.snapshot()
      switch (change.kind) {
        case 'connector-config': {
          const c = change.connector
          if (change.removed || !this.#ownsConnector(c)) {
            if (this.#runningConnectors.has(c)) {
              const tasks = [...this.#runningTasks.values()].filter((t) => t.connector === c)
              await worker.stopTasks(tasks)
              for (const t of tasks) this.#runningTasks.delete(taskKey(t))
              await worker.stopConnector(c)
              this.#runningConnectors.delete(c)
            }
            this.#rejoin = true
          } else if (this.#runningConnectors.has(c)) {
            await worker.stopConnector(c)
            this.#runningConnectors.delete(c)
            await this.#startConnector(c, snapshot)
          }
          break
        }
        case 'task-configs': {
          const mine = [...this.#runningTasks.values()].filter((t) => t.connector === change.connector)
          if (mine.length > 0) {
            await worker.stopTasks(mine)
            for (const t of mine) {
              this.#runningTasks.delete(taskKey(t))
              this.#tasksToRestart.add(taskKey(t))
            }
          }
          this.#rejoin = true
          break
        }
        case 'target-state': {
          const c = change.connector
          const state = snapshot.targetState(c)
          if (state === undefined || !this.#runningConnectors.has(c)) break
          await worker
            .setTargetState(c, state)
            .catch((err) => this.#log.error(`Failed to move ${c} to ${state}`, err))
          if (state === 'STARTED') await this.#reconfigure(c)
          break
        }
        case 'reconfigure':
          await this.#reconfigure(change.connector)
          break
        case 'restart':
          await this.#applyRestart(change.connector, change.includeTasks, change.onlyFailed)
          break
        case 'logger':
          try {
            this.#o.onLoggerLevel?.(change.namespace, change.level)
          } catch (err) {
            this.#log.warn(
              `Cannot apply cluster logger level ${change.level} to ${change.namespace}: ${(err as Error).message}`,
            )
          }
          break
        default:
          break
      }
    }
  }

  #ownsConnector(c: string): boolean {
    return this.#assignment?.assigned.connectors.includes(c) ?? false
  }

  /** KIP-745: each worker restarts its own matching instances, marking them RESTARTING first. */
  async #applyRestart(connector: string, includeTasks: boolean, onlyFailed: boolean): Promise<void> {
    const worker = this.#requireWorker()
    const snapshot = this.#config.snapshot()
    const restartConnector =
      this.#runningConnectors.has(connector) &&
      (!onlyFailed || this.#status.connector(connector)?.state === 'FAILED')
    const tasks = includeTasks
      ? [...this.#runningTasks.values()].filter(
          (t) => t.connector === connector && (!onlyFailed || this.#status.task(t)?.state === 'FAILED'),
        )
      : []
    if (restartConnector) {
      await worker.stopConnector(connector)
      this.#onConnectorState(connector, 'RESTARTING', undefined)
    }
    if (tasks.length > 0) {
      await worker.stopTasks(tasks)
      for (const t of tasks) this.#onTaskState(t, 'RESTARTING', undefined)
    }
    if (restartConnector) {
      this.#runningConnectors.delete(connector)
      await this.#startConnector(connector, snapshot)
    }
    for (const t of tasks) await this.#startTask(t, snapshot)
  }

  // ---- statuses --------------------------------------------------------------------------------

  #version(connector: string): string | null {
    const cls = this.#config.snapshot().connectorConfig(connector)?.[CONNECTOR_CLASS_CONFIG]
    if (cls === undefined || this.#worker === undefined) return null
    return this.#worker.plugins.find(cls)?.version ?? null
  }

  #statusValue(connector: string, state: State, trace: string | undefined, isTask: boolean): StatusValue {
    const versionless = isTask && (state === 'UNASSIGNED' || state === 'RESTARTING')
    return {
      state,
      trace: trace === undefined || trace === '' ? null : trace,
      workerId: this.workerId,
      generation: this.#generation,
      version: versionless ? null : this.#version(connector),
    }
  }

  /**
   * Kafka's `put` for RUNNING, PAUSED, STOPPED and RESTARTING; `putSafe` for UNASSIGNED and FAILED, which
   * never overwrites what another worker reported in a newer generation (the item has moved there).
   */
  static #safe(state: State): boolean {
    return state === 'UNASSIGNED' || state === 'FAILED'
  }

  #onConnectorState(connector: string, state: State, trace: string | undefined): void {
    if (this.#config.snapshot().connectorConfig(connector) === undefined) return
    const value = this.#statusValue(connector, state, trace, false)
    const write = DistributedHerder.#safe(state)
      ? this.#status.putConnectorSafe(connector, value)
      : this.#status.putConnector(connector, value)
    write.catch((err) => this.#log.warn(`status write for ${connector} failed: ${(err as Error).message}`))
  }

  #onTaskState(id: ConnectorTaskId, state: State, trace: string | undefined): void {
    if (this.#config.snapshot().taskConfig(id) === undefined) return
    const s = state === 'STOPPED' ? 'UNASSIGNED' : state
    const value = this.#statusValue(id.connector, s, trace, true)
    const write = DistributedHerder.#safe(s)
      ? this.#status.putTaskSafe(id, value)
      : this.#status.putTask(id, value)
    write.catch((err) => this.#log.warn(`status write for ${taskName(id)} failed: ${(err as Error).message}`))
  }

  // ---- REST: reads (any worker) ----------------------------------------------------------------

  kafkaClusterId(): Promise<string | null> {
    return this.#o.kafkaClusterId?.() ?? Promise.resolve(null)
  }

  async connectors(): Promise<string[]> {
    return javaHashOrder(this.#config.snapshot().connectors)
  }

  #connectorConfig(name: string): Readonly<Record<string, string>> {
    const c = this.#config.snapshot().connectorConfig(name)
    if (c === undefined) throw new NotFoundError(`Connector ${name} not found`)
    return c
  }

  async connectorInfo(name: string): Promise<ConnectorInfo> {
    const snapshot = this.#config.snapshot()
    const config = this.#connectorConfig(name)
    return {
      name,
      config: { ...config },
      tasks: snapshot.tasks(name),
      type: this.#core.connectorType(config),
    }
  }

  async connectorConfig(name: string): Promise<Record<string, string>> {
    return { ...this.#connectorConfig(name) }
  }

  async connectorStatus(name: string): Promise<ConnectorStateInfo> {
    return connectorStatusInfo(
      name,
      this.#status,
      this.#core.connectorType(this.#config.snapshot().connectorConfig(name)),
    )
  }

  async taskStatus(id: ConnectorTaskId): Promise<TaskState> {
    return taskStatusInfo(id, this.#status)
  }

  async taskConfigs(name: string): Promise<TaskInfo[]> {
    const snapshot = this.#config.snapshot()
    this.#connectorConfig(name)
    return snapshot.tasks(name).map((id) => ({ id, config: { ...(snapshot.taskConfig(id) ?? {}) } }))
  }

  // ---- REST: leader writes ---------------------------------------------------------------------

  #requireLeader(what: string): void {
    if (this.#rebalancing && this.#assignment === null) throw new ConflictError(REBALANCE_CONFLICT_MESSAGE)
    if (!this.isLeader) throw new NotLeaderError(`${what}: this worker is not the leader`, this.leaderUrl)
  }

  /**
   * `privileged`: a leader-only write (one transaction under `preparing`/`enabled`); target states and
   * logger levels are written by any worker, never transactionally.
   */
  async #writeAndRead(records: readonly EncodedRecord[], privileged = true): Promise<void> {
    if (privileged) await this.#eos.privilegedWrite(records)
    else await this.#config.write(records)
    await this.#config.readToEnd(this.#s.workerSyncTimeoutMs)
  }

  async putConnectorConfig(
    name: string,
    config: Record<string, string>,
    options: { allowReplace: boolean; initialState?: InitialState },
  ): Promise<PutConnectorResult> {
    // This herder's validation: the shared one plus the KIP-618 checks (exactly.once.support=required…).
    const invalid = invalidConnectorConfigError(await this.validateConnectorConfig(config))
    if (invalid !== null) throw invalid
    this.#requireLeader('Only the leader can set connector configs.')
    const exists = this.#config.snapshot().connectorConfig(name) !== undefined
    if (exists && !options.allowReplace) throw new AlreadyExistsError(`Connector ${name} already exists`)
    const records: EncodedRecord[] = []
    // A new connector with an initial state gets its target state first, so it never runs in the wrong one.
    if (!exists && options.initialState !== undefined)
      records.push(targetStateRecord(name, options.initialState))
    records.push(connectorConfigRecord(name, config))
    await this.#writeAndRead(records)
    return { created: !exists, info: await this.connectorInfo(name) }
  }

  async patchConnectorConfig(name: string, patch: Record<string, string | null>): Promise<ConnectorInfo> {
    const patched = javaPatchedConfig(this.#connectorConfig(name), patch)
    return (await this.putConnectorConfig(name, patched, { allowReplace: true })).info
  }

  async deleteConnector(name: string): Promise<void> {
    this.#requireLeader('Only the leader can delete connectors.')
    this.#connectorConfig(name)
    await this.#writeAndRead([connectorConfigRecord(name, null), targetStateRecord(name, null)])
  }

  /** Pause and resume are written by any worker (Kafka does not route them to the leader). */
  async pauseConnector(name: string): Promise<void> {
    this.#connectorConfig(name)
    await this.#writeAndRead([targetStateRecord(name, 'PAUSED')], false)
  }

  async resumeConnector(name: string): Promise<void> {
    this.#connectorConfig(name)
    await this.#writeAndRead([targetStateRecord(name, 'STARTED')], false)
  }

  async stopConnector(name: string): Promise<void> {
    this.#requireLeader('Only the leader can stop connectors.')
    this.#connectorConfig(name)
    // Kafka writes the empty task set (privileged) before the target state (any worker's write).
    await this.#eos.privilegedWrite([commitRecord(name, 0)])
    await this.#writeAndRead([targetStateRecord(name, 'STOPPED')], false)
  }

  async restartConnector(request: RestartRequest): Promise<ConnectorStateInfo | null> {
    const name = request.connector
    if (!request.includeTasks && !request.onlyFailed) {
      this.#requireLeader('Only the leader can restart connectors.')
      this.#connectorConfig(name)
      const owner = this.#owners?.connectors.get(name)
      if (owner !== this.#memberId)
        throw new NotAssignedError(
          `Connector ${name} is not assigned to this worker`,
          owner === undefined ? null : (this.#memberUrls.get(owner) ?? null),
        )
      await this.#applyRestart(name, false, false)
      return null
    }
    this.#requireLeader('Only the leader can process restart requests.')
    this.#connectorConfig(name)
    const plan = restartPlan(
      request,
      this.#status,
      this.#core.connectorType(this.#config.snapshot().connectorConfig(name)),
    )
    await this.#writeAndRead([restartRecord(name, request.includeTasks, request.onlyFailed)])
    return plan.info
  }

  async restartTask(id: ConnectorTaskId): Promise<void> {
    this.#requireLeader('Cannot restart task since it is not assigned to this member')
    const snapshot = this.#config.snapshot()
    if (snapshot.taskConfig(id) === undefined) throw new NotFoundError(`Task ${taskName(id)} not found`)
    const owner = this.#owners?.tasks.get(taskKey(id))
    if (owner !== this.#memberId)
      throw new NotAssignedError(
        `Task ${taskName(id)} is not assigned to this worker`,
        owner === undefined ? null : (this.#memberUrls.get(owner) ?? null),
      )
    await this.#requireWorker().stopTasks([id])
    await this.#startTask(id, snapshot)
  }

  /** Internal `POST /connectors/{c}/tasks` (KIP-507 signed while the protocol is `sessioned`). */
  async putTaskConfigs(
    name: string,
    body: Buffer,
    headers: Readonly<Record<string, string | string[] | undefined>>,
  ): Promise<void> {
    if (this.#protocol === 'sessioned') verifyRequest(this.#config.snapshot().sessionKey, body, headers)
    this.#requireLeader('Only the leader can write task configs.')
    this.#connectorConfig(name)
    let configs: unknown
    try {
      configs = JSON.parse(body.toString('utf8'))
    } catch {
      throw new BadRequestError('Task configs must be a JSON array of string maps')
    }
    if (!Array.isArray(configs)) throw new BadRequestError('Task configs must be a JSON array of string maps')
    await this.#writeTaskConfigs(name, configs as Record<string, string>[])
  }

  /** Internal `PUT /connectors/{c}/fence` (KIP-618; signed while the protocol is `sessioned`). */
  async fenceZombies(
    name: string,
    body: Buffer,
    headers: Readonly<Record<string, string | string[] | undefined>>,
  ): Promise<void> {
    if (this.#protocol === 'sessioned') verifyRequest(this.#config.snapshot().sessionKey, body, headers)
    this.#requireLeader('Only the leader may perform zombie fencing.')
    await this.#eos.fenceZombies(name)
  }

  /**
   * What an exactly-once source task needs from the herder: preflight fencing (here when leading, else
   * by the leader), and after initTransactions the check that its task configs and assignment still hold.
   */
  #exactlyOnceTask(
    id: ConnectorTaskId,
    config: Readonly<Record<string, string>>,
    snapshot: ClusterConfigSnapshot,
  ): ExactlyOnceTaskOptions {
    const generation = snapshot.taskConfigGeneration(id.connector)
    const boundary = (config['transaction.boundary'] ?? 'poll').toLowerCase() as TransactionBoundary
    const interval = config['transaction.boundary.interval.ms']
    return {
      transactionalId: taskTransactionalId(this.#s.groupId, id),
      boundary,
      intervalMs:
        interval === undefined || interval.trim() === ''
          ? Number(this.#o.workerProps['offset.flush.interval.ms'] ?? 60_000)
          : Number(interval),
      offsetsTopic: this.#kafkaOffsetStore().topic,
      offsetsPartitions: this.#kafkaOffsetStore().partitionCount,
      preflight: (stopped) => this.#eos.preflightFence(id, stopped),
      verify: async () => {
        await this.#config.readToEnd(this.#s.workerSyncTimeoutMs)
        if (this.#config.snapshot().taskConfigGeneration(id.connector) !== generation)
          throw new ConnectError(
            'XC_ILLEGAL_STATE',
            `Cannot start source task ${taskName(id)} with exactly-once support as the connector has already generated a new set of task configs`,
          )
        if (!(this.#assignment?.assigned.tasks.some((t) => taskKey(t) === taskKey(id)) ?? false))
          throw new ConnectError(
            'XC_ILLEGAL_STATE',
            `Cannot start source task ${taskName(id)} as it has already been revoked from this worker`,
          )
      },
      readOffsetsToEnd: () => this.#kafkaOffsetStore().readToEnd(this.#s.workerSyncTimeoutMs),
    }
  }

  /** Exactly-once writes offsets in the task's transactions, to the offsets topic itself. */
  #kafkaOffsetStore(): KafkaOffsetStore {
    if (this.#kafkaOffsets === undefined)
      throw new ConnectError('XC_ILLEGAL_STATE', 'exactly-once source tasks need the Kafka offsets store')
    return this.#kafkaOffsets
  }

  async connectorOffsets(name: string): Promise<ConnectorOffsets> {
    const config = this.#connectorConfig(name)
    return { offsets: await this.#requireWorker().connectorOffsets(name, config as ConnectorProps) }
  }

  async modifyConnectorOffsets(
    name: string,
    offsets: ReadonlyArray<SourceOffsetEntry | SinkOffsetEntry> | null,
  ): Promise<string> {
    checkOffsetsRequest(offsets)
    this.#requireLeader('Only the leader can modify connector offsets.')
    await this.#config.readToEnd(this.#s.workerSyncTimeoutMs)
    const snapshot = this.#config.snapshot()
    const config = this.#connectorConfig(name)
    if (snapshot.targetState(name) !== 'STOPPED' || snapshot.taskCount(name) !== 0)
      throw notStoppedError(name)
    // KIP-875 under KIP-618: no zombie of the connector may commit offsets after ours; they are then
    // written with task 0's transactional id.
    if (this.#eos.enabled && connectorTypeOf(this.#worker?.plugins, config) === 'source') {
      try {
        await this.#eos.fenceZombies(name)
      } catch (err) {
        throw new ConnectError(
          'XC_CONNECT',
          `Failed to perform zombie fencing for source connector prior to modifying offsets: ${(err as Error).message}`,
          { cause: err },
        )
      }
      const kafkaOffsets = this.#kafkaOffsetStore()
      const entries =
        offsets === null
          ? kafkaOffsets.getAll(name).map((e) => ({ partition: e.partition, offset: null }))
          : (offsets as SourceOffsetEntry[]).map((o) => ({ partition: o.partition, offset: o.offset }))
      await this.#eos.writeOffsetsAsTask0(name, entries, kafkaOffsets.topic, kafkaOffsets.partitionCount)
      await kafkaOffsets.readToEnd(this.#s.workerSyncTimeoutMs)
      return offsets === null
        ? 'The offsets for this connector have been reset successfully'
        : 'The offsets for this connector have been altered successfully'
    }
    return this.#requireWorker().modifyConnectorOffsets(name, config as ConnectorProps, offsets)
  }

  async connectorActiveTopics(name: string): Promise<string[]> {
    return this.#core.connectorActiveTopics(name)
  }

  async resetConnectorActiveTopics(name: string): Promise<void> {
    this.#core.resetConnectorActiveTopics(name)
  }

  plugins(connectorsOnly: boolean): PluginInfo[] {
    return this.#core.plugins(connectorsOnly)
  }

  pluginConfig(pluginName: string, version?: string): ConfigKeyInfo[] {
    return this.#core.pluginConfig(pluginName, version)
  }

  /** The shared validation plus Java's distributed source checks (KIP-618 keys). */
  async validateConnectorConfig(config: Record<string, string>): Promise<ConfigInfos> {
    const infos = await this.#core.validateConnectorConfig(config)
    let connector: SourceConnector | undefined
    try {
      const entry = this.#worker?.plugins.resolve(config[CONNECTOR_CLASS_CONFIG] ?? '')
      if (entry?.kind === 'source') connector = entry.definition.create() as SourceConnector
    } catch {
      // An unknown class is already an error of the standalone validation.
    }
    if (connector === undefined) return infos
    return withErrors(infos, exactlyOnceErrors(config as ConnectorProps, connector, this.#eos.enabled))
  }

  /** `PUT /admin/loggers/{l}?scope=cluster`: any worker writes the record; every worker applies it. */
  async putClusterLoggerLevel(namespace: string, level: string): Promise<void> {
    await this.#config.write([loggerLevelRecord(namespace, level)])
  }

  #requireWorker(): ConnectWorker {
    if (this.#worker === undefined) throw new ConnectError('XC_ILLEGAL_STATE', 'Worker is still starting up.')
    return this.#worker
  }
}
