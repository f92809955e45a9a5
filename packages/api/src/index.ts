/**
 * `@sluice/api`: the public SPI of Sluice, mirroring Kafka Connect's `connect-api`. It has no
 * dependencies; converters, transforms and connectors depend on it alone.
 *
 * @packageDocumentation
 */

// Data model: schemas, structs, logical types.
export * from './data/index.js'
// Configuration definitions, parsing and validation.
export * from './config/index.js'

// Errors and their cross-thread envelope.
export {
  ConfigError,
  ConnectError,
  DataError,
  decodeError,
  encodeError,
  errorTrace,
  NotFoundError,
  RetriableError,
} from './errors.js'
export type { ConnectErrorOptions, ErrorCode, ErrorEnvelope, Stage } from './errors.js'

// Records and headers.
export { Headers } from './header.js'
export type { Header } from './header.js'
export { newRecord, sinkRecord, sourceRecord } from './records.js'
export type {
  ConnectRecord,
  RecordChanges,
  RecordMetadata,
  SinkRecord,
  SinkRecordInit,
  SourceOffset,
  SourcePartition,
  SourceRecord,
  SourceRecordInit,
  TimestampType,
  TopicPartition,
  TopicPartitionOffset,
} from './records.js'

// Connectors and tasks.
export { Connector, SinkConnector, SourceConnector } from './connector.js'
export type {
  ConnectorContext,
  ConnectorProps,
  ExactlyOnceSupport,
  OffsetStorageReader,
  SourceConnectorContext,
  TaskClass,
} from './connector.js'
export { SinkTask, SourceTask } from './task.js'
export type { ErrantRecordReporter, SinkTaskContext, SourceTaskContext } from './task.js'

// Converters, transforms, predicates, plugins.
export type { Converter, HeaderConverter, PluginConfigs } from './converter.js'
export type { Predicate, Transformation } from './transformation.js'
export { definePlugin } from './plugin.js'
export type { PluginDefinition, PluginKind } from './plugin.js'
