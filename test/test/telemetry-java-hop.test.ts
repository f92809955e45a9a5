import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { KafkaAdmin } from '@sluice/kafka'
import { type ConnectProcess, freePort, mirrorClasspath, startJavaConnect } from '../compat/servers.js'
import { ensureBroker, uniqueTopic } from '../src/broker.js'
import { fileLines, startStandalone, stopStandalone, type Worker, waitUntil } from '../src/standalone.js'
import { type DebugSpan, type OtelCollector, telemetryServers } from '../src/telemetry-servers.js'

// One record's trace across a Java worker in the middle: a Sluice FileStreamSource stamps traceparent on
// the records it writes to `t`; Java Kafka Connect 4.4 runs MirrorMaker 2's MirrorSourceConnector, which
// copies `t` to `up.t` with the records' headers (ByteArrayConverter for headers: the bytes unchanged); a
// Sluice FileStreamSink reads `up.t` and continues the trace. The collector must show the sink's process
// span as the child of the source's send span.
const LINES = 200

describe('telemetry: a trace survives a Java Connect worker in the middle (MirrorMaker 2)', {
  timeout: 240_000,
}, () => {
  let dir: string
  let worker: Worker | undefined
  let java: ConnectProcess | undefined
  let collector: OtelCollector | undefined
  let topic: string
  const mirrored = (): string => `up.${topic}`

  before(async () => {
    const bootstrap = ensureBroker()
    const cp = mirrorClasspath()
    assert.ok(cp.classpath !== undefined, `Java Kafka Connect with MirrorMaker 2 is needed: ${cp.reason}`)
    const servers = await telemetryServers()
    collector = await servers.startOtelcol({ name: 'java-hop' })
    dir = mkdtempSync(path.join(tmpdir(), 'sluice-telemetry-java-'))
    topic = uniqueTopic('telemetry-hop')
    // Both topics exist before anyone reads them: MirrorSourceConnector lists topics when it starts,
    // and the sink subscribes to the mirrored one.
    const admin = KafkaAdmin.create({ 'bootstrap.servers': bootstrap })
    try {
      for (const t of [topic, mirrored()])
        await admin.createTopic({ topic: t, partitions: 1, replicationFactor: 1 })
    } finally {
      admin.close()
    }
    const port = await freePort()
    java = await startJavaConnect({ bootstrap, dir: path.join(dir, 'java'), port, classpath: cp.classpath })
    const r = await fetch(`${java.url}/connectors/telemetry-mirror/config`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        'connector.class': 'org.apache.kafka.connect.mirror.MirrorSourceConnector',
        'tasks.max': '1',
        'source.cluster.alias': 'up',
        'target.cluster.alias': 'down',
        'source.cluster.bootstrap.servers': bootstrap,
        'target.cluster.bootstrap.servers': bootstrap,
        topics: topic,
        'key.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
        'value.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
        'header.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
        'replication.factor': '1',
        'offset-syncs.topic.replication.factor': '1',
        'sync.topic.acls.enabled': 'false',
        'sync.topic.configs.enabled': 'false',
        'refresh.topics.interval.seconds': '1',
      }),
    })
    assert.ok(r.status < 300, `Java accepted MirrorSourceConnector: ${r.status} ${await r.text()}`)
    writeFileSync(
      path.join(dir, 'in.txt'),
      `${Array.from({ length: LINES }, (_, i) => `line-${i}`).join('\n')}\n`,
    )
    const props = (name: string, lines: string[]) =>
      writeFileSync(path.join(dir, name), `${lines.join('\n')}\n`)
    props('worker.properties', [
      `bootstrap.servers=${bootstrap}`,
      'key.converter=org.apache.kafka.connect.storage.StringConverter',
      'value.converter=org.apache.kafka.connect.storage.StringConverter',
      `offset.storage.file.filename=${path.join(dir, 'offsets')}`,
      // The sink's commit ends each record's trace: commit every second, not every minute.
      'offset.flush.interval.ms=1000',
      `listeners=http://127.0.0.1:${await freePort()}`,
      `telemetry.otlp.endpoint=${collector.endpoint}`,
      'telemetry.otlp.metrics.interval.ms=60000',
      // 10 %: about 20 of the 200 records get a trace.
      'telemetry.traces.sample.ratio=0.1',
    ])
    props('source.properties', [
      'name=tele-hop-src',
      'connector.class=FileStreamSource',
      `file=${path.join(dir, 'in.txt')}`,
      `topic=${topic}`,
    ])
    props('sink.properties', [
      'name=tele-hop-snk',
      'connector.class=FileStreamSink',
      `file=${path.join(dir, 'out.txt')}`,
      `topics=${mirrored()}`,
    ])
    worker = startStandalone(
      dir,
      ['worker.properties', 'source.properties', 'sink.properties'],
      'worker.log',
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: '',
        OTEL_TRACES_EXPORTER: '',
        OTEL_METRICS_EXPORTER: '',
      },
    )
    await waitUntil(
      () => fileLines(path.join(dir, 'out.txt')).length >= LINES,
      `${LINES} lines through the Java mirror into the sink file`,
      120_000,
      worker,
    )
  })

  after(async () => {
    await stopStandalone(worker)
    await java?.stop()
    await collector?.stop()
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
  })

  test('the sink’s process span (up.t) is the child of the source’s send span (t)', async () => {
    let spans: DebugSpan[] = []
    const find = (): { send: DebugSpan; process: DebugSpan } | undefined => {
      const byId = new Map(spans.map((s) => [s.id, s]))
      for (const p of spans) {
        if (p.name !== `process ${mirrored()}`) continue
        if (!spans.some((c) => c.name === 'commit' && c.parentId === p.id)) continue
        const send = byId.get(p.parentId)
        if (send !== undefined) return { send, process: p }
      }
      return undefined
    }
    const count = (name: string): number => spans.filter((s) => s.name === name).length
    // Every traced record that reached the sink kept its trace through Java: as many processes as sends
    // (spans leave in batches, so wait for the last ones).
    await waitUntil(
      () => {
        spans = collector!.spans()
        return find() !== undefined && count(`process ${mirrored()}`) === count(`send ${topic}`)
      },
      'a process span of the mirrored topic for each send span',
      60_000,
      worker,
    )
    const { send, process } = find()!
    assert.equal(send.name, `send ${topic}`, 'the parent is the Sluice source’s send span')
    assert.equal(process.traceId, send.traceId)
    assert.equal(process.attributes['messaging.destination.name'], mirrored())
    const root = spans.find((s) => s.id === send.parentId)
    assert.equal(root?.name, `create ${topic}`)
    const sends = count(`send ${topic}`)
    assert.ok(sends > 0 && sends < LINES / 2, `${sends} of ${LINES} records traced at 10 %`)
  })
})
