import { ConnectError } from '@sluice/api'
import type { PackedRecords } from '@sluice/kafka'
import { forEachPacked, packedViews } from '@sluice/kafka'
import type { RecordCoordinates } from '@sluice/telemetry'
import { asBuffer } from '../wire/codec.js'
import type { KafkaClientFactory, KafkaError, ProducerClient } from './client-types.js'
import { ERR } from './client-types.js'

interface PendingBatch {
  readonly id: number
  remaining: number
  error: KafkaError | undefined
  readonly done: (err: ConnectError | undefined) => void
}

/** Batch ids are the opaques of batch produce: non-negative int32s, reused after wrapping. */
const MAX_BATCH_ID = 0x7fffffff

/** A traced record (telemetry): the `traceparent` to stamp on it, and who hears its own delivery report. */
export interface TracedRecord {
  readonly traceparent: string
  end(result: RecordCoordinates | Error): void
}

/** The opaque of a traced record: its own delivery report is wanted, besides its batch's. */
class TracedOpaque {
  constructor(
    readonly batch: PendingBatch,
    readonly trace: TracedRecord,
  ) {}
}

/**
 * The producer of one source task, owned by the Kafka I/O actor on the main thread. It produces whole
 * packed batches and reports each batch once every record in it was acknowledged. With the patched
 * binding a batch is one `produceBatch` call and its acks arrive as one batched delivery report per
 * flush (no JavaScript per record); the stock binding gets one `produce()` per record.
 */
export class SourceProducer {
  readonly #client: ProducerClient
  readonly #name: string
  readonly #batchApi: boolean
  readonly #errorString: (code: number) => string
  /** Batch produce: batches awaiting acks by id (the messages' opaque). */
  readonly #pending = new Map<number, PendingBatch>()
  #nextId = 0
  #inFlight = 0
  #closed = false
  /** Callers of flush() waiting for the last outstanding batch to complete. */
  #drained: Array<() => void> = []

  private constructor(
    client: ProducerClient,
    name: string,
    batchApi: boolean,
    errorString: (code: number) => string,
  ) {
    this.#client = client
    this.#name = name
    this.#batchApi = batchApi
    this.#errorString = errorString
  }

  /**
   * `perRecordReports`: the stock path even where the binding has batch calls, because a traced
   * record's span needs its own delivery report (telemetry's record tracing; off by default).
   */
  static async open(
    factory: KafkaClientFactory,
    config: Record<string, string | number | boolean>,
    name: string,
    perRecordReports = false,
  ): Promise<SourceProducer> {
    const batchApi = !perRecordReports && factory.batchApi?.() === true
    const errorString = factory.errorString ?? ((code: number) => `librdkafka error ${code}`)
    let self: SourceProducer | undefined
    const client = batchApi
      ? factory.producer({
          ...config,
          dr_batch_cb: (codes: Int32Array, opaques: Float64Array) => {
            if (self !== undefined) self.#onDeliveryBatch(codes, opaques)
          },
        })
      : factory.producer({ ...config, dr_cb: true })
    const p = new SourceProducer(client, name, batchApi, errorString)
    self = p
    if (!batchApi) {
      client.on('delivery-report', (err, report) => {
        const o = report.opaque
        if (o instanceof TracedOpaque) {
          o.trace.end(err ? new Error(err.message) : report)
          p.#onDelivery(err, o.batch)
        } else p.#onDelivery(err, o as PendingBatch)
      })
    }
    client.on('event.error', () => {
      // Transient broker errors are logged by librdkafka and retried internally; fatal ones surface
      // through delivery reports, which fail the batch.
    })
    await new Promise<void>((resolve, reject) =>
      client.connect({}, (err) =>
        err
          ? reject(
              new ConnectError('XC_KAFKA', `producer ${name} could not connect: ${err.message}`, {
                stage: 'produce',
                retriable: true,
              }),
            )
          : resolve(),
      ),
    )
    client.setPollInterval(5)
    return p
  }

  get inFlight(): number {
    return this.#inFlight
  }

  /** Whether batches go through the patched binding's batch produce. */
  get batchApi(): boolean {
    return this.#batchApi
  }

  /**
   * One flush worth of delivery reports. Reports of one batch arrive together in order, so the loop
   * looks a batch up once per run of equal opaques, not once per record.
   */
  #onDeliveryBatch(codes: Int32Array, opaques: Float64Array): void {
    const n = codes.length
    let i = 0
    while (i < n) {
      const id = opaques[i]!
      let j = i
      let firstError = 0
      while (j < n && opaques[j] === id) {
        if (firstError === 0 && codes[j] !== 0) firstError = codes[j]!
        j++
      }
      const batch = this.#pending.get(id)
      if (batch !== undefined) {
        if (firstError !== 0 && batch.error === undefined) {
          batch.error = { code: firstError, message: this.#errorString(firstError) }
        }
        batch.remaining -= j - i
        if (batch.remaining <= 0) {
          this.#pending.delete(id)
          this.#complete(batch)
        }
      }
      i = j
    }
  }

  #onDelivery(err: KafkaError | null, batch: PendingBatch): void {
    if (err && batch.error === undefined) batch.error = err
    if (--batch.remaining === 0) this.#complete(batch)
  }

  #complete(batch: PendingBatch): void {
    this.#inFlight--
    if (this.#inFlight === 0 && this.#drained.length > 0) {
      const waiters = this.#drained
      this.#drained = []
      for (const w of waiters) w()
    }
    const e = batch.error
    batch.done(
      e === undefined
        ? undefined
        : new ConnectError(
            'XC_KAFKA',
            `Unrecoverable exception from producer send callback (${this.#name}): ${e.message}`,
            {
              stage: 'produce',
              retriable: false,
            },
          ),
    )
  }

  /**
   * Produces a packed batch; `done` runs once, after the broker acknowledged (or rejected) every record.
   * `traces` (telemetry): sampled records by index; they need a producer opened with `perRecordReports`.
   */
  produce(
    topics: readonly string[],
    records: PackedRecords,
    done: (err: ConnectError | undefined) => void,
    traces?: ReadonlyMap<number, TracedRecord>,
  ): void {
    if (this.#closed) {
      done(new ConnectError('XC_ILLEGAL_STATE', `producer ${this.#name} is closed`, { stage: 'produce' }))
      return
    }
    this.#inFlight++
    const id = this.#nextId
    this.#nextId = id === MAX_BATCH_ID ? 0 : id + 1
    const batch: PendingBatch = { id, remaining: records.length, error: undefined, done }
    if (records.length === 0) {
      this.#complete(batch)
      return
    }
    if (this.#batchApi) {
      this.#pending.set(id, batch)
      this.#produceBatchFrom(topics, records, 0, batch)
    } else this.#produceFrom(topics, records, 0, batch, traces)
  }

  /** Batch produce from record `start`; librdkafka's full queue is waited out and resumed precisely. */
  #produceBatchFrom(
    topics: readonly string[],
    records: PackedRecords,
    start: number,
    batch: PendingBatch,
  ): void {
    const v = packedViews(records)
    const [next, code] = this.#client.produceBatch!(
      topics,
      v.ints,
      v.nums,
      v.hlens,
      v.data,
      start,
      records.length,
      batch.id,
    )
    if (next >= records.length) return
    if (code === ERR.QUEUE_FULL) {
      // Delivery reports drain the queue; continue with the first record that was refused.
      setTimeout(() => this.#produceBatchFrom(topics, records, next, batch), 5)
      return
    }
    // A record librdkafka refuses outright (too large, unknown partition…) fails the batch; records
    // after it are not sent, as on the stock path.
    batch.error ??= {
      code,
      message: `record ${next} of the batch was refused: ${this.#errorString(code)}`,
    }
    batch.remaining -= records.length - next
    if (batch.remaining <= 0) {
      this.#pending.delete(batch.id)
      this.#complete(batch)
    }
  }

  /** The stock binding: one `produce()` per record, resumed at the refused record on a full queue. */
  #produceFrom(
    topics: readonly string[],
    records: PackedRecords,
    start: number,
    batch: PendingBatch,
    traces: ReadonlyMap<number, TracedRecord> | undefined,
  ): void {
    const client = this.#client
    let stopped = false
    forEachPacked(records, (r, i) => {
      if (stopped || i < start) return
      const trace = traces?.get(i)
      let headers: Array<Record<string, Buffer>> | undefined
      const h = r.headers
      if (h !== null) {
        headers = []
        for (let j = 0; j < h.length; j += 2) {
          // A traceparent the connector set itself is replaced: a traced record's trace starts here.
          if (trace !== undefined && h[j] === TRACEPARENT) continue
          const v = h[j + 1] as Uint8Array | null
          // The stock produce() takes Buffers only. A zero-length Buffer of its own has no data pointer,
          // which librdkafka sends as a null value; an empty value is a zero-length view into the batch
          // (it has one) and goes out empty (kafka-batch.test.ts pins both against the broker).
          headers.push({ [h[j] as string]: v === null ? Buffer.alloc(0) : asBuffer(v) })
        }
      }
      if (trace !== undefined) {
        headers ??= []
        headers.push({ [TRACEPARENT]: Buffer.from(trace.traceparent, 'latin1') })
      }
      try {
        client.produce(
          topics[r.topic]!,
          r.partition < 0 ? null : r.partition,
          r.value === null ? null : asBuffer(r.value),
          r.key === null ? null : asBuffer(r.key),
          r.timestamp < 0 ? null : r.timestamp,
          trace === undefined ? batch : new TracedOpaque(batch, trace),
          headers,
        )
      } catch (err) {
        stopped = true
        const code = (err as KafkaError).code
        if (code === ERR.QUEUE_FULL) {
          // librdkafka's queue is full: wait for delivery reports to drain it, then continue where
          // we stopped. Credits normally keep us below this; it is the backstop.
          setTimeout(() => this.#produceFrom(topics, records, i, batch, traces), 5)
          return
        }
        batch.error ??= { message: (err as Error).message, code }
        batch.remaining -= records.length - i
        if (batch.remaining === 0) this.#complete(batch)
      }
    })
  }

  /**
   * Waits until every produced batch has been acknowledged *and* its delivery reports reached
   * JavaScript, up to `timeoutMs`. librdkafka's flush ends once it holds every ack, but the binding
   * hands the reports over later: a caller closing the producer right after would drop them, and the
   * offsets of records already in Kafka would never become committable.
   */
  async flush(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    await new Promise<void>((resolve, reject) =>
      this.#client.flush(timeoutMs, (err) =>
        err
          ? reject(
              new ConnectError('XC_TIMEOUT', `producer ${this.#name} flush: ${err.message}`, {
                stage: 'produce',
              }),
            )
          : resolve(),
      ),
    )
    if (this.#inFlight === 0) return
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, Math.max(0, deadline - Date.now()))
      this.#drained.push(() => {
        clearTimeout(t)
        resolve()
      })
    })
  }

  async close(timeoutMs: number): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.flush(timeoutMs).catch(() => undefined)
    await new Promise<void>((resolve) => this.#client.disconnect(timeoutMs, () => resolve()))
  }
}

/** W3C trace context header (telemetry's record tracing). */
const TRACEPARENT = 'traceparent'
