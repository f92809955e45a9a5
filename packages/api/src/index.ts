/**
 * `@sluice/api`: the public SPI of Sluice, mirroring Kafka Connect's `connect-api`. It has no
 * dependencies; converters, transforms and connectors depend on it alone.
 *
 * @packageDocumentation
 */

// Configuration definitions, parsing and validation.
export * from './config/index.js'
// Config providers: `${provider:[path:]key}` references (KIP-297).
export type { ConfigData, ConfigProvider } from './config-provider.js'
export type {
  ConnectorContext,
  ConnectorProps,
  ConnectorTransactionBoundaries,
  ExactlyOnceSupport,
  OffsetStorageReader,
  SourceConnectorContext,
  TaskClass,
} from './connector.js'
// Connectors and tasks.
export { Connector, SinkConnector, SourceConnector } from './connector.js'
// Converters, transforms, predicates, plugins.
export type { Converter, HeaderConverter, PluginConfigs } from './converter.js'
// Data model: schemas, structs, logical types.
export * from './data/index.js'
export type { ConnectErrorOptions, ErrorCode, ErrorEnvelope, Stage } from './errors.js'
// Errors and their cross-thread envelope.
export {
  AlreadyExistsError,
  BadRequestError,
  ConfigError,
  ConnectError,
  DataError,
  decodeError,
  encodeError,
  errorTrace,
  ForbiddenError,
  NotFoundError,
  RetriableError,
} from './errors.js'
export type { Header } from './header.js'
// Records and headers.
export { Headers } from './header.js'
export type { PluginDefinition, PluginKind, PluginKinds } from './plugin.js'
export { definePlugin } from './plugin.js'
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
export { newRecord, sinkRecord, sourceRecord } from './records.js'
export type {
  ErrantRecordReporter,
  SinkTaskContext,
  SourceBacklog,
  SourceTaskContext,
  TransactionContext,
} from './task.js'
export { SinkTask, SourceTask } from './task.js'
export type { Predicate, Transformation } from './transformation.js'
// Kafka's `Values` and the Java toString forms shared by converters and transforms.
export * from './values/index.js'
