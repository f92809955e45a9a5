import type { ConfigInfos, ConfigKeyInfo, ConnectorProps, PluginKind } from '@sluice/api'
import type {
  ConnectorTaskId,
  DlqReplayResult,
  SinkOffsetEntry,
  SourceOffsetEntry,
  State,
  TargetState,
} from '../worker/worker-api.js'

/**
 * The herder's view of the cluster, in the JSON shapes Kafka Connect's REST API returns
 * (`rt/runtime/rest/entities`). The REST layer serialises these as they are, so field names and
 * ordering here *are* the wire format.
 */

/** `ConnectorInfo`. */
export interface ConnectorInfo {
  readonly name: string
  readonly config: Readonly<Record<string, string>>
  readonly tasks: readonly ConnectorTaskId[]
  readonly type: ConnectorType
}

export type ConnectorType = 'source' | 'sink' | 'unknown'

/** One state entry of `ConnectorStateInfo` (`trace`/`version` omitted when absent). */
export interface ConnectorState {
  readonly state: State
  readonly worker_id: string
  readonly trace?: string
  readonly version?: string
}

export interface TaskState extends ConnectorState {
  readonly id: number
}

/** `ConnectorStateInfo` (`GET /connectors/{c}/status`); tasks sorted by id. */
export interface ConnectorStateInfo {
  readonly name: string
  readonly connector: ConnectorState
  readonly tasks: readonly TaskState[]
  readonly type: ConnectorType
}

/** `TaskInfo` (`GET /connectors/{c}/tasks`). */
export interface TaskInfo {
  readonly id: ConnectorTaskId
  readonly config: Readonly<Record<string, string>>
}

/** `ConnectorOffsets` (KIP-875). */
export interface ConnectorOffsets {
  readonly offsets: ReadonlyArray<SourceOffsetEntry | SinkOffsetEntry>
}

/** `PluginInfo` (`GET /connector-plugins`); `version` omitted when unknown. */
export interface PluginInfo {
  readonly class: string
  readonly type: PluginKind
  readonly version?: string
}

/** `CreateConnectorRequest.initial_state`, already mapped (RUNNING → STARTED). */
export type InitialState = TargetState

/** `RestartRequest` (KIP-745). */
export interface RestartRequest {
  readonly connector: string
  readonly onlyFailed: boolean
  readonly includeTasks: boolean
}

/** Result of a create-or-update: whether the connector was created, and its info. */
export interface PutConnectorResult {
  readonly created: boolean
  readonly info: ConnectorInfo
}

/**
 * What the REST API drives (Kafka Connect's `Herder`): connector configs, target states, statuses,
 * restarts, offsets and plugin validation. Implementations: the standalone herder (one worker, no
 * config topic) and, later, the distributed herder.
 *
 * Errors follow Kafka Connect's mapping: `NotFoundError` → 404, `AlreadyExistsError` → 409,
 * `BadRequestError` → 400, `ConfigError` (invalid connector config, listing every error) → 400.
 */
export interface Herder {
  /** Starts the herder (and its worker); resolves once it accepts requests. */
  start(): Promise<void>
  /** Stops every connector (two-phase) and the worker. */
  stop(): Promise<void>
  /** `true` once {@link start} completed (`GET /health`). */
  readonly ready: boolean

  /** The Kafka cluster id (`GET /`). */
  kafkaClusterId(): Promise<string | null>

  connectors(): Promise<string[]>
  connectorInfo(name: string): Promise<ConnectorInfo>
  connectorConfig(name: string): Promise<Record<string, string>>
  connectorStatus(name: string): Promise<ConnectorStateInfo>
  taskStatus(id: ConnectorTaskId): Promise<TaskState>
  taskConfigs(name: string): Promise<TaskInfo[]>

  /** `POST /connectors` (`allowReplace=false`) and `PUT /connectors/{c}/config` (`allowReplace=true`). */
  putConnectorConfig(
    name: string,
    config: Record<string, string>,
    options: { allowReplace: boolean; initialState?: InitialState },
  ): Promise<PutConnectorResult>
  /** `PATCH /connectors/{c}/config`: `null` removes a key. */
  patchConnectorConfig(name: string, patch: Record<string, string | null>): Promise<ConnectorInfo>
  deleteConnector(name: string): Promise<void>

  pauseConnector(name: string): Promise<void>
  resumeConnector(name: string): Promise<void>
  stopConnector(name: string): Promise<void>
  /** Plain restart (204) when both flags are false; otherwise the status with RESTARTING entries (202). */
  restartConnector(request: RestartRequest): Promise<ConnectorStateInfo | null>
  restartTask(id: ConnectorTaskId): Promise<void>

  connectorOffsets(name: string): Promise<ConnectorOffsets>
  /** `PATCH` (offsets given) or `DELETE` (null) `/connectors/{c}/offsets`; returns the REST message. */
  modifyConnectorOffsets(name: string, offsets: ConnectorOffsets['offsets'] | null): Promise<string>

  /**
   * Sluice extension: `POST /connectors/{c}/dlq/replay` re-feeds DLQ records `[from, to)` through the
   * connector's pipeline; what fails again goes back to the DLQ. Optional for herders that lack it.
   */
  replayDeadLetterQueue?(
    name: string,
    range: { from: number; to?: number | undefined },
  ): Promise<DlqReplayResult>

  /** `topic.tracking.enable`; throws `ForbiddenError` when disabled. */
  connectorActiveTopics(name: string): Promise<string[]>
  resetConnectorActiveTopics(name: string): Promise<void>

  plugins(connectorsOnly: boolean): PluginInfo[]
  /**
   * Config keys of a plugin (`GET /connector-plugins/{p}/config`). `version` (4.1, `?version=`) is a
   * version or Maven-style range; when no installed version matches, throw `BadRequestError`
   * `Plugin <class> not found that matches the version range <range>, available versions: [<v>, ...]`.
   */
  pluginConfig(pluginName: string, version?: string): ConfigKeyInfo[]
  /** `PUT /connector-plugins/{p}/config/validate` (and the check before create/update). */
  validateConnectorConfig(config: Record<string, string>): Promise<ConfigInfos>
}

export type { ConnectorProps }
