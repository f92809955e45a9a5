#!/usr/bin/env node
// The CPU cost per record of Sluice's telemetry on the main thread, measured on the real code paths
// (packages/runtime/src/telemetry/events.ts, @sluice/telemetry's bridge, the CLI's OpenTelemetry SDK):
// source batches of 1000 records go through sourceBatch() + ack, sink batches through SinkTraces
// read/put/committed, with (a) nobody subscribed (telemetry.metrics.prometheus.enable=false and no OTLP),
// (b) metrics on (the default), (c) metrics on + tracing at 1 % exported over OTLP to a real collector
// (--otlp URL, e.g. from `node scripts/otelcol.mjs run`). Reported as CPU µs per record (process.cpuUsage),
// the median of --reps rounds; compare with the worker's whole CPU per record from `npm run bench`
// (CPU s / M records = µs per record). End-to-end runs on a loaded 2-core machine cannot resolve a few
// percent; this isolates what telemetry adds.
//
//   node benchmarks/telemetry-cost.mjs [--otlp http://127.0.0.1:4318] [--batches 2000] [--reps 5]
import { parseArgs } from 'node:util'

const { values } = parseArgs({
  options: {
    otlp: { type: 'string' },
    batches: { type: 'string', default: '2000' },
    reps: { type: 'string', default: '5' },
    size: { type: 'string', default: '1000' },
  },
})
const root = new URL('..', import.meta.url)
const events = await import(new URL('packages/runtime/dist/src/telemetry/events.js', root).href)
const { packRecords } = await import(new URL('packages/kafka/dist/src/index.js', root).href)
const { startTelemetry } = await import(new URL('packages/cli/dist/src/telemetry-sdk.js', root).href)

const BATCHES = Number(values.batches)
const SIZE = Number(values.size)
const REPS = Number(values.reps)
const id = { connector: 'bench', task: 0 }

// Batches come packed (one buffer per batch) from the task threads and from the consumer.
function sourceRecords() {
  const value = new Uint8Array(100)
  return packRecords(
    Array.from({ length: SIZE }, (_, i) => ({
      topic: 0,
      partition: i % 4,
      timestamp: -1,
      key: null,
      value,
      headers: null,
    })),
  )
}
function consumedRecords(traced) {
  const value = new Uint8Array(100)
  return packRecords(
    traced.map((tp, i) => ({
      topic: 0,
      partition: 0,
      offset: i,
      timestamp: -1,
      key: null,
      value,
      headers: tp === null ? null : ['traceparent', tp],
    })),
  )
}

/** CPU µs per record of `batches` source + sink batches through the telemetry calls. */
function run(sinkHeaders) {
  const sink = new events.SinkTraces()
  // One packed batch reused: packing is the task thread's work, not telemetry's.
  const records = sourceRecords()
  const t0 = process.cpuUsage()
  for (let b = 0; b < BATCHES; b++) {
    const now = events.nowMs()
    const stats = {
      polled: SIZE,
      pollStart: now,
      pollEnd: now,
      transformEnd: now,
      convertEnd: now,
    }
    const tele = events.sourceBatch(id, stats, ['t'], records)
    // Delivery reports of the sampled records, then the batch ack.
    for (const t of tele?.traces?.values() ?? []) t.end({ topic: 't', partition: 0, offset: b })
    tele?.ack(records.length)
    sink.read(id, b, ['t'], sinkHeaders)
    sink.put(id, b, {
      read: SIZE,
      sent: SIZE,
      start: now,
      convertEnd: now,
      transformEnd: now,
      putEnd: now,
    })
    if (b % 50 === 0) sink.committed([{ topic: 't', partition: 0, offset: SIZE + 1 }], now, now)
  }
  const d = process.cpuUsage(t0)
  sink.close()
  return (d.user + d.system) / (BATCHES * SIZE * 2) // µs per record moved through a source and a sink
}

async function measure(label, props, sampled) {
  const tele = await startTelemetry(props, 'bench:0', {})
  events.configureTelemetry(props)
  // Sink batches carry the traceparents the source stamped at this ratio (what a 1 % pipeline delivers).
  const ratio = Number(props['telemetry.traces.sample.ratio'] ?? '0')
  const tp = Buffer.from('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')
  const headers = consumedRecords(
    Array.from({ length: SIZE }, (_, i) => (sampled && i % Math.round(1 / ratio) === 0 ? tp : null)),
  )
  run(headers) // warm-up
  const xs = []
  for (let r = 0; r < REPS; r++) xs.push(run(headers))
  if (tele.prometheus !== undefined) await tele.prometheus() // one scrape, to prove the figures are there
  await tele.stop()
  xs.sort((a, b) => a - b)
  const median = xs[Math.floor(xs.length / 2)]
  console.log(
    `${label.padEnd(34)} ${median.toFixed(4)} µs/record (runs: ${xs.map((x) => x.toFixed(4)).join(', ')})`,
  )
  return median
}

const off = await measure(
  'off (no reader, no subscriber)',
  { 'telemetry.metrics.prometheus.enable': 'false' },
  false,
)
const on = await measure('metrics on (default)', {}, false)
let traced
if (values.otlp !== undefined)
  traced = await measure(
    'metrics + tracing 1 % over OTLP',
    {
      'telemetry.otlp.endpoint': values.otlp,
      'telemetry.otlp.metrics.interval.ms': '60000',
      'telemetry.traces.sample.ratio': '0.01',
    },
    true,
  )
console.log(`metrics add ${(on - off).toFixed(4)} µs/record`)
if (traced !== undefined) console.log(`metrics + tracing 1 % add ${(traced - off).toFixed(4)} µs/record`)
