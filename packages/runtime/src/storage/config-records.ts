import type { TargetState } from '../worker/worker-api.js'

/**
 * Records of the Connect config topic (Kafka's `KafkaConfigBackingStore`), in the exact keys and
 * schemaless-JSON values a Java worker writes and reads. Values are compact JSON with the field order
 * Java's structs use; a null value is a tombstone.
 */

/** A session key for KIP-507 request signatures. */
export interface SessionKey {
  /** Base64 of the raw key bytes. */
  readonly key: string
  readonly algorithm: string
  readonly creationTimestamp: number
}

/** One config-topic record, decoded. */
export type ConfigRecord =
  | {
      readonly kind: 'connector'
      readonly connector: string
      readonly properties: Record<string, string> | null
    }
  | {
      readonly kind: 'task'
      readonly connector: string
      readonly task: number
      readonly properties: Record<string, string> | null
    }
  | { readonly kind: 'commit'; readonly connector: string; readonly tasks: number }
  | { readonly kind: 'target-state'; readonly connector: string; readonly state: TargetState | null }
  | { readonly kind: 'session-key'; readonly sessionKey: SessionKey }
  | {
      readonly kind: 'restart'
      readonly connector: string
      readonly includeTasks: boolean
      readonly onlyFailed: boolean
    }
  | { readonly kind: 'tasks-fencing'; readonly connector: string; readonly taskCount: number | null }
  | { readonly kind: 'logger'; readonly namespace: string; readonly level: string | null }

/** A key and value ready to produce (value null = tombstone). */
export interface EncodedRecord {
  readonly key: string
  readonly value: Buffer | null
}

export const CONNECTOR_PREFIX = 'connector-'
export const TASK_PREFIX = 'task-'
export const COMMIT_PREFIX = 'commit-'
export const TARGET_STATE_PREFIX = 'target-state-'
export const SESSION_KEY_KEY = 'session-key'
export const RESTART_PREFIX = 'restart-connector-'
export const TASKS_FENCING_PREFIX = 'tasks-fencing-'
export const LOGGER_CLUSTER_PREFIX = 'logger-cluster-'

/** A config-topic record that Sluice cannot use, with the reason (logged, never silently dropped). */
export class ConfigRecordError extends Error {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`Config topic record '${key}': ${reason}`)
    this.name = 'ConfigRecordError'
  }
}

const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v), 'utf8')

export function connectorConfigRecord(
  connector: string,
  properties: Record<string, string> | null,
): EncodedRecord {
  return { key: CONNECTOR_PREFIX + connector, value: properties === null ? null : json({ properties }) }
}

export function taskConfigRecord(
  connector: string,
  task: number,
  properties: Record<string, string>,
): EncodedRecord {
  return { key: `${TASK_PREFIX}${connector}-${task}`, value: json({ properties }) }
}

export function commitRecord(connector: string, tasks: number): EncodedRecord {
  return { key: COMMIT_PREFIX + connector, value: json({ tasks }) }
}

/**
 * `target-state-<c>`: `state` carries what pre-3.5 workers understand (STOPPED reads as PAUSED there),
 * `state.v2` the real state.
 */
export function targetStateRecord(connector: string, state: TargetState | null): EncodedRecord {
  if (state === null) return { key: TARGET_STATE_PREFIX + connector, value: null }
  const legacy = state === 'STOPPED' ? 'PAUSED' : state
  return { key: TARGET_STATE_PREFIX + connector, value: json({ state: legacy, 'state.v2': state }) }
}

export function sessionKeyRecord(k: SessionKey): EncodedRecord {
  return {
    key: SESSION_KEY_KEY,
    value: json({ key: k.key, algorithm: k.algorithm, 'creation-timestamp': k.creationTimestamp }),
  }
}

export function restartRecord(connector: string, includeTasks: boolean, onlyFailed: boolean): EncodedRecord {
  return {
    key: RESTART_PREFIX + connector,
    value: json({ 'include-tasks': includeTasks, 'only-failed': onlyFailed }),
  }
}

export function tasksFencingRecord(connector: string, taskCount: number): EncodedRecord {
  return { key: TASKS_FENCING_PREFIX + connector, value: json({ 'task-count': taskCount }) }
}

export function loggerLevelRecord(namespace: string, level: string): EncodedRecord {
  return { key: LOGGER_CLUSTER_PREFIX + namespace, value: json({ level }) }
}

function parseJsonObject(key: string, value: Buffer): Record<string, unknown> {
  let parsed: unknown
  try {
    parsed = JSON.parse(value.toString('utf8'))
  } catch (err) {
    throw new ConfigRecordError(key, `value is not JSON (${(err as Error).message})`)
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new ConfigRecordError(key, 'value is not a JSON object')
  return parsed as Record<string, unknown>
}

function properties(key: string, obj: Record<string, unknown>): Record<string, string> {
  const p = obj.properties
  if (p === null || typeof p !== 'object' || Array.isArray(p))
    throw new ConfigRecordError(key, "value has no 'properties' object")
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(p as Record<string, unknown>)) {
    // Java stores every property as a string; null stays absent as Java's map would hold null.
    if (v === null || v === undefined) continue
    out[k] = typeof v === 'string' ? v : String(v)
  }
  return out
}

function integer(key: string, obj: Record<string, unknown>, field: string): number {
  const v = obj[field]
  if (typeof v !== 'number' || !Number.isInteger(v))
    throw new ConfigRecordError(key, `'${field}' is not an integer`)
  return v
}

function bool(key: string, obj: Record<string, unknown>, field: string, fallback: boolean): boolean {
  const v = obj[field]
  if (v === undefined || v === null) return fallback
  if (typeof v !== 'boolean') throw new ConfigRecordError(key, `'${field}' is not a boolean`)
  return v
}

const TARGET_STATES: readonly TargetState[] = ['STARTED', 'PAUSED', 'STOPPED']

function targetState(key: string, obj: Record<string, unknown>): TargetState {
  // Newer workers write `state.v2`; older ones only `state` (where STOPPED did not exist).
  const raw = obj['state.v2'] ?? obj.state
  if (typeof raw !== 'string' || !TARGET_STATES.includes(raw as TargetState))
    throw new ConfigRecordError(key, `unknown target state ${JSON.stringify(raw)}`)
  return raw as TargetState
}

/** Splits `task-<connector>-<n>` at the last dash (connector names may contain dashes). */
function parseTaskKey(key: string): { connector: string; task: number } {
  const rest = key.slice(TASK_PREFIX.length)
  const dash = rest.lastIndexOf('-')
  const task = Number(rest.slice(dash + 1))
  if (dash <= 0 || !/^\d+$/.test(rest.slice(dash + 1)) || !Number.isSafeInteger(task))
    throw new ConfigRecordError(key, 'task key is not task-<connector>-<number>')
  return { connector: rest.slice(0, dash), task }
}

/**
 * Decodes one config-topic record. Returns `undefined` for a key no Connect version writes (Java logs
 * and skips those); throws `ConfigRecordError` for a known key with an unusable value.
 */
export function parseConfigRecord(key: string, value: Buffer | null): ConfigRecord | undefined {
  if (key.startsWith(TARGET_STATE_PREFIX)) {
    const connector = key.slice(TARGET_STATE_PREFIX.length)
    if (value === null) return { kind: 'target-state', connector, state: null }
    return { kind: 'target-state', connector, state: targetState(key, parseJsonObject(key, value)) }
  }
  if (key.startsWith(CONNECTOR_PREFIX)) {
    const connector = key.slice(CONNECTOR_PREFIX.length)
    if (value === null) return { kind: 'connector', connector, properties: null }
    return { kind: 'connector', connector, properties: properties(key, parseJsonObject(key, value)) }
  }
  if (key.startsWith(TASK_PREFIX)) {
    const { connector, task } = parseTaskKey(key)
    if (value === null) return { kind: 'task', connector, task, properties: null }
    return { kind: 'task', connector, task, properties: properties(key, parseJsonObject(key, value)) }
  }
  if (key.startsWith(COMMIT_PREFIX)) {
    const connector = key.slice(COMMIT_PREFIX.length)
    if (value === null) throw new ConfigRecordError(key, 'a commit record cannot be a tombstone')
    return { kind: 'commit', connector, tasks: integer(key, parseJsonObject(key, value), 'tasks') }
  }
  if (key === SESSION_KEY_KEY) {
    if (value === null) throw new ConfigRecordError(key, 'the session key cannot be a tombstone')
    const obj = parseJsonObject(key, value)
    if (typeof obj.key !== 'string' || typeof obj.algorithm !== 'string')
      throw new ConfigRecordError(key, "needs string 'key' and 'algorithm'")
    return {
      kind: 'session-key',
      sessionKey: {
        key: obj.key,
        algorithm: obj.algorithm,
        creationTimestamp: integer(key, obj, 'creation-timestamp'),
      },
    }
  }
  if (key.startsWith(RESTART_PREFIX)) {
    const connector = key.slice(RESTART_PREFIX.length)
    if (value === null) throw new ConfigRecordError(key, 'a restart request cannot be a tombstone')
    const obj = parseJsonObject(key, value)
    return {
      kind: 'restart',
      connector,
      includeTasks: bool(key, obj, 'include-tasks', false),
      onlyFailed: bool(key, obj, 'only-failed', false),
    }
  }
  if (key.startsWith(TASKS_FENCING_PREFIX)) {
    const connector = key.slice(TASKS_FENCING_PREFIX.length)
    if (value === null) return { kind: 'tasks-fencing', connector, taskCount: null }
    return {
      kind: 'tasks-fencing',
      connector,
      taskCount: integer(key, parseJsonObject(key, value), 'task-count'),
    }
  }
  if (key.startsWith(LOGGER_CLUSTER_PREFIX)) {
    const namespace = key.slice(LOGGER_CLUSTER_PREFIX.length)
    if (value === null) return { kind: 'logger', namespace, level: null }
    const level = parseJsonObject(key, value).level
    if (typeof level !== 'string') throw new ConfigRecordError(key, "'level' is not a string")
    return { kind: 'logger', namespace, level }
  }
  return undefined
}
