import {
  CaseInsensitiveValidString,
  ConfigDef,
  ConfigError,
  type ParsedConfig,
  Range,
  ValidString,
} from '@sluice/api'
import type { ConnectProtocolName } from './connect-protocol.js'

/**
 * Kafka's `DistributedConfig` keys (beyond `WorkerConfig` and the REST keys), with Kafka's defaults and
 * validators, as data; and the typed view the distributed herder reads. Keys Sluice accepts but does not
 * implement are validation errors.
 */

const ms = (name: string, defaultValue: number, documentation: string, min = 0) => ({
  name,
  type: 'INT' as const,
  defaultValue,
  validator: Range.atLeast(min),
  importance: 'MEDIUM' as const,
  documentation,
})

const replication = (name: string, what: string) => ({
  name,
  type: 'SHORT' as const,
  defaultValue: 3,
  validator: new (class {
    ensureValid(key: string, value: unknown): void {
      const n = Number(value)
      if (!(n === -1 || n >= 1))
        throw new ConfigError(
          `Invalid value ${String(value)} for configuration ${key}: Replication factor must be positive, or -1 to use the broker's default`,
          { [key]: [`Replication factor must be positive, or -1 to use the broker's default`] },
        )
    }
    toString(): string {
      return "Positive number, or -1 to use the broker's default"
    }
  })(),
  importance: 'LOW' as const,
  documentation: `Replication factor used when creating the ${what} storage topic`,
})

export const DISTRIBUTED_CONFIG_DEF: ConfigDef = new ConfigDef()
  .define({
    name: 'group.id',
    type: 'STRING',
    importance: 'HIGH',
    documentation: 'A unique string that identifies the Connect cluster group this worker belongs to.',
  })
  .define(ms('session.timeout.ms', 10_000, 'The timeout used to detect worker failures.'))
  .define(
    ms('heartbeat.interval.ms', 3_000, 'The expected time between heartbeats to the group coordinator.'),
  )
  .define(ms('rebalance.timeout.ms', 60_000, 'The maximum allowed time for each worker to join the group.'))
  .define(
    ms(
      'worker.sync.timeout.ms',
      3_000,
      'How long to wait for the config log to catch up before leaving the group.',
    ),
  )
  .define(
    ms(
      'worker.unsync.backoff.ms',
      300_000,
      'When the worker is out of sync with other workers and fails to catch up within worker.sync.timeout.ms, leave the Connect cluster for this long before rejoining.',
    ),
  )
  .define({
    name: 'config.storage.topic',
    type: 'STRING',
    importance: 'HIGH',
    documentation: 'The name of the Kafka topic where connector configurations are stored',
  })
  .define(replication('config.storage.replication.factor', 'configuration'))
  .define({
    name: 'offset.storage.topic',
    type: 'STRING',
    importance: 'HIGH',
    documentation: 'The name of the Kafka topic where source connector offsets are stored',
  })
  .define({
    name: 'offset.storage.partitions',
    type: 'INT',
    defaultValue: 25,
    validator: Range.atLeast(1),
    importance: 'LOW',
    documentation: 'The number of partitions used when creating the offset storage topic',
  })
  .define(replication('offset.storage.replication.factor', 'offset'))
  .define({
    name: 'status.storage.topic',
    type: 'STRING',
    importance: 'HIGH',
    documentation: 'The name of the Kafka topic where connector and task status are stored',
  })
  .define({
    name: 'status.storage.partitions',
    type: 'INT',
    defaultValue: 5,
    validator: Range.atLeast(1),
    importance: 'LOW',
    documentation: 'The number of partitions used when creating the status storage topic',
  })
  .define(replication('status.storage.replication.factor', 'status'))
  .define({
    name: 'connect.protocol',
    type: 'STRING',
    defaultValue: 'sessioned',
    validator: ValidString.in('eager', 'compatible', 'sessioned'),
    importance: 'LOW',
    documentation: 'Compatibility mode for Kafka Connect Protocol',
  })
  .define(
    ms(
      'scheduled.rebalance.max.delay.ms',
      300_000,
      'The maximum delay that is scheduled in order to wait for the return of one or more departed workers before rebalancing and reassigning their connectors and tasks to the group.',
    ),
  )
  .define({
    name: 'inter.worker.key.generation.algorithm',
    type: 'STRING',
    defaultValue: 'HmacSHA256',
    validator: ValidString.in('HmacSHA256'),
    importance: 'LOW',
    documentation: 'The algorithm to use for generating internal request keys.',
  })
  .define({
    name: 'inter.worker.key.size',
    type: 'INT',
    defaultValue: null,
    importance: 'LOW',
    documentation: 'The size of the key to use for signing internal requests, in bits.',
  })
  .define({
    name: 'inter.worker.key.ttl.ms',
    type: 'INT',
    defaultValue: 3_600_000,
    validator: Range.between(0, 2_147_483_647),
    importance: 'LOW',
    documentation: 'The TTL of generated session keys used for internal request validation (in milliseconds)',
  })
  .define({
    name: 'inter.worker.signature.algorithm',
    type: 'STRING',
    defaultValue: 'HmacSHA256',
    validator: ValidString.in('HmacSHA256'),
    importance: 'LOW',
    documentation: 'The algorithm used to sign internal requests.',
  })
  .define({
    name: 'inter.worker.verification.algorithms',
    type: 'LIST',
    defaultValue: 'HmacSHA256',
    importance: 'LOW',
    documentation: 'A list of permitted algorithms for verifying internal requests.',
  })
  .define({
    name: 'exactly.once.source.support',
    type: 'STRING',
    defaultValue: 'disabled',
    validator: CaseInsensitiveValidString.in('disabled', 'preparing', 'enabled'),
    importance: 'HIGH',
    documentation: 'Whether to enable exactly-once support for source connectors in the cluster.',
  })

/** The typed distributed-mode settings the herder uses. */
export interface DistributedSettings {
  readonly groupId: string
  readonly configTopic: string
  readonly offsetTopic: string
  readonly statusTopic: string
  readonly configReplication: number
  readonly offsetReplication: number
  readonly offsetPartitions: number
  readonly statusReplication: number
  readonly statusPartitions: number
  readonly sessionTimeoutMs: number
  readonly heartbeatIntervalMs: number
  readonly rebalanceTimeoutMs: number
  readonly workerSyncTimeoutMs: number
  readonly workerUnsyncBackoffMs: number
  /** `eager` is spelled `default` on the wire. */
  readonly protocol: ConnectProtocolName
  readonly scheduledRebalanceMaxDelayMs: number
  readonly keyTtlMs: number
  readonly requestTimeoutMs: number
  /** `client.id`; the group member id prefix. */
  readonly clientId: string | undefined
  /**
   * KIP-618 `exactly.once.source.support`: `preparing` and `enabled` give the leader a transactional
   * config-topic writer; only `enabled` runs exactly-once source tasks, fences zombies and reads the
   * config and offsets topics read_committed.
   */
  readonly exactlyOnceSourceSupport: 'disabled' | 'preparing' | 'enabled'
}

/** Parses the distributed keys of `props` (other keys pass through); throws `ConfigError` listing each bad key. */
export function parseDistributedSettings(props: Readonly<Record<string, string>>): DistributedSettings {
  const defined = new Set(DISTRIBUTED_CONFIG_DEF.names())
  const own = Object.fromEntries(Object.entries(props).filter(([k]) => defined.has(k)))
  const v: ParsedConfig = DISTRIBUTED_CONFIG_DEF.parse(own)
  const num = (k: string) => Number(v[k])
  const str = (k: string) => String(v[k])
  const protocol = str('connect.protocol')
  const rt = props['request.timeout.ms']
  return {
    groupId: str('group.id'),
    configTopic: str('config.storage.topic'),
    offsetTopic: str('offset.storage.topic'),
    statusTopic: str('status.storage.topic'),
    configReplication: num('config.storage.replication.factor'),
    offsetReplication: num('offset.storage.replication.factor'),
    offsetPartitions: num('offset.storage.partitions'),
    statusReplication: num('status.storage.replication.factor'),
    statusPartitions: num('status.storage.partitions'),
    sessionTimeoutMs: num('session.timeout.ms'),
    heartbeatIntervalMs: num('heartbeat.interval.ms'),
    rebalanceTimeoutMs: num('rebalance.timeout.ms'),
    workerSyncTimeoutMs: num('worker.sync.timeout.ms'),
    workerUnsyncBackoffMs: num('worker.unsync.backoff.ms'),
    protocol: protocol === 'eager' ? 'default' : (protocol as ConnectProtocolName),
    scheduledRebalanceMaxDelayMs: num('scheduled.rebalance.max.delay.ms'),
    keyTtlMs: num('inter.worker.key.ttl.ms'),
    requestTimeoutMs: rt === undefined || rt.trim() === '' ? 40_000 : Number(rt),
    clientId: props['client.id'],
    exactlyOnceSourceSupport: str('exactly.once.source.support').toLowerCase() as
      | 'disabled'
      | 'preparing'
      | 'enabled',
  }
}
