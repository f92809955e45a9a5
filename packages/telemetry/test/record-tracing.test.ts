import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { trace } from '@opentelemetry/api'
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace'
import { formatTraceparent, parseTraceparent, RecordTracer } from '../src/index.js'

function provider() {
  const exporter = new InMemorySpanExporter()
  const p = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] })
  return { exporter, tracer: p.getTracer('test') }
}

describe('RecordTracer', () => {
  it('parses and formats W3C traceparent, rejecting malformed and all-zero ids', () => {
    const v = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'
    const sc = parseTraceparent(Buffer.from(v))
    assert.deepEqual(sc, {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: 1,
      isRemote: true,
    })
    assert.equal(formatTraceparent(sc!), v)
    assert.equal(parseTraceparent('00-00000000000000000000000000000000-00f067aa0ba902b7-01'), undefined)
    assert.equal(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'), undefined)
    assert.equal(parseTraceparent('garbage'), undefined)
    assert.equal(parseTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'), undefined)
  })

  it('links a record from source poll to sink commit in one trace', () => {
    const { exporter, tracer } = provider()
    const rt = new RecordTracer({ sampleRatio: 1, continueSinkTraces: true, tracer })
    const task = { connector: 'src', task: 0 }
    const t0 = 1_700_000_000_000
    const src = rt.startSource(
      task,
      'orders',
      { pollStart: t0, pollEnd: t0 + 2, transformEnd: t0 + 3, convertEnd: t0 + 4 },
      t0 + 5,
    )
    assert.ok(src)
    src.end({ topic: 'orders', partition: 2, offset: 41 }, t0 + 9)
    const sink = rt.continueSink(
      { connector: 'snk', task: 1 },
      src.traceparent,
      { topic: 'orders', partition: 2, offset: 41 },
      t0 + 20,
    )
    assert.ok(sink)
    sink.put({ start: t0 + 21, convertEnd: t0 + 22, transformEnd: t0 + 23, putEnd: t0 + 30 })
    sink.committed(t0 + 40, t0 + 41)
    const spans = exporter.getFinishedSpans()
    const byName = new Map(spans.map((s) => [s.name, s]))
    assert.deepEqual([...byName.keys()].sort(), [
      'commit',
      'consume',
      'convert',
      'create orders',
      'poll',
      'process orders',
      'put',
      'send orders',
      'transform',
    ])
    assert.equal(new Set(spans.map((s) => s.spanContext().traceId)).size, 1, 'one trace')
    const id = (n: string) => byName.get(n)!.spanContext().spanId
    const parent = (n: string) => byName.get(n)!.parentSpanContext?.spanId
    assert.equal(parent('create orders'), undefined)
    assert.equal(parent('poll'), id('create orders'))
    assert.equal(parent('send orders'), id('create orders'))
    assert.equal(parent('process orders'), id('send orders'), 'the sink continues the send span')
    for (const n of ['consume', 'put', 'commit']) assert.equal(parent(n), id('process orders'))
    assert.equal(src.traceparent, `00-${spans[0]!.spanContext().traceId}-${id('send orders')}-01`)
    assert.equal(byName.get('send orders')!.attributes['messaging.kafka.offset'], 41)
    assert.equal(byName.get('process orders')!.attributes['messaging.destination.partition.id'], '2')
    // Times come from the batch stamps, not from when the spans were made.
    assert.equal(byName.get('poll')!.startTime[0], Math.floor(t0 / 1000))
  })

  it('samples at the configured ratio and stamps nothing without an SDK', () => {
    let i = 0
    const seq = [0.005, 0.5, 0.009, 0.011]
    const rt = new RecordTracer({
      sampleRatio: 0.01,
      continueSinkTraces: false,
      random: () => seq[i++ % seq.length]!,
    })
    assert.deepEqual([rt.sample(), rt.sample(), rt.sample(), rt.sample()], [true, false, true, false])
    assert.equal(new RecordTracer({ sampleRatio: 0, continueSinkTraces: false }).sample(), false)
    assert.throws(() => new RecordTracer({ sampleRatio: 1.5, continueSinkTraces: false }), /between 0 and 1/)
    // The API's no-op tracer: no valid span context, so no traceparent is made up.
    trace.disable()
    const noop = new RecordTracer({ sampleRatio: 1, continueSinkTraces: true })
    assert.equal(
      noop.startSource({ connector: 'c', task: 0 }, 't', {
        pollStart: 1,
        pollEnd: 2,
        transformEnd: 3,
        convertEnd: 4,
      }),
      undefined,
    )
  })
})
