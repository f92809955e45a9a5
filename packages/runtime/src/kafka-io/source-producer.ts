import { ConnectError } from '@sluice/api'
import type { RecordCoordinates } from '@sluice/telemetry'
import { asBuffer } from '../wire/codec.js'
import type { ProduceRecord } from '../wire/messages.js'
import type { KafkaClientFactory, KafkaError, ProducerClient } from './client-types.js'
import { ERR } from './client-types.js'

interface PendingBatch {
  remaining: number
  error: KafkaError | undefined
  readonly done: (err: ConnectError | undefined) => void
}

/** What wants to hear one record's delivery report (a traced record); its opaque instead of the batch's. */
export interface RecordReportListener {
  end(result: RecordCoordinates | Error): void
}

/** The opaque of a record whose own delivery report is wanted. */
class TracedOpaque {
  constructor(
    readonly batch: PendingBatch,
    readonly listener: RecordReportListener,
  ) {}
}

/**
 * The producer of one source task, owned by the Kafka I/O actor on the main thread. It produces whole
 * batches and reports each batch once every record in it was acknowledged; per-record work here is
 * only the `produce()` call itself.
 */
export class SourceProducer {
  readonly #client: ProducerClient
  readonly #name: string
  #inFlight = 0
  #closed = false
  /** Callers of flush() waiting for the last outstanding batch to complete. */
  #drained: Array<() => void> = []

  private constructor(client: ProducerClient, name: string) {
    this.#client = client
    this.#name = name
  }

  static async open(
    factory: KafkaClientFactory,
    config: Record<string, string | number | boolean>,
    name: string,
  ): Promise<SourceProducer> {
    const client = factory.producer({ ...config, dr_cb: true })
    const p = new SourceProducer(client, name)
    client.on('delivery-report', (err, report) => {
      const o = report.opaque
      if (o instanceof TracedOpaque) {
        o.listener.end(err ? new Error(err.message) : report)
        p.#onDelivery(err, o.batch)
      } else p.#onDelivery(err, o as PendingBatch)
    })
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
   * Produces a batch; `done` runs once, after the broker acknowledged (or rejected) every record.
   * `reports` (telemetry): records, by index, whose own delivery report someone wants.
   */
  produce(
    topics: readonly string[],
    records: readonly ProduceRecord[],
    done: (err: ConnectError | undefined) => void,
    reports?: ReadonlyMap<number, RecordReportListener>,
  ): void {
    if (this.#closed) {
      done(new ConnectError('XC_ILLEGAL_STATE', `producer ${this.#name} is closed`, { stage: 'produce' }))
      return
    }
    this.#inFlight++
    const batch: PendingBatch = { remaining: records.length, error: undefined, done }
    if (records.length === 0) {
      this.#complete(batch)
      return
    }
    this.#produceFrom(topics, records, 0, batch, reports)
  }

  #produceFrom(
    topics: readonly string[],
    records: readonly ProduceRecord[],
    start: number,
    batch: PendingBatch,
    reports: ReadonlyMap<number, RecordReportListener> | undefined,
  ): void {
    const client = this.#client
    for (let i = start; i < records.length; i++) {
      const r = records[i]!
      const h = r[5]
      let headers: Array<Record<string, Buffer>> | undefined
      if (h !== null) {
        headers = []
        for (let j = 0; j < h.length; j += 2) {
          const v = h[j + 1] as Uint8Array | null
          headers.push({ [h[j] as string]: v === null ? Buffer.alloc(0) : asBuffer(v) })
        }
      }
      try {
        client.produce(
          topics[r[0]]!,
          r[1] < 0 ? null : r[1],
          r[3] === null ? null : asBuffer(r[3]),
          r[2] === null ? null : asBuffer(r[2]),
          r[4] < 0 ? null : r[4],
          reports === undefined ? batch : opaqueOf(batch, reports.get(i)),
          headers,
        )
      } catch (err) {
        const code = (err as KafkaError).code
        if (code === ERR.QUEUE_FULL) {
          // librdkafka's queue is full: wait for delivery reports to drain it, then continue where
          // we stopped. Credits normally keep us below this; it is the backstop.
          setTimeout(() => this.#produceFrom(topics, records, i, batch, reports), 5)
          return
        }
        batch.error ??= { message: (err as Error).message, code }
        batch.remaining -= records.length - i
        if (batch.remaining === 0) this.#complete(batch)
        return
      }
    }
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

function opaqueOf(batch: PendingBatch, listener: RecordReportListener | undefined): unknown {
  return listener === undefined ? batch : new TracedOpaque(batch, listener)
}
