/**
 * `@sluice/connector-s3`: a drop-in for Confluent's S3 sink connector (`io.confluent.connect.s3.S3SinkConnector`)
 * with its keys, object layout (`<topics.dir>/<topic>/<partition path>/<topic>+<partition>+<start offset>.<ext>`),
 * partitioners, rotation rules and JSON/ByteArray/Avro/Parquet formats, writing to AWS S3 or any
 * S3-compatible server (`store.url`). Exactly once by construction: deterministic names, offsets
 * committed only after objects are complete.
 *
 * @packageDocumentation
 */
import { definePlugin, type PluginDefinition } from '@sluice/api'
import { S3_SINK_CLASS, S3SinkConnector } from './s3-sink-connector.js'
import { VERSION } from './version.js'

export { toAvroSchema, toAvroValue } from './avro-data.js'
export {
  FORMATS,
  type FormatName,
  PARTITIONERS,
  type PartitionerName,
  S3_SINK_CONFIG_DEF,
  S3_STORAGE_CLASS,
  S3SinkConfig,
  validateS3SinkConfig,
} from './config.js'
export { createFormat, type FileWriter, type Format, type View } from './formats.js'
export { JodaFormatter, parseJodaPattern } from './joda-format.js'
export { javaDouble, javaFloat, toJson } from './json-writer.js'
export { parquetSchema } from './parquet-data.js'
export {
  createPartitioner,
  nextScheduledRotation,
  type Partitioner,
  timestampExtractor,
} from './partitioner.js'
export { S3_SINK_CLASS, S3SinkConnector } from './s3-sink-connector.js'
export { S3SinkTask, type S3SinkTaskOptions } from './s3-sink-task.js'
export {
  createS3Client,
  END_OFFSET_METADATA,
  FileExistsError,
  MultipartObject,
  S3Storage,
} from './s3-storage.js'
export { TopicPartitionWriter, type WriterFormats } from './topic-partition-writer.js'
export { VERSION } from './version.js'

/** The plugins of this package: `io.confluent.connect.s3.S3SinkConnector` (aliases `S3SinkConnector`, `S3Sink`). */
export const plugins: PluginDefinition[] = [
  definePlugin({
    kind: 'sink',
    className: S3_SINK_CLASS,
    aliases: ['S3Sink'],
    version: VERSION,
    create: () => new S3SinkConnector(),
  }),
]
