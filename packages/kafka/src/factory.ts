import type * as Rd from '@confluentinc/kafka-javascript'
import { KafkaAdmin } from './admin.js'
import { batchApiAvailable, kafkaErrorString } from './batch.js'
import { kafkaBinding } from './binding.js'

/** librdkafka-style config map, as the binding takes it. */
export type ClientConfig = Record<string, string | number | boolean | ((...args: never[]) => unknown)>

export function createProducer(config: ClientConfig): Rd.Producer {
  const { Producer } = kafkaBinding()
  return new Producer(config as Rd.ProducerGlobalConfig)
}

export function createConsumer(config: ClientConfig): Rd.KafkaConsumer {
  const { KafkaConsumer } = kafkaBinding()
  // The binding installs the second argument as librdkafka's default topic config, replacing one set
  // through the global config: topic-level keys given globally would silently fall back to defaults
  // (auto.offset.reset=latest!), so they are passed in both places.
  const topicConfig: Record<string, unknown> = {}
  for (const key of TOPIC_LEVEL_CONSUMER_KEYS) if (config[key] !== undefined) topicConfig[key] = config[key]
  return new KafkaConsumer(config as Rd.ConsumerGlobalConfig, topicConfig as Rd.ConsumerTopicConfig)
}

const TOPIC_LEVEL_CONSUMER_KEYS = [
  'auto.offset.reset',
  'offset.store.method',
  'consume.callback.max.messages',
] as const

/**
 * The runtime's `KafkaClientFactory` (`@sluice/runtime` declares it structurally so only this package
 * imports the binding). Group-offset calls open a short-lived admin client each time: they back REST
 * calls on stopped connectors, not hot paths.
 */
export const rdkafkaFactory = {
  producer: (config: ClientConfig) => createProducer(config),
  consumer: (config: ClientConfig) => createConsumer(config),
  batchApi: () => batchApiAvailable(),
  errorString: (code: number) => kafkaErrorString(code),
  async groupOffsets(groupId: string, bootstrapServers: string) {
    return withAdmin(bootstrapServers, (admin) => admin.groupOffsets(groupId))
  },
  async createTopic(
    spec: { topic: string; partitions: number; replicationFactor: number },
    bootstrapServers: string,
  ) {
    await withAdmin(bootstrapServers, (admin) => admin.createTopic(spec, { ifNotExists: true }))
  },
  async alterGroupOffsets(
    groupId: string,
    bootstrapServers: string,
    offsets: Array<{ topic: string; partition: number; offset: number | null }> | null,
  ) {
    await withAdmin(bootstrapServers, async (admin) => {
      if (offsets === null) await admin.deleteGroupOffsets(groupId)
      else await admin.alterGroupOffsets(groupId, offsets)
    })
  },
}

async function withAdmin<T>(bootstrapServers: string, fn: (admin: KafkaAdmin) => Promise<T>): Promise<T> {
  const admin = KafkaAdmin.create({ 'bootstrap.servers': bootstrapServers })
  try {
    return await fn(admin)
  } finally {
    admin.close()
  }
}
