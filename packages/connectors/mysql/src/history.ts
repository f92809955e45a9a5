import type { Producer } from '@platformatic/kafka'
import { RetriableError } from '@sluice/api'
import { jacksonPretty } from './jackson-json.js'

/**
 * The schema history topic writer (Debezium's KafkaSchemaHistory): one partition, null keys, JSON
 * values `{source:{server}, position, ts_ms, databaseName, ddl, tableChanges}`. Connectors run on task
 * pool threads where the librdkafka binding cannot load, so this uses a pure-JS Kafka client, as
 * Debezium uses its own Kafka clients for this topic (docs/adr/0018-mysql-schema-history-client.md).
 */
export interface HistoryRecord {
  readonly source: { readonly server: string }
  readonly position: Readonly<Record<string, unknown>>
  readonly ts_ms: number
  readonly databaseName: string
  readonly ddl: string
  readonly tableChanges: readonly unknown[]
}

// @platformatic/kafka declares Node >= 22 only for Promise.withResolvers; give Node 20 the same function.
const P = Promise as unknown as { withResolvers?: () => unknown }
if (typeof P.withResolvers !== 'function') {
  P.withResolvers = () => {
    let resolve: (v: unknown) => void = () => {}
    let reject: (e: unknown) => void = () => {}
    const promise = new Promise((res, rej) => {
      resolve = res
      reject = rej
    })
    return { promise, resolve, reject }
  }
}

type Kafka = typeof import('@platformatic/kafka')
let kafka: Promise<Kafka> | undefined
/**
 * The client is imported on first use, not with the package: importing it compiles its option schemas
 * (~58 MiB of RSS per thread), and the package is also loaded on the main thread and the connector's
 * thread, which never write history.
 */
function loadKafka(): Promise<Kafka> {
  kafka ??= import('@platformatic/kafka')
  return kafka
}

export class SchemaHistoryWriter {
  readonly #brokers: string[]
  readonly #topic: string
  #producer: Producer<string, string, string, string> | undefined
  #ensured = false

  constructor(bootstrap: string, topic: string) {
    this.#brokers = bootstrap
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
    this.#topic = topic
  }

  /** Creates the topic (one partition, retention forever, as Debezium does) unless it exists. */
  async #ensureTopic(): Promise<void> {
    if (this.#ensured) return
    const { Admin } = await loadKafka()
    const admin = new Admin({ clientId: 'sluice-mysql-history-admin', bootstrapBrokers: this.#brokers })
    try {
      const existing = await admin.listTopics()
      if (!existing.includes(this.#topic)) {
        await admin.createTopics({
          topics: [this.#topic],
          partitions: 1,
          replicas: 1,
          configs: [
            { name: 'cleanup.policy', value: 'delete' },
            { name: 'retention.ms', value: '-1' },
            { name: 'retention.bytes', value: '-1' },
          ],
        })
      }
    } catch (err) {
      // Another task (or Debezium) may have created it in between.
      if (!/already exists/i.test(String((err as Error).message) + JSON.stringify(err))) throw err
    } finally {
      await admin.close()
    }
    this.#ensured = true
  }

  /** Appends records in order; resolves once the broker acknowledged them all. */
  async write(records: readonly HistoryRecord[]): Promise<void> {
    if (records.length === 0) return
    try {
      await this.#ensureTopic()
      const { Producer, stringSerializers } = await loadKafka()
      this.#producer ??= new Producer({
        clientId: 'sluice-mysql-history',
        bootstrapBrokers: this.#brokers,
        serializers: stringSerializers,
        acks: -1,
      })
      await this.#producer.send({
        messages: records.map((r) => ({ topic: this.#topic, partition: 0, value: jacksonPretty(r) })),
      })
    } catch (err) {
      throw new RetriableError(
        `could not write the schema history topic ${this.#topic} at ${this.#brokers.join(',')}: ${(err as Error).message}`,
        { cause: err },
      )
    }
  }

  async close(): Promise<void> {
    await this.#producer?.close()
    this.#producer = undefined
  }
}
