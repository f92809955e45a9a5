import type { ConfigDef, ConfigValue } from './config/index.js'
import type { SourceOffset, SourcePartition, TopicPartition } from './records.js'
import type { SinkTask, SourceTask } from './task.js'

/** String-valued configuration as users write it (properties files, REST JSON). */
export type ConnectorProps = Readonly<Record<string, string>>

/** What a connector may ask of the runtime (Kafka Connect's `ConnectorContext`). */
export interface ConnectorContext {
  /** Asks the runtime to call {@link Connector.taskConfigs} again and restart tasks if they changed. */
  requestTaskReconfiguration(): void
  /** Fails the connector with `error` (status FAILED with its trace). */
  raiseError(error: Error): void
}

/** Offset reader a source connector gets from its context (for `alterOffsets` decisions, etc.). */
export interface SourceConnectorContext extends ConnectorContext {
  readonly offsetStorageReader: OffsetStorageReader
}

/** Reads committed source offsets. Async because offsets live on the worker's main thread. */
export interface OffsetStorageReader {
  /** The last committed offset of `partition`, or null if there is none. */
  offset(partition: SourcePartition): Promise<SourceOffset | null>
  /** Offsets of several partitions at once; missing ones map to null. */
  offsets(
    partitions: readonly SourcePartition[],
  ): Promise<Array<{ partition: SourcePartition; offset: SourceOffset | null }>>
}

/**
 * Constructor of a task class, as returned by {@link Connector.taskClass}. A static `className` gives
 * the name Kafka Connect reports as the task config's `task.class` (e.g. Kafka's own
 * `org.apache.kafka.connect.file.FileStreamSourceTask`); without it the JavaScript class name is used.
 */
export type TaskClass<T> = (new () => T) & { readonly className?: string }

/**
 * A connector: validates its configuration and splits the work into task configs
 * (Kafka Connect's `Connector`). The lifecycle is `initialize` → `start` → `taskConfigs`* → `stop`.
 * A connector instance lives on the worker's main thread; its tasks run on the task pool.
 */
export abstract class Connector {
  #context: ConnectorContext | undefined

  /** Called once by the runtime before {@link start}. */
  initialize(context: ConnectorContext): void {
    this.#context = context
  }

  /** The context given to {@link initialize}. */
  get context(): ConnectorContext {
    if (this.#context === undefined) throw new Error('connector used before initialize()')
    return this.#context
  }

  /** Version of this connector, shown by `GET /connector-plugins`. */
  abstract version(): string
  /** Starts the connector with its (validated) configuration. */
  abstract start(props: ConnectorProps): void | Promise<void>
  /** The connector's task class. */
  abstract taskClass(): TaskClass<SourceTask | SinkTask>
  /** Up to `maxTasks` task configurations. */
  abstract taskConfigs(maxTasks: number): ConnectorProps[] | Promise<ConnectorProps[]>
  /** Stops the connector; release what `start` acquired. */
  abstract stop(): void | Promise<void>
  /** The connector's configuration definition. */
  abstract config(): ConfigDef

  /**
   * Validates `props` against {@link config}. Override to add cross-field checks; call super first.
   * Never throws for bad values: errors are reported per key.
   */
  validate(props: ConnectorProps): ConfigValue[] {
    return this.config().validate(props)
  }
}

/** Whether a source connector can provide exactly-once delivery (KIP-618). */
export type ExactlyOnceSupport = 'SUPPORTED' | 'UNSUPPORTED'

/** Whether a source connector's tasks can define their own transaction boundaries (KIP-618). */
export type ConnectorTransactionBoundaries = 'SUPPORTED' | 'UNSUPPORTED'

/** A connector that reads from an external system into Kafka. */
export abstract class SourceConnector extends Connector {
  abstract override taskClass(): TaskClass<SourceTask>

  /**
   * KIP-618: whether the connector, with these props, delivers exactly once when its records and
   * offsets are committed in one transaction (it must resume precisely from its committed offsets).
   * Consulted when `exactly.once.support=required`. Default null: the connector does not say.
   */
  exactlyOnceSupport(_props: ConnectorProps): ExactlyOnceSupport | null {
    return null
  }

  /**
   * KIP-618: whether the tasks, with these props, define their own transaction boundaries through
   * {@link SourceTaskContext.transactionContext} (`transaction.boundary=connector`). Default unsupported.
   */
  canDefineTransactionBoundaries(_props: ConnectorProps): ConnectorTransactionBoundaries {
    return 'UNSUPPORTED'
  }

  /**
   * Called before offsets are altered or reset through the REST API (KIP-875). Return true if the
   * connector accepts them; throw a {@link ConfigError}-like error to refuse. Default: not
   * supported (false), so the runtime answers that the connector does not support it.
   */
  alterOffsets(
    _props: ConnectorProps,
    _offsets: ReadonlyArray<{ partition: SourcePartition; offset: SourceOffset | null }>,
  ): boolean | Promise<boolean> {
    return false
  }
}

/** A connector that writes records from Kafka into an external system. */
export abstract class SinkConnector extends Connector {
  abstract override taskClass(): TaskClass<SinkTask>

  /** KIP-875 hook for sink offsets; `offset` null means reset. Default: not supported. */
  alterOffsets(
    _props: ConnectorProps,
    _offsets: ReadonlyArray<{ partition: TopicPartition; offset: number | null }>,
  ): boolean | Promise<boolean> {
    return false
  }
}
