/**
 * The slice of the Kafka client's node-rdkafka-style API the Kafka I/O actor uses. Declared
 * structurally so the runtime compiles against what it needs and `@sluice/kafka` stays the only
 * package that imports the binding.
 */
export interface KafkaError {
  readonly message: string
  readonly code: number
  readonly isRetriable?: boolean
  readonly isFatal?: boolean
}

export interface ClientTopicPartition {
  topic: string
  partition: number
  offset?: number
}

export interface DeliveryReport {
  readonly topic: string
  readonly partition: number
  readonly offset: number
  readonly opaque?: unknown
}

export interface ConsumedMessage {
  readonly topic: string
  readonly partition: number
  readonly offset: number
  readonly timestamp?: number
  readonly key?: Buffer | string | null
  readonly value: Buffer | null
  /** Header values; null is a null value (the patched binding keeps it apart from an empty one). */
  readonly headers?: Array<Record<string, string | Buffer | null>>
}

/** What the patched binding's `consumeColumnar` returns (the layout is `PackedRecords`, @sluice/kafka). */
export interface ColumnarBatch {
  readonly count: number
  readonly headerCount: number
  readonly topics: readonly string[]
  readonly buffer: ArrayBuffer
  /** 4 per topic-partition of the batch: topic index, partition, first offset, last offset. */
  readonly marks: Float64Array
}

/** Batched delivery reports: one call per flush with the error codes and opaques of every report. */
export type DeliveryBatchCallback = (
  errorCodes: Int32Array,
  opaques: Float64Array,
  partitions?: Int32Array,
) => void

export interface ProducerClient {
  connect(opts: Record<string, unknown>, cb: (err: KafkaError | null) => void): unknown
  on(event: 'delivery-report', fn: (err: KafkaError | null, report: DeliveryReport) => void): unknown
  on(event: 'event.error', fn: (err: KafkaError) => void): unknown
  produce(
    topic: string,
    partition: number | null,
    value: Buffer | null,
    key: Buffer | null,
    timestamp: number | null,
    opaque: unknown,
    headers: Array<Record<string, Buffer>> | undefined,
  ): unknown
  /**
   * Batch produce of the patched binding (docs/binding-batch-api.md): enqueues records `start..count-1`
   * of a packed batch and returns `[next, errorCode]`; `next === count` when all were enqueued.
   */
  produceBatch?(
    topics: readonly string[],
    ints: Int32Array,
    nums: Float64Array | null,
    hlens: Int32Array | null,
    data: Uint8Array | null,
    start: number,
    count: number,
    opaque: number,
  ): [number, number]
  setPollInterval(ms: number): unknown
  flush(timeoutMs: number, cb: (err: KafkaError | null) => void): unknown
  disconnect(timeoutMs: number, cb: (err: unknown) => void): unknown
  /** Transactions (KIP-618 exactly-once source tasks); the client needs a `transactional.id`. */
  initTransactions?(timeoutMs: number, cb: (err: KafkaError | null) => void): void
  beginTransaction?(cb: (err: KafkaError | null) => void): void
  commitTransaction?(timeoutMs: number, cb: (err: KafkaError | null) => void): void
  abortTransaction?(timeoutMs: number, cb: (err: KafkaError | null) => void): void
}

export interface ConsumerClient {
  connect(opts: Record<string, unknown>, cb: (err: KafkaError | null) => void): unknown
  on(event: 'event.error', fn: (err: KafkaError) => void): unknown
  subscribe(topics: Array<string | RegExp>): unknown
  unsubscribe(): unknown
  consume(n: number, cb: (err: KafkaError | null, messages: ConsumedMessage[]) => void): void
  /** Columnar consume of the patched binding: up to `n` messages as one packed batch. */
  consumeColumnar?(n: number, cb: (err: KafkaError | null, batch: ColumnarBatch) => void): void
  setDefaultConsumeTimeout(ms: number): void
  /** With `true`, `consume(n)` waits the timeout for the first message only and returns what is ready. */
  setDefaultIsTimeoutOnlyForFirstMessage?(only: boolean): void
  assign(partitions: ClientTopicPartition[]): unknown
  unassign(): unknown
  pause(partitions: ClientTopicPartition[]): unknown
  resume(partitions: ClientTopicPartition[]): unknown
  seek(tp: ClientTopicPartition, timeout: number, cb: (err: KafkaError | null) => void): unknown
  commit(offsets: ClientTopicPartition[]): unknown
  commitSync(offsets: ClientTopicPartition[]): unknown
  /** The watermarks librdkafka cached for a partition (telemetry's consumer lag). */
  getWatermarkOffsets?(topic: string, partition: number): { highOffset: number; lowOffset: number }
  disconnect(cb: (err: unknown) => void): unknown
}

/** Creates Kafka clients from librdkafka-style config maps; supplied by `@sluice/kafka`. */
export interface KafkaClientFactory {
  producer(config: Record<string, string | number | boolean | ((...args: never) => unknown)>): ProducerClient
  consumer(config: Record<string, string | number | boolean | ((...args: never) => unknown)>): ConsumerClient
  /**
   * True when the clients carry the batch calls (columnar consume, batch produce, batched delivery
   * reports, given as `dr_batch_cb`); absent or false means the stock per-message calls.
   */
  batchApi?(): boolean
  /** librdkafka's name for an error code, for messages. */
  errorString?(code: number): string
  /** Committed offsets of a consumer group (sink connector offsets). */
  groupOffsets?(
    groupId: string,
    bootstrapServers: string,
  ): Promise<Array<{ topic: string; partition: number; offset: number }>>
  /** Creates a topic unless it exists (the dead letter queue of a connector). */
  createTopic?(
    spec: { topic: string; partitions: number; replicationFactor: number },
    bootstrapServers: string,
  ): Promise<void>
  /** Sets (or with null, resets/deletes) a consumer group's committed offsets. */
  alterGroupOffsets?(
    groupId: string,
    bootstrapServers: string,
    offsets: Array<{ topic: string; partition: number; offset: number | null }> | null,
  ): Promise<void>
}

/** librdkafka's error codes the actor branches on. */
export const ERR = {
  QUEUE_FULL: -184,
  ASSIGN_PARTITIONS: -175,
  REVOKE_PARTITIONS: -174,
  TIMED_OUT: -185,
  NO_OFFSET: -168,
  /** Broker (or local) refusal of a record batch over `max.message.bytes`. */
  MSG_SIZE_TOO_LARGE: 10,
} as const
