import type { ConnectorProps, PluginDefinition, PluginKind } from '@sluice/api'
import type { ExactlyOnceTaskOptions } from './exactly-once-source-task-owner.js'

/** What a connector should be doing, as set by the user (Kafka Connect's `TargetState`). */
export type TargetState = 'STARTED' | 'PAUSED' | 'STOPPED'

/** A connector's or task's observed state, as `GET /connectors/{c}/status` reports it. */
export type State = 'UNASSIGNED' | 'RUNNING' | 'PAUSED' | 'FAILED' | 'RESTARTING' | 'STOPPED'

/** What a DLQ replay did. */
export interface DlqReplayResult {
  readonly connector: string
  readonly topic: string
  /** The DLQ offsets replayed: `[from, to)`. */
  readonly from: number
  readonly to: number
  readonly read: number
  /** Records put by the task. */
  readonly put: number
  /** Records that failed again (and went back to the DLQ). */
  readonly failed: number
}

/** Identifies one task of a connector. */
export interface ConnectorTaskId {
  readonly connector: string
  readonly task: number
}

/**
 * Receives state changes from the worker (Kafka Connect's `ConnectorStatus.Listener` and
 * `TaskStatus.Listener`). The herder keeps the status store from these events.
 */
export interface StatusListener {
  onConnectorState(connector: string, state: State, trace?: string): void
  onTaskState(id: ConnectorTaskId, state: State, trace?: string): void
}

/** One plugin the worker can load, with where it came from. */
export interface PluginEntry {
  readonly definition: PluginDefinition
  readonly kind: PluginKind
  readonly className: string
  readonly aliases: readonly string[]
  readonly version: string
  /** Module the definition was loaded from; task threads import it by this path. */
  readonly modulePath: string
}

/** Lookup of installed plugins by class name or alias. */
export interface PluginRegistry {
  list(kind?: PluginKind): readonly PluginEntry[]
  /** Finds a plugin by class name or alias; throws NotFoundError naming what was asked for. */
  resolve(nameOrAlias: string, kind?: PluginKind): PluginEntry
  find(nameOrAlias: string, kind?: PluginKind): PluginEntry | undefined
}

/** Source offsets of a connector, in the REST shape of KIP-875. */
export interface SourceOffsetEntry {
  readonly partition: Readonly<Record<string, unknown>>
  readonly offset: Readonly<Record<string, unknown>> | null
}

/** Sink offsets of a connector, in the REST shape of KIP-875 (`offset` is `{kafka_offset}`). */
export interface SinkOffsetEntry {
  readonly partition: { readonly kafka_topic: string; readonly kafka_partition: number }
  readonly offset: { readonly kafka_offset: number } | null
}

/**
 * The part of the runtime that executes connectors and tasks (Kafka Connect's `Worker`). The herder
 * decides *what* runs (configs, target states, REST semantics); the worker runs it, supervises it and
 * reports states through the {@link StatusListener} it was created with.
 */
export interface ConnectWorker {
  /** DLQ replay (a Sluice extension); see `Worker.replayDeadLetterQueue`. */
  replayDeadLetterQueue?(
    name: string,
    props: ConnectorProps,
    range: { from: number; to?: number | undefined },
  ): Promise<DlqReplayResult>
  readonly workerId: string
  readonly plugins: PluginRegistry

  /** Starts (or restarts) a connector instance in `targetState`. Resolves once it has started. */
  startConnector(name: string, props: ConnectorProps, targetState: TargetState): Promise<void>
  /** Task configs from the running connector's `taskConfigs(tasks.max)`, with runtime keys added. */
  connectorTaskConfigs(name: string): Promise<ConnectorProps[]>
  /**
   * Starts a task; supervision (restart with backoff) is the worker's job from then on. `exactlyOnce`
   * (distributed mode with `exactly.once.source.support=enabled`, source tasks only) makes it a
   * transactional task (KIP-618).
   */
  startTask(
    id: ConnectorTaskId,
    connectorProps: ConnectorProps,
    taskProps: ConnectorProps,
    targetState: TargetState,
    exactlyOnce?: ExactlyOnceTaskOptions,
  ): Promise<void>
  /** Stops a connector instance (not its tasks). */
  stopConnector(name: string): Promise<void>
  /** Stops tasks gracefully, then forcibly after `task.shutdown.graceful.timeout.ms`. */
  stopTasks(ids: readonly ConnectorTaskId[]): Promise<void>
  /** Pauses/resumes/stops a running connector and its tasks. */
  setTargetState(name: string, state: TargetState): Promise<void>
  /** Whether the connector class is a sink. */
  isSinkConnector(props: ConnectorProps): boolean
  /** Committed offsets of a connector (source: offset store; sink: consumer group `connect-<name>`). */
  connectorOffsets(name: string, props: ConnectorProps): Promise<Array<SourceOffsetEntry | SinkOffsetEntry>>
  /** Alters (`offsets` given) or resets (`offsets` null) a STOPPED connector's offsets; returns the REST message. */
  modifyConnectorOffsets(
    name: string,
    props: ConnectorProps,
    offsets: ReadonlyArray<SourceOffsetEntry | SinkOffsetEntry> | null,
  ): Promise<string>
  /** Topics the connector has produced to / consumed from (`topic.tracking.enable`). */
  activeTopics(name: string): readonly string[]
  resetActiveTopics(name: string): void
  /** Stops everything (two-phase) and releases Kafka clients and threads. */
  stop(): Promise<void>
  /**
   * Set by the herder: called when a running connector asks for its task configs to be regenerated
   * (`ConnectorContext.requestTaskReconfiguration()`); the herder then calls {@link connectorTaskConfigs}
   * and restarts the tasks if they changed. Added for the standalone herder; `Worker` already has it.
   */
  onTaskReconfigurationRequest?: ((connector: string) => void) | undefined
}
