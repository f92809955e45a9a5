/**
 * `@sluice/kafka`: the only package that imports `@confluentinc/kafka-javascript`. Everything here runs
 * on the main thread (the binding is not context-aware); worker threads must never import it.
 *
 * @packageDocumentation
 */

export type { KafkaConsumer, Message, MessageHeader, Producer } from '@confluentinc/kafka-javascript'
export type { NewTopicSpec, TopicPartitionOffset } from './admin.js'
export { KafkaAdmin } from './admin.js'
export { batchApiAvailable, kafkaErrorString } from './batch.js'
export { kafkaBinding } from './binding.js'
export type { ClientConfig } from './factory.js'
export { createConsumer, createProducer, rdkafkaFactory } from './factory.js'
export type { FenceProducersOptions } from './fence-producers.js'
export { FenceError, FenceErrors, fenceProducers } from './fence-producers.js'
export type { GroupClientOptions, JoinedGroup } from './group-client.js'
export { connectionSecurity, GroupClient, GroupErrors, GroupProtocolError } from './group-client.js'
export type { InternalTopicSpec, KafkaLogOptions, LogRecord } from './kafka-log.js'
export { ensureInternalTopic, KafkaLog, KafkaWriteError } from './kafka-log.js'
export type { PackedRecords, PackedViews, RecordToPack, UnpackedRecord } from './packed.js'
export {
  forEachPacked,
  INTS_PER_HEADER,
  INTS_PER_RECORD,
  NUMS_PER_RECORD,
  packedViews,
  packRecords,
} from './packed.js'
export { TransactionalWriter } from './transactional-writer.js'
export type { ConfigEntry } from './wire.js'
export { clusterId, describeConfigs, KafkaProtocolError, RESOURCE_BROKER, RESOURCE_TOPIC } from './wire.js'
