import { ConnectError } from '@sluice/api'
import type { PackedRecords } from '@sluice/kafka'
import { forEachPacked, packedViews, packRecords, type RecordToPack } from '@sluice/kafka'
import type { RecordCoordinates } from '@sluice/telemetry'
import { asBuffer } from '../wire/codec.js'
import { packProduceRecords, unpackProduceRecords } from '../wire/packed-records.js'
import type { KafkaClientFactory, KafkaError, ProducerClient } from './client-types.js'
import { ERR } from './client-types.js'

interface PendingBatch {
  readonly id: number
  remaining: number
  error: KafkaError | undefined
  readonly done: (err: ConnectError | undefined, failures?: readonly RecordFailure[]) => void
  /** Records in the batch (the span of opaques of a per-record batch). */
  readonly size: number
  /** Refused records by index: per-record batches and the stock path. */
  failures: RecordFailure[] | undefined
  /** Attribution of a batch produced with one opaque (see {@link Tracking}). */
  track: Tracking | undefined
  /** telemetry, batch path: the sampled records, whose send spans end with the batch's acknowledgement. */
  traces?: ReadonlyMap<number, TracedRecord> | undefined
}

/**
 * What a batch produced with one opaque remembers when failures are attributed: its records (to send
 * the refused ones again), and from its delivery reports whether they all came from one partition — then
 * report k is the k-th record enqueued, since librdkafka reports a partition's records in order — and
 * which report positions failed. Nothing per record is kept unless a record fails.
 */
interface Tracking {
  readonly topics: readonly string[]
  readonly records: PackedRecords
  /** Reports seen so far. */
  seen: number
  /** Partition of the first report. */
  part: number
  /** Reports came from more than one partition (or without partitions): positions say nothing. */
  multi: boolean
  /** Report positions that failed. */
  failedAt: number[] | undefined
  /** Record indexes librdkafka refused at enqueue (they have no report). */
  refused: number[] | undefined
}

/** A record of a batch that was refused (by librdkafka or the broker), by its index in the batch. */
export interface RecordFailure {
  readonly index: number
  /** librdkafka's error code. */
  readonly code: number
  readonly error: ConnectError
}

/** The opaque of one record when failures are attributed per record on the stock path. */
class RecordOpaque {
  constructor(
    readonly batch: PendingBatch,
    readonly index: number,
  ) {}
}

/** Batch ids are the opaques of batch produce: non-negative int32s, reused after wrapping. */
const MAX_BATCH_ID = 0x7fffffff

/**
 * A traced record (telemetry): the `traceparent` to stamp on it, and who hears of its acknowledgement:
 * its own delivery report on the stock path (with its coordinates), its batch's on the batch path
 * (undefined: acknowledged, coordinates unknown).
 */
export interface TracedRecord {
  readonly traceparent: string
  end(result: RecordCoordinates | Error | undefined): void
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
    attributeFailures: boolean,
  ) {
    this.#client = client
    this.#name = name
    this.#batchApi = batchApi
    this.#errorString = errorString
    this.#attribute = attributeFailures
  }

  /**
   * Whether every refused record is named by its index (`errors.tolerance=all` on a source: each one is
   * reported and skipped, as Kafka's WorkerSourceTask does for KAFKA_PRODUCE).
   */
  readonly #attribute: boolean
  /** Per-record batches (the resend of a failed batch) by their first opaque (record i: `id + i`). */
  readonly #ranges = new Map<number, PendingBatch>()
  #lastRange: PendingBatch | undefined

  /** `perRecordReports`: the stock path (one produce and delivery report per record) even where the binding has batch calls. */
  static async open(
    factory: KafkaClientFactory,
    config: Record<string, string | number | boolean>,
    name: string,
    perRecordReports = false,
    /**
     * Name every refused record of a failed batch by index (`errors.tolerance=all` on a source). The
     * batch path keeps one native call per batch; only a failed batch costs more (see `#resend`).
     */
    attributeFailures = false,
  ): Promise<SourceProducer> {
    const batchApi = !perRecordReports && factory.batchApi?.() === true
    const errorString = factory.errorString ?? ((code: number) => `librdkafka error ${code}`)
    let self: SourceProducer | undefined
    const client = batchApi
      ? factory.producer({
          ...config,
          dr_batch_cb: (codes: Int32Array, opaques: Float64Array, partitions?: Int32Array) => {
            if (self !== undefined) self.#onDeliveryBatch(codes, opaques, partitions)
          },
        })
      : factory.producer({ ...config, dr_cb: true })
    const p = new SourceProducer(client, name, batchApi, errorString, attributeFailures)
    self = p
    if (!batchApi) {
      client.on('delivery-report', (err, report) => {
        const o = report.opaque
        if (o instanceof TracedOpaque) {
          o.trace.end(err ? new Error(err.message) : report)
          p.#onDelivery(err, o.batch)
        } else if (o instanceof RecordOpaque) p.#onDelivery(err, o.batch, o.index)
        else p.#onDelivery(err, o as PendingBatch)
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
  #onDeliveryBatch(codes: Int32Array, opaques: Float64Array, partitions?: Int32Array): void {
    if (this.#attribute) {
      this.#onAttributedBatch(codes, opaques, partitions)
      return
    }
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

  /**
   * Reports when failures are attributed: a tracked batch (one opaque) notes its reports' partitions
   * and failed positions; a per-record batch (the opaque of record i is the batch's id + i) names the
   * failed record directly.
   */
  #onAttributedBatch(codes: Int32Array, opaques: Float64Array, partitions: Int32Array | undefined): void {
    const n = codes.length
    let i = 0
    while (i < n) {
      const id = opaques[i]!
      const tracked = this.#pending.get(id)
      if (tracked === undefined) {
        this.#onPerRecordReport(id, codes[i]!)
        i++
        continue
      }
      // A run of reports of one tracked batch: one lookup, then a few compares per report.
      const t = tracked.track
      let j = i
      while (j < n && opaques[j] === id) {
        const code = codes[j]!
        if (t !== undefined) {
          const p = partitions === undefined ? Number.NaN : partitions[j]!
          if (t.seen === 0) t.part = p
          else if (p !== t.part) t.multi = true
          if (code !== 0) {
            t.failedAt ??= []
            t.failedAt.push(t.seen)
          }
          t.seen++
        }
        if (code !== 0) tracked.error ??= { code, message: this.#errorString(code) }
        j++
      }
      tracked.remaining -= j - i
      if (tracked.remaining <= 0) {
        this.#pending.delete(id)
        this.#complete(tracked)
      }
      i = j
    }
  }

  /** A report of a per-record batch: the opaque of its record i is the batch's id + i. */
  #onPerRecordReport(id: number, code: number): void {
    let batch = this.#lastRange
    if (batch === undefined || id < batch.id || id >= batch.id + batch.size) {
      batch = undefined
      for (const b of this.#ranges.values())
        if (id >= b.id && id < b.id + b.size) {
          batch = b
          break
        }
      this.#lastRange = batch
    }
    if (batch === undefined) return
    if (code !== 0) this.#recordFailed(batch, id - batch.id, { code, message: this.#errorString(code) })
    if (--batch.remaining <= 0) {
      this.#ranges.delete(batch.id)
      if (this.#lastRange === batch) this.#lastRange = undefined
      this.#complete(batch)
    }
  }

  #recordFailed(batch: PendingBatch, index: number, e: KafkaError): void {
    batch.error ??= e
    if (!this.#attribute) return
    batch.failures ??= []
    batch.failures.push({ index, code: e.code, error: this.#sendError(e) })
  }

  #onDelivery(err: KafkaError | null, batch: PendingBatch, index?: number): void {
    if (err) {
      if (index !== undefined) this.#recordFailed(batch, index, err)
      else batch.error ??= err
    }
    if (--batch.remaining === 0) this.#complete(batch)
  }

  /** Kafka's wording for a failed send (AbstractWorkerSourceTask's producer callback). */
  #sendError(e: KafkaError): ConnectError {
    return new ConnectError(
      'XC_KAFKA',
      `Unrecoverable exception from producer send callback (${this.#name}): ${e.message}`,
      // The librdkafka error: its code tells an exactly-once task it was fenced.
      { stage: 'produce', retriable: false, cause: e },
    )
  }

  #complete(batch: PendingBatch): void {
    const t = batch.track
    batch.track = undefined
    // Sent again first, so the producer is never seen idle (flush) between the two.
    if (batch.error !== undefined && t !== undefined) this.#resend(batch, t)
    this.#inFlight--
    if (this.#inFlight === 0 && this.#drained.length > 0) {
      const waiters = this.#drained
      this.#drained = []
      for (const w of waiters) w()
    }
    if (t !== undefined && batch.error !== undefined) return // #resend reports it
    const e = batch.error
    // telemetry: on the batch path a sampled record's send span ends with its batch (a failed batch's
    // spans are ended with the error by the caller's ack).
    if (e === undefined && batch.traces !== undefined) for (const t of batch.traces.values()) t.end(undefined)
    if (e === undefined) batch.done(undefined)
    else if (batch.failures === undefined) batch.done(this.#sendError(e))
    else
      batch.done(
        this.#sendError(e),
        batch.failures.sort((a, b) => a.index - b.index),
      )
  }

  /**
   * Produces a packed batch; `done` runs once, after the broker acknowledged (or rejected) every record.
   * `traces` (telemetry): sampled records by index; they get a `traceparent` header (replacing one the
   * connector set) and hear of their acknowledgement.
   * With `attributeFailures`, a failed batch's `done` also gets every refused record by index.
   */
  produce(
    topics: readonly string[],
    records: PackedRecords,
    done: (err: ConnectError | undefined, failures?: readonly RecordFailure[]) => void,
    traces?: ReadonlyMap<number, TracedRecord>,
  ): void {
    if (this.#closed) {
      done(new ConnectError('XC_ILLEGAL_STATE', `producer ${this.#name} is closed`, { stage: 'produce' }))
      return
    }
    this.#inFlight++
    const n = records.length
    const id = this.#nextId
    this.#nextId = id === MAX_BATCH_ID ? 0 : id + 1
    const track: Tracking | undefined =
      this.#attribute && this.#batchApi && n > 0
        ? {
            topics,
            records,
            seen: 0,
            part: Number.NaN,
            multi: false,
            failedAt: undefined,
            refused: undefined,
          }
        : undefined
    const batch: PendingBatch = {
      id,
      remaining: n,
      error: undefined,
      done,
      size: n,
      failures: undefined,
      track,
    }
    if (n === 0) {
      this.#complete(batch)
      return
    }
    if (this.#batchApi) {
      let packed = records
      if (traces !== undefined && traces.size > 0) {
        // telemetry: only batches with a sampled record are repacked, to add its header.
        packed = withTraceparents(records, traces)
        batch.traces = traces
      }
      this.#pending.set(id, batch)
      this.#produceBatchFrom(topics, packed, 0, batch)
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
    const t = batch.track
    if (t !== undefined) {
      // Attributed: only this record is refused (it has no report); the rest is still sent.
      t.refused ??= []
      t.refused.push(next)
      batch.error ??= { code, message: this.#errorString(code) }
      if (--batch.remaining <= 0) {
        this.#pending.delete(batch.id)
        this.#complete(batch)
      } else this.#produceBatchFrom(topics, records, next + 1, batch)
      return
    }
    // A record librdkafka refuses outright (too large, unknown partition…) fails the batch; records
    // after it are not sent, as on the stock path.
    this.#recordFailed(batch, next, {
      code,
      message: `record ${next} of the batch was refused: ${this.#errorString(code)}`,
    })
    batch.remaining -= records.length - next
    if (batch.remaining <= 0) {
      this.#pending.delete(batch.id)
      this.#complete(batch)
    }
  }

  /**
   * Attributed batch produce: one native call per record with its own opaque, so a refused record is
   * known by index; a record librdkafka refuses outright is a failure and the rest are still sent.
   */
  #produceEachFrom(
    topics: readonly string[],
    records: PackedRecords,
    start: number,
    batch: PendingBatch,
  ): void {
    const v = packedViews(records)
    const n = records.length
    for (let i = start; i < n; i++) {
      const [next, code] = this.#client.produceBatch!(
        topics,
        v.ints,
        v.nums,
        v.hlens,
        v.data,
        i,
        i + 1,
        batch.id + i,
      )
      if (next > i) continue
      if (code === ERR.QUEUE_FULL) {
        setTimeout(() => this.#produceEachFrom(topics, records, i, batch), 5)
        return
      }
      this.#recordFailed(batch, i, {
        code,
        message: `record ${i} of the batch was refused: ${this.#errorString(code)}`,
      })
      if (--batch.remaining <= 0) {
        this.#ranges.delete(batch.id)
        if (this.#lastRange === batch) this.#lastRange = undefined
        this.#complete(batch)
      }
    }
  }

  /**
   * A tracked batch had refused records. If its reports all came from one partition they are in enqueue
   * order, so the refused records are known; otherwise every record of the batch is a suspect (records
   * that did arrive are then sent twice — at least once, as after a task restart). The suspects are sent
   * again one per native call, each with its own opaque, so what is refused again is named exactly. Known
   * refused records go one after another, each alone in its broker request: one refused only because it
   * shared an over-sized request with another now arrives (Java's producer splits such a batch).
   */
  #resend(batch: PendingBatch, t: Tracking): void {
    const n = t.records.length
    let suspects: number[]
    if (t.multi) suspects = Array.from({ length: n }, (_, i) => i)
    else {
      const refused = new Set(t.refused)
      const enqueued: number[] = []
      for (let i = 0; i < n; i++) if (!refused.has(i)) enqueued.push(i)
      suspects = [...(t.refused ?? []), ...(t.failedAt ?? []).map((pos) => enqueued[pos]!)].sort(
        (a, b) => a - b,
      )
    }
    const all = unpackProduceRecords(t.records)
    const finish = (failures: readonly RecordFailure[]): void => {
      if (failures.length === 0) batch.done(undefined)
      else batch.done(failures[0]!.error, failures)
    }
    if (t.multi) {
      // Many suspects: one go (librdkafka may batch them together again; each is still named exactly).
      this.#produceEach(t.topics, packProduceRecords(suspects.map((i) => all[i]!)), (_err, failures) =>
        finish((failures ?? []).map((f) => ({ ...f, index: suspects[f.index]! }))),
      )
      return
    }
    // The few refused records one after another, each alone in its broker request.
    const failed: RecordFailure[] = []
    const next = (k: number): void => {
      if (k >= suspects.length) {
        finish(failed)
        return
      }
      const index = suspects[k]!
      this.#produceEach(t.topics, packProduceRecords([all[index]!]), (_err, failures) => {
        for (const f of failures ?? []) failed.push({ ...f, index })
        next(k + 1)
      })
    }
    next(0)
  }

  /** A per-record batch: one native call and one opaque per record (ids `id … id + n - 1`). */
  #produceEach(
    topics: readonly string[],
    records: PackedRecords,
    done: (err: ConnectError | undefined, failures?: readonly RecordFailure[]) => void,
  ): void {
    this.#inFlight++
    const n = records.length
    if (this.#nextId + n > MAX_BATCH_ID) this.#nextId = 0
    const id = this.#nextId
    this.#nextId = id + n >= MAX_BATCH_ID ? 0 : id + n
    const batch: PendingBatch = {
      id,
      remaining: n,
      error: undefined,
      done,
      size: n,
      failures: undefined,
      track: undefined,
    }
    if (n === 0) {
      this.#complete(batch)
      return
    }
    this.#ranges.set(id, batch)
    this.#produceEachFrom(topics, records, 0, batch)
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
          trace !== undefined
            ? new TracedOpaque(batch, trace)
            : this.#attribute
              ? new RecordOpaque(batch, i)
              : batch,
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
        const e = { message: (err as Error).message, code }
        if (this.#attribute) {
          // Only this record is refused; the rest of the batch is still sent.
          this.#recordFailed(batch, i, e)
          stopped = false
          if (--batch.remaining === 0) this.#complete(batch)
          return
        }
        batch.error ??= e
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

  /**
   * A transaction call of a producer opened with `transactional.id` (exactly-once source tasks); a
   * failure rejects with the librdkafka error, `fatal` when the producer is fenced or otherwise dead.
   */
  transaction(op: 'init' | 'begin' | 'commit' | 'abort', timeoutMs: number): Promise<void> {
    const c = this.#client
    const fn = {
      init: c.initTransactions,
      begin: c.beginTransaction,
      commit: c.commitTransaction,
      abort: c.abortTransaction,
    }[op]
    if (fn === undefined)
      return Promise.reject(
        new ConnectError('XC_ILLEGAL_STATE', `the Kafka binding has no transactions (${op})`, {
          stage: 'produce',
        }),
      )
    return new Promise<void>((resolve, reject) => {
      const cb = (err: KafkaError | null) => (err ? reject(new TransactionError(op, err)) : resolve())
      if (op === 'begin') (fn as (cb: (err: KafkaError | null) => void) => void).call(c, cb)
      else (fn as (t: number, cb: (err: KafkaError | null) => void) => void).call(c, timeoutMs, cb)
    })
  }

  async close(timeoutMs: number): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.flush(timeoutMs).catch(() => undefined)
    await new Promise<void>((resolve) => this.#client.disconnect(timeoutMs, () => resolve()))
  }
}

/** librdkafka error codes that mean the transactional producer was fenced by a newer instance. */
const FENCED_CODES: ReadonlySet<number> = new Set([
  -144, // ERR__FENCED
  47, // INVALID_PRODUCER_EPOCH
  90, // PRODUCER_FENCED
])

/** A failed transaction call; `fenced` when a newer producer with the same transactional id exists. */
export class TransactionError extends Error {
  readonly code: number
  readonly fenced: boolean
  readonly fatal: boolean
  constructor(op: string, err: KafkaError) {
    super(`${op} transaction failed: ${err.message}`)
    this.name = 'TransactionError'
    this.code = err.code
    this.fenced = FENCED_CODES.has(err.code)
    this.fatal = this.fenced || err.isFatal === true
  }
}

/** Whether a produce or transaction error means this producer was fenced. */
export function isFencedCode(code: number): boolean {
  return FENCED_CODES.has(code)
}

/** W3C trace context header (telemetry's record tracing). */
const TRACEPARENT = 'traceparent'

/** A copy of `records` whose sampled ones carry their `traceparent` (any the connector set is replaced). */
function withTraceparents(records: PackedRecords, traces: ReadonlyMap<number, TracedRecord>): PackedRecords {
  const out: RecordToPack[] = []
  forEachPacked(records, (r, i) => {
    const trace = traces.get(i)
    let headers = r.headers
    if (trace !== undefined) {
      const h: Array<string | Uint8Array | null> = []
      for (let j = 0; headers !== null && j < headers.length; j += 2)
        if (headers[j] !== TRACEPARENT) h.push(headers[j]!, headers[j + 1]!)
      h.push(TRACEPARENT, Buffer.from(trace.traceparent, 'latin1'))
      headers = h
    }
    // forEachPacked reuses its record object: each record gets its own (byte fields are copied by
    // packRecords).
    out.push({
      topic: r.topic,
      partition: r.partition,
      offset: r.offset,
      timestamp: r.timestamp,
      timestampType: r.timestampType,
      key: r.key,
      value: r.value,
      headers,
    })
  })
  return packRecords(out)
}
