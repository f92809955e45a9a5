import type { ConnectorTaskId, State } from '../worker/worker-api.js'

/**
 * Records of the Connect status topic (Kafka's `KafkaStatusBackingStore`): keys `status-connector-<c>`,
 * `status-task-<c>-<n>` and `status-topic-<topic>:connector-<c>`; values are compact JSON in Java's field
 * order. A null value is DESTROYED.
 */

export const STATUS_CONNECTOR_PREFIX = 'status-connector-'
export const STATUS_TASK_PREFIX = 'status-task-'
export const STATUS_TOPIC_PREFIX = 'status-topic-'

/** One connector or task status as written to the topic. */
export interface StatusValue {
  readonly state: State
  readonly trace: string | null
  readonly workerId: string
  /** The group generation the writer was in. */
  readonly generation: number
  /** The plugin version; Java writes null for UNASSIGNED and RESTARTING tasks. */
  readonly version: string | null
}

/** A connector's use of a topic (KIP-558 `topic.tracking.enable`). */
export interface TopicStatusValue {
  readonly topic: string
  readonly connector: string
  readonly task: number
  readonly discoverTimestamp: number
}

export type StatusRecord =
  | { readonly kind: 'connector'; readonly connector: string; readonly status: StatusValue | null }
  | { readonly kind: 'task'; readonly id: ConnectorTaskId; readonly status: StatusValue | null }
  | {
      readonly kind: 'topic'
      readonly topic: string
      readonly connector: string
      readonly status: TopicStatusValue | null
    }

const STATES: readonly State[] = ['UNASSIGNED', 'RUNNING', 'PAUSED', 'STOPPED', 'FAILED', 'RESTARTING']

export const connectorStatusKey = (connector: string) => STATUS_CONNECTOR_PREFIX + connector
export const taskStatusKey = (id: ConnectorTaskId) => `${STATUS_TASK_PREFIX}${id.connector}-${id.task}`
export const topicStatusKey = (topic: string, connector: string) =>
  `${STATUS_TOPIC_PREFIX}${topic}:connector-${connector}`

/** The value bytes of a connector or task status (null = DESTROYED tombstone). */
export function encodeStatus(status: StatusValue | null): Buffer | null {
  if (status === null) return null
  return Buffer.from(
    JSON.stringify({
      state: status.state,
      trace: status.trace,
      worker_id: status.workerId,
      generation: status.generation,
      version: status.version,
    }),
    'utf8',
  )
}

export function encodeTopicStatus(status: TopicStatusValue | null): Buffer | null {
  if (status === null) return null
  return Buffer.from(
    JSON.stringify({
      topic: {
        name: status.topic,
        connector: status.connector,
        task: status.task,
        discoverTimestamp: status.discoverTimestamp,
      },
    }),
    'utf8',
  )
}

function decodeStatusValue(value: Buffer): StatusValue | undefined {
  let o: Record<string, unknown>
  try {
    o = JSON.parse(value.toString('utf8')) as Record<string, unknown>
  } catch {
    return undefined
  }
  if (o === null || typeof o !== 'object') return undefined
  const state = o.state
  if (typeof state !== 'string' || !STATES.includes(state as State)) return undefined
  if (typeof o.worker_id !== 'string') return undefined
  const generation = typeof o.generation === 'number' ? o.generation : -1
  return {
    state: state as State,
    trace: typeof o.trace === 'string' ? o.trace : null,
    workerId: o.worker_id,
    generation,
    version: typeof o.version === 'string' ? o.version : null,
  }
}

/**
 * Decodes one status-topic record; `undefined` for a key or value Java would also skip (it logs and
 * ignores malformed status records, as a status is advisory).
 */
export function parseStatusRecord(key: string, value: Buffer | null): StatusRecord | undefined {
  if (key.startsWith(STATUS_CONNECTOR_PREFIX)) {
    const connector = key.slice(STATUS_CONNECTOR_PREFIX.length)
    if (value === null) return { kind: 'connector', connector, status: null }
    const status = decodeStatusValue(value)
    return status === undefined ? undefined : { kind: 'connector', connector, status }
  }
  if (key.startsWith(STATUS_TASK_PREFIX)) {
    const rest = key.slice(STATUS_TASK_PREFIX.length)
    const dash = rest.lastIndexOf('-')
    const task = Number(rest.slice(dash + 1))
    if (dash <= 0 || !/^\d+$/.test(rest.slice(dash + 1))) return undefined
    const id = { connector: rest.slice(0, dash), task }
    if (value === null) return { kind: 'task', id, status: null }
    const status = decodeStatusValue(value)
    return status === undefined ? undefined : { kind: 'task', id, status }
  }
  if (key.startsWith(STATUS_TOPIC_PREFIX)) {
    const rest = key.slice(STATUS_TOPIC_PREFIX.length)
    const sep = rest.indexOf(':connector-')
    if (sep <= 0) return undefined
    const topic = rest.slice(0, sep)
    const connector = rest.slice(sep + ':connector-'.length)
    if (value === null) return { kind: 'topic', topic, connector, status: null }
    try {
      const t = (JSON.parse(value.toString('utf8')) as { topic?: Record<string, unknown> }).topic
      if (t === undefined || typeof t.name !== 'string' || typeof t.connector !== 'string') return undefined
      return {
        kind: 'topic',
        topic,
        connector,
        status: {
          topic: t.name,
          connector: t.connector,
          task: typeof t.task === 'number' ? t.task : 0,
          discoverTimestamp: typeof t.discoverTimestamp === 'number' ? t.discoverTimestamp : 0,
        },
      }
    } catch {
      return undefined
    }
  }
  return undefined
}
