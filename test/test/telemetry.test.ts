import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { ensureBroker, repoRoot, uniqueTopic } from '../src/broker.js'
import { poisonCorpus } from '../src/poison-corpus.js'
import { produceRecords, readTopic } from '../src/produce.js'
import { fileLines, startStandalone, stopStandalone, type Worker, waitUntil } from '../src/standalone.js'
import {
  type DebugSpan,
  type OtelCollector,
  type PrometheusServer,
  telemetryServers,
} from '../src/telemetry-servers.js'

// One `sluice standalone` moving a file through Kafka into another file, watched by a real Prometheus
// server (scraping GET /metrics every second) and exporting OTLP to a real OpenTelemetry Collector.
// Some lines are not JSON: the sink's JsonConverter fails on them and errors.tolerance=all skips them,
// so the error counters have something exact to match.
const LINES = 400
const isPoison = (i: number): boolean => i % 57 === 13
const POISON = Array.from({ length: LINES }, (_, i) => i).filter(isPoison).length
// The poison corpus of "Delivery you can trust" (error-handling.test.ts) through a sink with a DLQ,
// and three lines a source cannot convert (IntegerConverter) through a source with one.
const CORPUS_POISON = poisonCorpus.filter((r) => r.poison !== false).length
const SOURCE_POISON = ['alpha', 'beta', 'gamma']
const DASHBOARD = path.join(repoRoot, 'packages', 'telemetry', 'dashboards', 'sluice-kafka-connect.json')

interface Panel {
  readonly title: string
  readonly targets?: ReadonlyArray<{ readonly expr: string }>
}

describe('telemetry: Prometheus, the dashboard and one trace per record', () => {
  let dir: string
  let worker: Worker | undefined
  let prometheus: PrometheusServer | undefined
  let collector: OtelCollector | undefined
  let restPort: number
  let topic: string
  const sourceName = `tele-src-${process.pid}`
  const sinkName = `tele-snk-${process.pid}`
  const dlqSinkName = `tele-dlq-snk-${process.pid}`
  const dlqSourceName = `tele-dlq-src-${process.pid}`
  let corpusTopic: string
  let sinkDlq: string
  let sourceDlq: string
  const startedAt = Date.now()

  before(async () => {
    const bootstrap = ensureBroker()
    const servers = await telemetryServers()
    dir = mkdtempSync(path.join(tmpdir(), 'sluice-telemetry-'))
    topic = uniqueTopic('telemetry')
    corpusTopic = uniqueTopic('telemetry-corpus')
    sinkDlq = uniqueTopic('telemetry-sink-dlq')
    sourceDlq = uniqueTopic('telemetry-source-dlq')
    await produceRecords(corpusTopic, poisonCorpus)
    writeFileSync(path.join(dir, 'poison.txt'), `${SOURCE_POISON.join('\n')}\n`)
    const dlqKeys = (dlq: string): string[] => [
      'errors.tolerance=all',
      'errors.log.enable=true',
      `errors.deadletterqueue.topic.name=${dlq}`,
      'errors.deadletterqueue.topic.replication.factor=1',
      'errors.deadletterqueue.context.headers.enable=true',
    ]
    writeFileSync(
      path.join(dir, 'dlq-sink.properties'),
      [
        `name=${dlqSinkName}`,
        'connector.class=FileStreamSink',
        `file=${path.join(dir, 'corpus-out.txt')}`,
        `topics=${corpusTopic}`,
        'value.converter=org.apache.kafka.connect.json.JsonConverter',
        'value.converter.schemas.enable=true',
        'header.converter=org.apache.kafka.connect.json.JsonConverter',
        'header.converter.schemas.enable=false',
        ...dlqKeys(sinkDlq),
        '',
      ].join('\n'),
    )
    writeFileSync(
      path.join(dir, 'dlq-source.properties'),
      [
        `name=${dlqSourceName}`,
        'connector.class=FileStreamSource',
        `file=${path.join(dir, 'poison.txt')}`,
        `topic=${uniqueTopic('telemetry-never')}`,
        'value.converter=org.apache.kafka.connect.converters.IntegerConverter',
        ...dlqKeys(sourceDlq),
        '',
      ].join('\n'),
    )
    collector = await servers.startOtelcol()
    restPort = await servers.freePort()
    prometheus = await servers.startPrometheus({ targets: [`127.0.0.1:${restPort}`], intervalMs: 1000 })
    const lines = Array.from({ length: LINES }, (_, i) =>
      isPoison(i) ? `poison ${i}` : JSON.stringify({ n: i }),
    )
    writeFileSync(path.join(dir, 'in.txt'), `${lines.join('\n')}\n`)
    writeFileSync(
      path.join(dir, 'worker.properties'),
      [
        `bootstrap.servers=${bootstrap}`,
        'key.converter=org.apache.kafka.connect.storage.StringConverter',
        'value.converter=org.apache.kafka.connect.storage.StringConverter',
        `offset.storage.file.filename=${path.join(dir, 'offsets')}`,
        'offset.flush.interval.ms=1000',
        `listeners=http://127.0.0.1:${restPort}`,
        `telemetry.otlp.endpoint=${collector.endpoint}`,
        'telemetry.otlp.metrics.interval.ms=1000',
        // 5 %: about 20 of the 400 records get a trace; that none does has a probability of 1e-9.
        'telemetry.traces.sample.ratio=0.05',
        '',
      ].join('\n'),
    )
    writeFileSync(
      path.join(dir, 'source.properties'),
      [
        `name=${sourceName}`,
        'connector.class=FileStreamSource',
        'tasks.max=1',
        `file=${path.join(dir, 'in.txt')}`,
        `topic=${topic}`,
        '',
      ].join('\n'),
    )
    writeFileSync(
      path.join(dir, 'sink.properties'),
      [
        `name=${sinkName}`,
        'connector.class=FileStreamSink',
        'tasks.max=1',
        `file=${path.join(dir, 'out.txt')}`,
        `topics=${topic}`,
        'value.converter=org.apache.kafka.connect.json.JsonConverter',
        'value.converter.schemas.enable=false',
        'errors.tolerance=all',
        '',
      ].join('\n'),
    )
    worker = startStandalone(
      dir,
      [
        'worker.properties',
        'source.properties',
        'sink.properties',
        'dlq-sink.properties',
        'dlq-source.properties',
      ],
      'worker.log',
      {
        // The worker's keys are what counts here, not a developer's shell.
        OTEL_EXPORTER_OTLP_ENDPOINT: '',
        OTEL_TRACES_EXPORTER: '',
        OTEL_METRICS_EXPORTER: '',
      },
    )
    await waitUntil(
      () => fileLines(path.join(dir, 'out.txt')).length >= LINES - POISON,
      `${LINES - POISON} lines in the sink file`,
      120_000,
      worker,
    )
  })

  after(async () => {
    await stopStandalone(worker)
    await prometheus?.stop()
    await collector?.stop()
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
  })

  /** The single value of an instant query (throws unless exactly one series answers). */
  async function value(q: string): Promise<number> {
    const r = await prometheus!.query(q)
    assert.equal(r.length, 1, `${q} should return one series, got ${JSON.stringify(r)}`)
    return Number(r[0]!.value[1])
  }

  test('Prometheus scrapes GET /metrics and the counts match the records moved', async () => {
    const tags = (c: string): string => `{connector="${c}",task="0"}`
    await waitUntil(
      async () =>
        (
          await prometheus!.query(`kafka_connect_sink_task_metrics_sink_record_send_total${tags(sinkName)}`)
        )[0]?.value[1] === String(LINES - POISON),
      'Prometheus to scrape the final sink count',
      60_000,
      worker,
    )
    const [target] = await prometheus!.targets()
    assert.equal(target?.health, 'up', `scrape target: ${JSON.stringify(target)}`)
    assert.equal(
      await value(`kafka_connect_source_task_metrics_source_record_poll_total${tags(sourceName)}`),
      LINES,
    )
    assert.equal(
      await value(`kafka_connect_source_task_metrics_source_record_write_total${tags(sourceName)}`),
      LINES,
    )
    assert.equal(
      await value(`kafka_connect_sink_task_metrics_sink_record_read_total${tags(sinkName)}`),
      LINES,
    )
    assert.equal(
      await value(`kafka_connect_sink_task_metrics_sink_record_send_total${tags(sinkName)}`),
      LINES - POISON,
    )
    assert.equal(await value(`kafka_connect_task_error_metrics_total_record_errors${tags(sinkName)}`), POISON)
    assert.equal(
      await value(`kafka_connect_task_error_metrics_total_records_skipped${tags(sinkName)}`),
      POISON,
    )
    assert.equal(await value(`kafka_connect_task_error_metrics_total_record_errors${tags(sourceName)}`), 0)
    assert.equal(await value('kafka_connect_connect_worker_metrics_connector_count'), 4)
    assert.equal(await value('kafka_connect_connect_worker_metrics_task_startup_success_total'), 4)
    assert.equal(
      await value(`kafka_connect_connector_task_metrics_status{connector="${sinkName}",status="running"}`),
      1,
    )
    // The file source's backlog (a Sluice extension): every byte of its file was read.
    await waitUntil(
      async () =>
        (
          await prometheus!.query(
            `kafka_connect_sluice_source_task_metrics_source_backlog_bytes${tags(sourceName)}`,
          )
        )[0]?.value[1] === '0',
      'source backlog 0 bytes',
      30_000,
      worker,
    )
    // The sink caught up: no lag left on the topic's single partition.
    await waitUntil(
      async () =>
        (await prometheus!.query(`kafka_connect_sluice_sink_task_metrics_consumer_lag{topic="${topic}"}`))[0]
          ?.value[1] === '0',
      'consumer lag 0',
      40_000,
      worker,
    )
  })

  test('error and DLQ counters equal what reached the dead letter queues (GET /metrics and Prometheus)', async () => {
    // What the broker holds is the truth the counters must match.
    const sinkDead = await readTopic(sinkDlq, CORPUS_POISON, 60_000)
    const sourceDead = await readTopic(sourceDlq, SOURCE_POISON.length, 60_000)
    assert.equal(sinkDead.length, CORPUS_POISON)
    assert.equal(sourceDead.length, SOURCE_POISON.length)
    const expected = (n: number) => ({
      total_record_failures: n,
      total_record_errors: n,
      total_records_skipped: n,
      total_retries: 0,
      total_errors_logged: n,
      deadletterqueue_produce_requests: n,
      deadletterqueue_produce_failures: 0,
    })
    const tags = (c: string): string => `{connector="${c}",task="0"}`
    // GET /metrics, as an operator's curl sees it.
    const scrape = async (c: string): Promise<Record<string, number>> => {
      const text = await (await fetch(`http://127.0.0.1:${restPort}/metrics`)).text()
      const out: Record<string, number> = {}
      for (const m of text.matchAll(/^kafka_connect_task_error_metrics_(\w+)(\{[^}]*\}) (\S+)$/gm))
        if (m[2] === tags(c)) out[m[1]!] = Number(m[3])
      return out
    }
    for (const [c, n] of [
      [dlqSinkName, sinkDead.length],
      [dlqSourceName, sourceDead.length],
    ] as const) {
      let got: Record<string, number> = {}
      await waitUntil(
        async () => {
          got = await scrape(c)
          return got.deadletterqueue_produce_requests === n
        },
        `${c}: ${n} DLQ requests at GET /metrics`,
        30_000,
        worker,
      )
      const { last_error_timestamp: last, ...counts } = got
      assert.deepEqual(counts, expected(n), `${c}: task-error-metrics at GET /metrics`)
      assert.ok(last! >= startedAt && last! <= Date.now(), `${c}: last-error-timestamp ${last}`)
      // And Prometheus, which scraped the same endpoint.
      await waitUntil(
        async () =>
          (
            await prometheus!.query(
              `kafka_connect_task_error_metrics_deadletterqueue_produce_requests${tags(c)}`,
            )
          )[0]?.value[1] === String(n),
        `${c}: Prometheus scraped ${n} DLQ requests`,
        30_000,
        worker,
      )
      assert.equal(await value(`kafka_connect_task_error_metrics_total_records_skipped${tags(c)}`), n)
      assert.equal(await value(`kafka_connect_task_error_metrics_total_record_errors${tags(c)}`), n)
    }
    // The sink without a DLQ: skipped and errors counted, no DLQ request, nothing logged.
    assert.equal(
      await value(`kafka_connect_task_error_metrics_deadletterqueue_produce_requests${tags(sinkName)}`),
      0,
    )
    assert.equal(await value(`kafka_connect_task_error_metrics_total_errors_logged${tags(sinkName)}`), 0)
  })

  test('every PromQL query of the Grafana dashboard returns data', async () => {
    // rate() needs two samples in its window: let Prometheus scrape the finished pipeline a few times.
    await waitUntil(
      async () =>
        Number(
          (
            await prometheus!.query(
              `count_over_time(kafka_connect_sink_task_metrics_sink_record_send_total{connector="${sinkName}"}[30s])`,
            )
          )[0]?.value[1] ?? 0,
        ) >= 3,
      'three scrapes of the sink task',
      40_000,
      worker,
    )
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Panel[] }
    const queries = dashboard.panels.flatMap((p) =>
      (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })),
    )
    assert.ok(queries.length >= 30, `dashboard has ${queries.length} queries`)
    const empty: string[] = []
    for (const q of queries) {
      // Grafana's variables as Grafana would fill them for "All" and a 1 s scrape interval.
      const expr = q.expr.replaceAll('$connector', '.*').replaceAll('$__rate_interval', '30s')
      const result = await prometheus!.query(expr)
      if (result.length === 0) empty.push(`${q.panel}: ${q.expr}`)
    }
    assert.deepEqual(empty, [], 'queries without data')
  })

  test('the OTLP receiver gets the spans of a record from source poll to sink commit, correctly parented', async () => {
    let spans: DebugSpan[] = []
    await waitUntil(
      () => {
        spans = collector!.spans()
        return spans.some((s) => s.name === 'commit')
      },
      'a commit span at the collector',
      60_000,
      worker,
    )
    const byId = new Map(spans.map((s) => [s.id, s]))
    const process = spans.find(
      (s) => s.name === `process ${topic}` && spans.some((c) => c.name === 'commit' && c.parentId === s.id),
    )
    assert.ok(process, `a process span with a commit child among ${spans.length} spans`)
    const send = byId.get(process.parentId)
    assert.equal(send?.name, `send ${topic}`, 'the sink continues the source worker’s send span')
    const root = byId.get(send!.parentId)
    assert.equal(root?.name, `create ${topic}`)
    assert.equal(root!.parentId, '', 'the record’s trace starts at the source')
    const trace = spans.filter((s) => s.traceId === root!.traceId)
    const children = (parent: DebugSpan): string[] =>
      trace
        .filter((s) => s.parentId === parent.id)
        .map((s) => s.name)
        .sort()
    assert.deepEqual(children(root!), ['convert', 'poll', `send ${topic}`, 'transform'])
    assert.deepEqual(children(process), ['commit', 'consume', 'convert', 'put', 'transform'])
    // The record's coordinates: the sink's process span has them; the source's send span too when its
    // own delivery report gave them (stock binding; the batch produce path acknowledges whole batches).
    const offset = process.attributes['messaging.kafka.offset']
    assert.ok(offset !== undefined && /^\d+$/.test(offset), `process offset ${offset}`)
    const sendOffset = send!.attributes['messaging.kafka.offset']
    assert.ok(sendOffset === undefined || sendOffset === offset, `send offset ${sendOffset}`)
    assert.equal(process.attributes['messaging.destination.partition.id'], '0')
    assert.equal(process.attributes['messaging.destination.name'], topic)
    // Sampling: some records, not all.
    const traced = spans.filter((s) => s.name === `create ${topic}`).length
    assert.ok(traced > 0 && traced < LINES / 2, `${traced} of ${LINES} records traced at 5 %`)
    // Metrics also went over OTLP, under their OpenTelemetry names.
    assert.match(collector!.log(), /kafka\.connect\.source-task-metrics\.source-record-write-total/)
  })
})
