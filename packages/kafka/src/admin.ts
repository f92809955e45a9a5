import type * as Rd from '@confluentinc/kafka-javascript'
import type { ConnectionOptions } from '@platformatic/kafka'
import { kafkaBinding } from './binding.js'
import { createConsumer } from './factory.js'
import { librdkafkaSecurity } from './group-client.js'
import { type ConfigEntry, deleteGroupPartitionOffsets, describeConfigs, RESOURCE_TOPIC } from './wire.js'

export interface NewTopicSpec {
  readonly topic: string
  readonly partitions: number
  readonly replicationFactor: number
  readonly config?: Readonly<Record<string, string>>
}

export interface TopicPartitionOffset {
  readonly topic: string
  readonly partition: number
  readonly offset: number
}

/** librdkafka's "already exists" code for CreateTopics (RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS). */
const TOPIC_ALREADY_EXISTS = 36
const GROUP_ID_NOT_FOUND = 69

function promisify<T>(
  fn: (cb: (err: Rd.LibrdKafkaError | null | undefined, result: T) => void) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    fn((err, result) => (err ? reject(toError(err)) : resolve(result)))
  })
}

function toError(err: Rd.LibrdKafkaError | Error): Error {
  if (err instanceof Error) return err
  const e = new Error((err as { message?: string }).message ?? String(err)) as Error & {
    code?: number | undefined
  }
  e.code = (err as { code?: number }).code
  return e
}

/**
 * Promise-based admin operations over the binding's AdminClient, plus the few requests the binding
 * lacks (topic configs, per-partition group-offset deletion) over the wire protocol. Main thread only.
 */
export class KafkaAdmin {
  readonly #client: Rd.IAdminClient
  readonly #servers: string
  /** The create config: its TLS/SASL keys also reach the consumer that commits altered offsets. */
  readonly #config: Readonly<Record<string, string | number | boolean>>
  /** The same TLS/SASL settings for the requests sent with `@platformatic/kafka` (wire.ts). */
  readonly #security: ConnectionOptions

  private constructor(
    client: Rd.IAdminClient,
    servers: string,
    config: Readonly<Record<string, string | number | boolean>>,
  ) {
    this.#config = config
    this.#security = librdkafkaSecurity(config)
    this.#client = client
    this.#servers = servers
  }

  static create(config: Record<string, string | number | boolean>): KafkaAdmin {
    const servers = String(config['bootstrap.servers'] ?? '')
    if (servers === '') throw new Error('KafkaAdmin needs bootstrap.servers')
    const client = kafkaBinding().AdminClient.create(config as Rd.GlobalConfig)
    return new KafkaAdmin(client, servers, { ...config })
  }

  /** Creates a topic; `ifNotExists` turns "already exists" into a no-op. */
  async createTopic(spec: NewTopicSpec, { ifNotExists = false, timeoutMs = 30_000 } = {}): Promise<void> {
    const topic: Rd.NewTopic = {
      topic: spec.topic,
      num_partitions: spec.partitions,
      replication_factor: spec.replicationFactor,
    }
    if (spec.config !== undefined) topic.config = { ...spec.config } as NonNullable<Rd.NewTopic['config']>
    try {
      await promisify<void>((cb) => this.#client.createTopic(topic, timeoutMs, (err) => cb(err, undefined)))
    } catch (err) {
      if (ifNotExists && (err as { code?: number }).code === TOPIC_ALREADY_EXISTS) return
      throw err
    }
  }

  async deleteTopic(topic: string, timeoutMs = 30_000): Promise<void> {
    await promisify<void>((cb) => this.#client.deleteTopic(topic, timeoutMs, (err) => cb(err, undefined)))
  }

  async listTopics(timeoutMs = 10_000): Promise<string[]> {
    return promisify<string[]>((cb) => this.#client.listTopics({ timeout: timeoutMs }, cb))
  }

  async describeTopics(topics: string[], timeoutMs = 10_000): Promise<Rd.TopicDescription[]> {
    return promisify<Rd.TopicDescription[]>((cb) =>
      this.#client.describeTopics(topics, { timeout: timeoutMs }, cb),
    )
  }

  /** Latest (end) offset of each partition of `topic`: the number of records ever written to it. */
  async endOffsets(topic: string, timeoutMs = 10_000): Promise<Map<number, number>> {
    const [description] = await this.describeTopics([topic], timeoutMs)
    if (description === undefined) throw new Error(`topic ${topic} not found`)
    const { OffsetSpec } = kafkaBinding()
    const specs = description.partitions.map((p) => ({
      topic,
      partition: p.partition,
      offset: OffsetSpec.LATEST,
    }))
    const results = await promisify<Rd.ListOffsetsResult[]>((cb) =>
      this.#client.listOffsets(specs, { timeout: timeoutMs }, cb),
    )
    const out = new Map<number, number>()
    for (const r of results) {
      if (r.error) throw toError(r.error)
      out.set(r.partition, r.offset)
    }
    return out
  }

  /** Every config entry of a topic (DescribeConfigs), defaults included. */
  async topicConfigs(topic: string): Promise<Map<string, ConfigEntry>> {
    const entries = await describeConfigs(this.#servers, RESOURCE_TOPIC, topic, this.#security)
    return new Map(entries.map((e) => [e.name, e]))
  }

  /** Committed offsets of a consumer group; empty when the group does not exist. */
  async groupOffsets(groupId: string): Promise<TopicPartitionOffset[]> {
    const results = await promisify<Rd.GroupResults[]>((cb) =>
      this.#client.listConsumerGroupOffsets([{ groupId }], { timeout: 10_000 }, cb),
    )
    const out: TopicPartitionOffset[] = []
    for (const g of results) {
      if (g.error && (g.error as { code?: number }).code !== GROUP_ID_NOT_FOUND) throw toError(g.error)
      for (const p of g.partitions ?? []) {
        if (p.offset !== undefined && p.offset >= 0)
          out.push({ topic: p.topic, partition: p.partition, offset: p.offset })
      }
    }
    return out.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
  }

  /**
   * Sets committed offsets of an *empty* group (as Kafka Connect's alter-offsets does for a stopped
   * sink connector). A `null` offset deletes that partition's committed offset.
   */
  async alterGroupOffsets(
    groupId: string,
    offsets: ReadonlyArray<{ topic: string; partition: number; offset: number | null }>,
  ): Promise<void> {
    const toDelete = offsets.filter((o) => o.offset === null)
    const toSet = offsets.filter((o): o is TopicPartitionOffset => o.offset !== null)
    if (toDelete.length > 0)
      await deleteGroupPartitionOffsets(this.#servers, groupId, toDelete, this.#security)
    if (toSet.length === 0) return
    // A consumer that never joins the group commits with generation -1, which the coordinator accepts
    // only while the group has no members: exactly Kafka Connect's rule for altering sink offsets.
    const consumer = createConsumer({
      ...this.#config,
      'bootstrap.servers': this.#servers,
      'group.id': groupId,
      'enable.auto.commit': false,
    })
    await promisify<unknown>((cb) => consumer.connect({ timeout: 10_000 }, (err, md) => cb(err, md)))
    try {
      consumer.commitSync(toSet.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset })))
    } finally {
      await new Promise<void>((resolve) => consumer.disconnect(() => resolve()))
    }
  }

  /** Deletes a consumer group and so all its committed offsets; a missing group is not an error. */
  async deleteGroupOffsets(groupId: string): Promise<void> {
    const results = await promisify<Rd.DeleteGroupsResult[]>((cb) =>
      this.#client.deleteGroups([groupId], { timeout: 10_000 }, cb),
    )
    for (const r of results) {
      const code = r.errorCode ?? (r.error as { code?: number } | undefined)?.code ?? 0
      if (code !== 0 && code !== GROUP_ID_NOT_FOUND) {
        throw new Error(
          `deleting consumer group ${groupId} failed: ${r.error?.message ?? `error code ${code}`}`,
        )
      }
    }
  }

  close(): void {
    this.#client.disconnect()
  }
}
