import { closeSync, openSync, readSync, rmSync, writeFileSync, writeSync } from 'node:fs'
import path from 'node:path'
import { createProducer } from '@sluice/kafka'
import type { RunMetrics, ScenarioResult } from '../model.js'
import { sleep } from '../proc.js'
import { FILE_SOURCE_BATCH_SIZE, RECORD_SIZE } from '../settings.js'
import { percentile } from '../stats.js'
import { Topics } from '../topics.js'
import { type ConnectWorker, type Runtime, startWorker } from '../workers.js'
import { type Case, type Context, measureCases, metrics, round, runDir } from './common.js'

/** Where the timestamped records enter the pipeline. */
export type LatencyPipeline = 'file' | 'topic'

/**
 * End-to-end latency at a fixed offered rate, two pipelines:
 *
 * - `latency-file`: file → FileStreamSource → Kafka → FileStreamSink → file, both connectors in one
 *   worker. The harness appends lines to the source file, each carrying its send time.
 * - `latency-sink`: the harness produces the same lines straight to the topic (librdkafka, acks=all) and
 *   only FileStreamSink runs in the worker. FileStreamSource sleeps 1 s whenever it reaches the end of
 *   its file (Kafka's behaviour, kept by Sluice), which dominates the file pipeline's figures; this
 *   variant shows the runtime's delivery latency without that pause.
 *
 * Either way the harness reads the sink file as it grows; a line's latency is its arrival time minus the
 * send time written in it. Sender and reader are the same process, so both times come from one
 * monotonic clock (`performance.now()`).
 */
export async function latencyScenarios(
  ctx: Context,
  sides: readonly Runtime[],
  rate: number,
): Promise<ScenarioResult[]> {
  const s = ctx.sizes
  const latencyCase = (pipeline: LatencyPipeline, side: Runtime): Case => {
    const id = pipeline === 'file' ? 'latency-file' : 'latency-sink'
    return {
      id,
      group: 'latency',
      title:
        pipeline === 'file'
          ? `Latency file → source → sink → file at ${Math.round(rate).toLocaleString('en-US')} rec/s`
          : `Latency producer → sink → file at ${Math.round(rate).toLocaleString('en-US')} rec/s`,
      side,
      params: {
        pipeline:
          pipeline === 'file'
            ? 'file → FileStreamSource → topic (1 partition) → FileStreamSink → file'
            : 'harness producer → topic (1 partition) → FileStreamSink → file',
        rate: Math.round(rate),
        warmupS: s.latencyWarmupS,
        measureS: s.latencyMeasureS,
        recordSize: RECORD_SIZE,
      },
      run: (label) => latencyRun(ctx, pipeline, side, rate, runDir(ctx, { id, side }, label)),
    }
  }
  // The in-run warm-up seconds are discarded, so no separate warm-up run is spent here.
  const noWarmup = { ...ctx, sizes: { ...s, warmups: 0 } }
  return measureCases(noWarmup, [
    ...sides.map((side) => latencyCase('file', side)),
    ...sides.map((side) => latencyCase('topic', side)),
  ])
}

const SEQ_WIDTH = 10
const TS_WIDTH = 16
const FILLER = 'x'.repeat(RECORD_SIZE)

/** A RECORD_SIZE-character value carrying its sequence number and send time (without newline). */
function value(seq: number, sentMs: number): string {
  const head = `${String(seq).padStart(SEQ_WIDTH, '0')} ${sentMs.toFixed(3).padStart(TS_WIDTH, '0')} `
  return `${head}${FILLER.slice(head.length)}`
}

/** Reads whole lines appended to a file since the last call. */
class FileTail {
  readonly #fd: number
  #pos = 0
  #rest = ''
  readonly #buf = Buffer.allocUnsafe(1 << 20)

  constructor(file: string) {
    this.#fd = openSync(file, 'r')
  }

  /** Complete lines appended since the last call (without their newline). */
  read(): string[] {
    let text = ''
    for (;;) {
      const n = readSync(this.#fd, this.#buf, 0, this.#buf.length, this.#pos)
      if (n === 0) break
      this.#pos += n
      text += this.#buf.toString('latin1', 0, n)
    }
    if (text === '') return []
    const lines = (this.#rest + text).split('\n')
    this.#rest = lines.pop() ?? ''
    return lines
  }

  close(): void {
    closeSync(this.#fd)
  }
}

/** Sends values into the pipeline under test: appended to the source file, or produced to the topic. */
interface Sender {
  send(values: readonly string[]): void
  close(): Promise<void>
}

function fileSender(file: string): Sender {
  const fd = openSync(file, 'a')
  return {
    send(values) {
      writeSync(fd, `${values.join('\n')}\n`)
    },
    async close() {
      closeSync(fd)
    },
  }
}

async function topicSender(bootstrap: string, topic: string): Promise<Sender> {
  // Not the system under test: settings that add the least latency of its own (acks=all still, as the
  // source connectors' producers use it, so the broker's commit path is the same).
  const producer = createProducer({
    'bootstrap.servers': bootstrap,
    acks: 'all',
    'linger.ms': 1,
    'client.id': 'bench-latency-sender',
  })
  await new Promise<void>((resolve, reject) =>
    producer.connect({ timeout: 10_000 }, (err) => (err ? reject(err) : resolve())),
  )
  producer.setPollInterval(100)
  return {
    send(values) {
      for (const v of values) producer.produce(topic, 0, Buffer.from(v, 'latin1'), null, Date.now())
    },
    async close() {
      await new Promise<void>((resolve) => producer.flush(10_000, () => resolve()))
      await new Promise<void>((resolve) => producer.disconnect(() => resolve()))
    },
  }
}

async function latencyRun(
  ctx: Context,
  pipeline: LatencyPipeline,
  side: Runtime,
  rate: number,
  dir: string,
): Promise<RunMetrics> {
  const s = ctx.sizes
  const input = path.join(dir, 'latency-in.txt')
  const output = path.join(dir, 'latency-out.txt')
  // Both files exist before the connectors start, so the source never waits for a missing file and the
  // tail can open the sink file at once.
  writeFileSync(input, '')
  writeFileSync(output, '')
  const topic = await ctx.topics.create(Topics.fresh(`latency-${pipeline}-${side}`), 1)
  const tail = new FileTail(output)
  let worker: ConnectWorker | undefined
  let sender: Sender | undefined
  try {
    worker = await startWorker({ runtime: side, dir, bootstrap: ctx.bootstrap })
    await worker.createConnector('bench-latency-sink', {
      'connector.class': 'FileStreamSink',
      'tasks.max': '1',
      file: output,
      topics: topic,
    })
    if (pipeline === 'file') {
      await worker.createConnector('bench-latency-source', {
        'connector.class': 'FileStreamSource',
        'tasks.max': '1',
        file: input,
        topic,
        'batch.size': FILE_SOURCE_BATCH_SIZE,
      })
      await worker.waitRunning('bench-latency-source', 1)
    }
    await worker.waitRunning('bench-latency-sink', 1)
    sender = pipeline === 'file' ? fileSender(input) : await topicSender(ctx.bootstrap, topic)

    // Prime the pipeline: the sink's consumer group must have joined before the clock runs, or the
    // first seconds measure a group rebalance.
    sender.send(['probe '.padEnd(RECORD_SIZE, '-')])
    const primeDeadline = performance.now() + 60_000
    while (tail.read().length === 0) {
      if (performance.now() > primeDeadline)
        throw new Error(`${side}: the probe record never reached the sink`)
      await sleep(20)
    }

    const warmup = Math.round(rate * s.latencyWarmupS)
    const measured = Math.round(rate * s.latencyMeasureS)
    const total = warmup + measured
    const latencies = new Float64Array(measured).fill(Number.NaN)
    let arrived = 0
    let arrivedMeasured = 0
    let sent = 0
    let cpuStart = Number.NaN
    let cpuEnd = Number.NaN
    const w = worker
    const out = sender
    const t0 = performance.now()

    const receive = (): void => {
      const lines = tail.read()
      if (lines.length === 0) return
      const now = performance.now()
      for (const l of lines) {
        const seq = Number(l.slice(0, SEQ_WIDTH))
        const sentAt = Number(l.slice(SEQ_WIDTH + 1, SEQ_WIDTH + 1 + TS_WIDTH))
        if (!Number.isFinite(seq) || !Number.isFinite(sentAt)) continue
        arrived++
        if (seq >= warmup && seq < total) {
          latencies[seq - warmup] = now - sentAt
          arrivedMeasured++
        }
      }
    }

    // One 1 ms tick both sends what is due at the fixed rate and reads what arrived: the clock
    // resolution of the figures is about one tick.
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        try {
          const now = performance.now()
          const due = Math.min(total, Math.floor((rate * (now - t0)) / 1000))
          if (due > sent) {
            const batch: string[] = []
            for (; sent < due; sent++) batch.push(value(sent, now))
            out.send(batch)
          }
          if (Number.isNaN(cpuStart) && sent >= warmup) cpuStart = w.cpuSeconds()
          if (Number.isNaN(cpuEnd) && sent >= total) cpuEnd = w.cpuSeconds()
          receive()
          if (sent >= total) {
            clearInterval(timer)
            resolve()
          }
        } catch (err) {
          clearInterval(timer)
          reject(err)
        }
      }, 1)
    })
    // Drain: every record sent must arrive; what does not within the limit makes the run incomplete.
    const drainDeadline = performance.now() + 30_000
    while (arrived < total && performance.now() < drainDeadline) {
      await sleep(1)
      receive()
    }
    const complete = arrivedMeasured === measured
    // Records that never arrived stay NaN and are left out; the run is then flagged incomplete.
    const sorted = latencies.filter((x) => Number.isFinite(x)).sort()
    return {
      ...metrics({
        records: measured,
        complete,
        seconds: s.latencyMeasureS,
        recordsPerSec: rate,
        recordSize: RECORD_SIZE,
        cpuSeconds: cpuEnd - cpuStart,
        cpuRecords: measured,
        peakRssBytes: worker.peakRssBytes(),
        restReadyMs: worker.restReadyMs,
      }),
      latency: {
        rate: Math.round(rate),
        samples: arrivedMeasured,
        p50Ms: round(percentile(sorted, 50), 1),
        p99Ms: round(percentile(sorted, 99), 1),
        maxMs: round(sorted.length > 0 ? sorted[sorted.length - 1]! : Number.NaN, 1),
      },
    }
  } finally {
    await sender?.close().catch(() => undefined)
    tail.close()
    await worker?.stop()
    await ctx.topics.delete(topic)
    rmSync(input, { force: true })
    rmSync(output, { force: true })
  }
}
