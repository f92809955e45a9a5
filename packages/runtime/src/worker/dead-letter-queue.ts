import { ConnectError } from '@sluice/api'
import type { KafkaClientFactory } from '../kafka-io/client-types.js'
import { SourceProducer } from '../kafka-io/source-producer.js'
import type { ErrorHandlingSpec } from '../task/error-handler.js'
import type { ErrantRecord, ProduceRecord } from '../wire/messages.js'
import { packProduceRecords } from '../wire/packed-records.js'
import type { ConnectorTaskId } from './worker-api.js'

/** Kafka's DLQ context header prefix (`ConnectHeaders.HEADER_PREFIX + ".errors"`). */
export const ERROR_HEADER_PREFIX = '__connect.errors.'

/** Sluice's source-side DLQ headers (no Java equivalent: Java has no source DLQ). */
export const SLUICE_SOURCE_PARTITION_HEADER = '__sluice.errors.source.partition'
export const SLUICE_SOURCE_OFFSET_HEADER = '__sluice.errors.source.offset'

const utf8 = (s: string): Uint8Array => Buffer.from(s, 'utf8')

/**
 * The record Kafka's DeadLetterQueueReporter writes for `e`: the original raw key, value and headers,
 * the original timestamp when it has one, no partition (the producer picks), plus — with
 * `errors.deadletterqueue.context.headers.enable` — the `__connect.errors.*` headers as UTF-8 text, in
 * Kafka's order. Like Kafka, a context header is not added when the record already has one with the
 * same key (a record that went through a DLQ before keeps its first context).
 */
export function dlqRecord(
  e: ErrantRecord,
  id: ConnectorTaskId,
  contextHeaders: boolean,
): {
  key: Uint8Array | null
  value: Uint8Array | null
  timestamp: number
  headers: Array<string | Uint8Array | null>
} {
  const o = e.original
  const headers: Array<string | Uint8Array | null> = o?.[7] ? [...o[7]] : []
  const key = o !== null ? o[5] : (e.source?.key ?? null)
  const value = o !== null ? o[6] : (e.source?.value ?? null)
  // Kafka keeps the timestamp only when the consumed record had one (NO_TIMESTAMP is -1).
  const timestamp = o !== null && o[4] !== 0 && o[3] >= 0 ? o[3] : -1
  if (contextHeaders) {
    const present = new Set<string>()
    for (let i = 0; i < headers.length; i += 2) present.add(headers[i] as string)
    const add = (k: string, v: string): void => {
      const name = ERROR_HEADER_PREFIX + k
      if (present.has(name)) return
      present.add(name)
      headers.push(name, utf8(v))
    }
    add('topic', e.originalTopic ?? '')
    add('partition', String(o?.[1] ?? -1))
    add('offset', String(o?.[2] ?? -1))
    add('connector.name', id.connector)
    add('task.id', String(id.task))
    add('stage', e.stage)
    add('class.name', e.executingClass)
    add('exception.class.name', e.exceptionClass)
    add('exception.message', e.exceptionMessage)
    add('exception.stacktrace', e.stacktrace)
    if (e.source !== undefined) {
      headers.push(SLUICE_SOURCE_PARTITION_HEADER, utf8(e.source.partition))
      headers.push(SLUICE_SOURCE_OFFSET_HEADER, utf8(e.source.offset))
    }
  }
  return { key, value, timestamp, headers }
}

/**
 * The dead letter queue of one task, on the main thread: created (1 partition, the configured
 * replication factor) on first use, as Kafka does at task start, and written with the task's
 * producer settings. `write` resolves once the broker acknowledged the record.
 */
export class DeadLetterQueue {
  readonly #id: ConnectorTaskId
  readonly #spec: ErrorHandlingSpec
  readonly #kafka: KafkaClientFactory
  readonly #bootstrap: string
  readonly #producerConfig: Record<string, string | number | boolean>
  #producer: Promise<SourceProducer> | undefined
  /** Records written (for tests and metrics). */
  written = 0

  constructor(
    id: ConnectorTaskId,
    spec: ErrorHandlingSpec,
    kafka: KafkaClientFactory,
    bootstrap: string,
    producerConfig: Record<string, string | number | boolean>,
  ) {
    this.#id = id
    this.#spec = spec
    this.#kafka = kafka
    this.#bootstrap = bootstrap
    this.#producerConfig = producerConfig
  }

  get topic(): string {
    return this.#spec.dlqTopic
  }

  #open(): Promise<SourceProducer> {
    this.#producer ??= (async () => {
      const topic = this.#spec.dlqTopic
      try {
        await this.#kafka.createTopic?.(
          { topic, partitions: 1, replicationFactor: this.#spec.dlqReplicationFactor },
          this.#bootstrap,
        )
      } catch (err) {
        throw new ConnectError(
          'XC_KAFKA',
          `Could not initialize dead letter queue with topic=${topic}: ${(err as Error).message}`,
          { cause: err, retriable: true },
        )
      }
      return SourceProducer.open(
        this.#kafka,
        this.#producerConfig,
        `${this.#id.connector}-${this.#id.task}-dlq`,
      )
    })()
    this.#producer.catch(() => {
      this.#producer = undefined
    })
    return this.#producer
  }

  async write(e: ErrantRecord): Promise<void> {
    const producer = await this.#open()
    const r = dlqRecord(e, this.#id, this.#spec.dlqContextHeaders)
    const rec: ProduceRecord = [0, -1, r.key, r.value, r.timestamp, r.headers.length === 0 ? null : r.headers]
    await new Promise<void>((resolve, reject) =>
      producer.produce([this.#spec.dlqTopic], packProduceRecords([rec]), (err) =>
        err === undefined ? resolve() : reject(err),
      ),
    )
    this.written++
  }

  async close(timeoutMs: number): Promise<void> {
    const p = this.#producer
    this.#producer = undefined
    if (p === undefined) return
    const producer = await p.catch(() => undefined)
    if (producer === undefined) return
    await producer.flush(timeoutMs).catch(() => undefined)
    await producer.close(timeoutMs)
  }
}
