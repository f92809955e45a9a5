import {
  type ConfigDef,
  ConnectError,
  type ConnectorProps,
  type ConnectorTransactionBoundaries,
  type ExactlyOnceSupport,
  SourceConnector,
  type SourceOffset,
  type SourcePartition,
  type SourceTask,
  type TaskClass,
} from '@sluice/api'
import {
  FILE_CONFIG,
  FILE_STREAM_SOURCE_CONFIG_DEF,
  FILENAME_FIELD,
  FileStreamSourceConfig,
  isLong,
  POSITION_FIELD,
} from './file-stream-source-config.js'
import { FileStreamSourceTask } from './file-stream-source-task.js'
import { VERSION } from './version.js'

/** Kafka's class name of the FileStream source, used in `connector.class`. */
export const FILE_STREAM_SOURCE_CLASS = 'org.apache.kafka.connect.file.FileStreamSourceConnector'

/**
 * Kafka's `FileStreamSourceConnector`: reads lines from a file (or standard input) into one topic with one
 * task, following the file as it grows. Keys: `file`, `topic`, `batch.size`.
 *
 * @example
 * ```properties
 * name=local-file-source
 * connector.class=FileStreamSource
 * tasks.max=1
 * file=test.txt
 * topic=connect-test
 * ```
 */
export class FileStreamSourceConnector extends SourceConnector {
  #props: ConnectorProps = {}

  version(): string {
    return VERSION
  }

  /** @throws {@link ConfigError} for an invalid configuration, naming the key */
  start(props: ConnectorProps): void {
    new FileStreamSourceConfig(props)
    this.#props = { ...props }
  }

  taskClass(): TaskClass<SourceTask> {
    return FileStreamSourceTask
  }

  /** Always one task, whatever `tasks.max` says: only one reader of one input makes sense. */
  taskConfigs(_maxTasks: number): ConnectorProps[] {
    return [{ ...this.#props }]
  }

  stop(): void {
    // Nothing to release: the connector has no background work.
  }

  config(): ConfigDef {
    return FILE_STREAM_SOURCE_CONFIG_DEF
  }

  /**
   * SUPPORTED when reading a real file (as long as it is only appended to), UNSUPPORTED for standard
   * input, whose position is not tracked. As in Kafka.
   * @throws {@link ConfigError} when `props` is invalid
   */
  override exactlyOnceSupport(props: ConnectorProps): ExactlyOnceSupport {
    return new FileStreamSourceConfig(props).file !== null ? 'SUPPORTED' : 'UNSUPPORTED'
  }

  /** Like Kafka's FileStreamSourceConnector, the task defines no transaction boundaries of its own. */
  override canDefineTransactionBoundaries(_props: ConnectorProps): ConnectorTransactionBoundaries {
    return 'UNSUPPORTED'
  }

  /**
   * Accepts offsets that are null (tombstones, always allowed so garbage can be cleaned up) or
   * `{position: <non-negative integer>}` for partitions with a `filename` key; refuses everything when
   * reading standard input. Messages as Kafka's. The task checks on startup whether the position fits
   * the file.
   * @throws {@link ConnectError} describing the first bad entry
   */
  override alterOffsets(
    props: ConnectorProps,
    offsets: ReadonlyArray<{ partition: SourcePartition; offset: SourceOffset | null }>,
  ): boolean {
    if (new FileStreamSourceConfig(props).file === null) {
      throw new ConnectError(
        'XC_CONNECT',
        `Offsets cannot be modified if the '${FILE_CONFIG}' configuration is unspecified. ` +
          'This is because stdin is used for input and offsets are not tracked.',
      )
    }
    for (const { partition, offset } of offsets) {
      if (offset === null || offset === undefined) continue
      if (!Object.hasOwn(offset, POSITION_FIELD)) {
        throw new ConnectError(
          'XC_CONNECT',
          `Offset objects should either be null or contain the key '${POSITION_FIELD}'`,
        )
      }
      const position = offset[POSITION_FIELD]
      if (!isLong(position)) {
        throw new ConnectError(
          'XC_CONNECT',
          `The value for the '${POSITION_FIELD}' key in the offset is expected to be a Long value`,
        )
      }
      if (position < 0) {
        throw new ConnectError(
          'XC_CONNECT',
          `The value for the '${POSITION_FIELD}' key in the offset should be a non-negative value`,
        )
      }
      if (partition === null || partition === undefined) {
        throw new ConnectError('XC_CONNECT', 'Partition objects cannot be null')
      }
      if (!Object.hasOwn(partition, FILENAME_FIELD)) {
        throw new ConnectError('XC_CONNECT', `Partition objects should contain the key '${FILENAME_FIELD}'`)
      }
    }
    return true
  }
}
