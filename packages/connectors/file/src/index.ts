/**
 * `@sluice/connector-file`: Kafka's FileStream connectors (`FileStreamSource`, `FileStreamSink`) with
 * Kafka's keys, offsets and behaviour, and the synthetic `Datagen` source for demos and benchmarks.
 * The runtime finds them through the `plugins` export (package.json `"sluice": { "plugins": true }`).
 *
 * @packageDocumentation
 */
import { definePlugin, type PluginDefinition } from '@sluice/api'
import { DATAGEN_CLASS, DatagenConnector } from './datagen.js'
import { FILE_STREAM_SINK_CLASS, FileStreamSinkConnector } from './file-stream-sink.js'
import { FILE_STREAM_SOURCE_CLASS, FileStreamSourceConnector } from './file-stream-source-connector.js'
import { VERSION } from './version.js'

export type { ByteSource } from './byte-source.js'
export { FdByteSource, FileByteSource, StreamByteSource, stdinByteSource } from './byte-source.js'
export {
  DATAGEN_BATCH_SIZE_CONFIG,
  DATAGEN_CLASS,
  DATAGEN_CONFIG_DEF,
  DATAGEN_TOPIC_CONFIG,
  DatagenConfig,
  DatagenConnector,
  DatagenTask,
  type DatagenTaskOptions,
  KEY_CONFIG,
  MAX_RECORDS_CONFIG,
  PARTITIONS_CONFIG,
  RATE_LIMIT_CONFIG,
  RECORD_SIZE_CONFIG,
  SEED_CONFIG,
  SEQ_FIELD,
  shareOf,
  TASK_COUNT_CONFIG,
  TASK_FIELD,
  TASK_ID_CONFIG,
  VALUE_SCHEMA_CONFIG,
} from './datagen.js'
export { DatagenContent } from './datagen-content.js'
export {
  FILE_STREAM_SINK_CLASS,
  FILE_STREAM_SINK_CONFIG_DEF,
  FileStreamSinkConnector,
  FileStreamSinkTask,
  type FileStreamSinkTaskOptions,
  SINK_FILE_CONFIG,
} from './file-stream-sink.js'
export {
  DEFAULT_TASK_BATCH_SIZE,
  FILE_CONFIG,
  FILE_STREAM_SOURCE_CONFIG_DEF,
  FILENAME_FIELD,
  FileStreamSourceConfig,
  isLong,
  POSITION_FIELD,
  TASK_BATCH_SIZE_CONFIG,
  TOPIC_CONFIG,
} from './file-stream-source-config.js'
export { FILE_STREAM_SOURCE_CLASS, FileStreamSourceConnector } from './file-stream-source-connector.js'
export { FileStreamSourceTask, type FileStreamSourceTaskOptions } from './file-stream-source-task.js'
export { javaString } from './java-string.js'
export { LineBuffer, type WritableRegion } from './line-buffer.js'
export { RateLimiter } from './rate-limiter.js'
export { abortableDelay, systemTaskClock, type TaskClock } from './task-clock.js'
export { VERSION } from './version.js'

/** The plugins of this package, found by class name or alias (`FileStreamSource`, `FileStreamSink`, `Datagen`). */
export const plugins: PluginDefinition[] = [
  definePlugin({
    kind: 'source',
    className: FILE_STREAM_SOURCE_CLASS,
    aliases: ['FileStreamSource'],
    version: VERSION,
    create: () => new FileStreamSourceConnector(),
  }),
  definePlugin({
    kind: 'sink',
    className: FILE_STREAM_SINK_CLASS,
    aliases: ['FileStreamSink'],
    version: VERSION,
    create: () => new FileStreamSinkConnector(),
  }),
  definePlugin({
    kind: 'source',
    className: DATAGEN_CLASS,
    aliases: ['Datagen'],
    version: VERSION,
    create: () => new DatagenConnector(),
  }),
]
