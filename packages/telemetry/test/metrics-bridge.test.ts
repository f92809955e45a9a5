import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus'
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics'
import { CATALOG, CHANNELS, channel, MetricsBridge, prometheusName } from '../src/index.js'

/** A pull reader: the CLI's Prometheus endpoint works the same way. */
class PullReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

function setup(now: { t: number }) {
  const reader = new PullReader()
  const provider = new MeterProvider({ readers: [reader] })
  const bridge = new MetricsBridge({
    meter: provider.getMeter('test'),
    stats: { now: () => now.t, windowMs: 30_000, samples: 2 },
  }).start()
  const scrape = async (): Promise<string> => {
    const { resourceMetrics } = await reader.collect()
    return new PrometheusSerializer('', false, undefined, true, true).serialize(resourceMetrics)
  }
  return { bridge, scrape, close: () => bridge.stop() }
}

/** The value of one Prometheus series, found by name and a label subset. */
function series(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue
    const ok = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))
    if (ok) return Number(line.slice(line.lastIndexOf(' ') + 1))
  }
  return undefined
}

/** Asserts the value of every series named in `expected` (with `labels`). */
function assertSeries(text: string, labels: Record<string, string>, expected: Record<string, number>): void {
  const got = Object.fromEntries(Object.keys(expected).map((name) => [name, series(text, name, labels)]))
  assert.deepEqual(got, expected)
}

describe('MetricsBridge', () => {
  it('exports source-task metrics under the JMX exporter names, with Kafka tags', async () => {
    const now = { t: 1_000_000 }
    const { scrape, close } = setup(now)
    try {
      const ref = { connector: 'src', task: 0 }
      channel(CHANNELS.taskState).publish({ ...ref, state: 'RUNNING', time: now.t })
      channel(CHANNELS.sourceBatchPolled).publish({
        ...ref,
        polled: 100,
        sent: 98,
        pollStart: now.t,
        pollMs: 4,
        transformMs: 1,
        convertMs: 2,
      })
      channel(CHANNELS.sourceBatchPolled).publish({
        ...ref,
        polled: 50,
        sent: 50,
        pollStart: now.t,
        pollMs: 8,
        transformMs: 1,
        convertMs: 2,
      })
      channel(CHANNELS.sourceBatchProduced).publish({ ...ref, records: 98, polled: 100, produceMs: 12 })
      now.t += 10_000
      const text = await scrape()
      const tags = { connector: 'src', task: '0' }
      assert.equal(series(text, 'kafka_connect_source_task_metrics_source_record_poll_total', tags), 150)
      assert.equal(series(text, 'kafka_connect_source_task_metrics_source_record_write_total', tags), 98)
      // Kafka's Rate: 10 s elapsed is fewer than (samples - 1) = 1 full window, so one window (30 s) is
      // added to the elapsed time: 150 / 40 s.
      assertSeries(text, tags, {
        kafka_connect_source_task_metrics_source_record_poll_rate: 3.75,
        kafka_connect_source_task_metrics_poll_batch_max_time_ms: 8,
        kafka_connect_source_task_metrics_poll_batch_avg_time_ms: 6,
        kafka_connect_source_task_metrics_source_record_active_count: 50,
      })
      assert.equal(
        series(text, 'kafka_connect_source_task_metrics_source_record_active_count_max', tags),
        150,
      )
      assert.equal(
        series(text, 'kafka_connect_connector_task_metrics_status', { ...tags, status: 'running' }),
        1,
      )
      assert.equal(
        series(text, 'kafka_connect_connector_task_metrics_status', { ...tags, status: 'paused' }),
        0,
      )
      assert.match(text, /# TYPE kafka_connect_source_task_metrics_source_record_poll_total counter/)
      assert.match(text, /# TYPE kafka_connect_source_task_metrics_source_record_poll_rate gauge/)
      // One histogram observation per batch and stage.
      assert.equal(
        series(text, 'sluice_task_stage_duration_count', { ...tags, stage: 'poll' }),
        2,
        'two poll batches measured',
      )
      assert.equal(series(text, 'sluice_task_stage_duration_sum', { ...tags, stage: 'produce' }), 12)
      // Samples older than samples × window are gone: the rate falls back to 0, totals stay.
      now.t += 61_000
      const later = await scrape()
      assert.equal(series(later, 'kafka_connect_source_task_metrics_source_record_poll_rate', tags), 0)
      assert.equal(series(later, 'kafka_connect_source_task_metrics_source_record_poll_total', tags), 150)
    } finally {
      close()
    }
  })

  it('counts sink reads, puts, commits, lag, errors and the dead letter queue', async () => {
    const now = { t: 5_000_000 }
    const { scrape, close } = setup(now)
    try {
      const ref = { connector: 'snk', task: 1 }
      channel(CHANNELS.sinkPartitions).publish({ ...ref, count: 2 })
      channel(CHANNELS.sinkBatchRead).publish({ ...ref, records: 10 })
      channel(CHANNELS.sinkBatchPut).publish({
        ...ref,
        read: 10,
        sent: 7,
        convertMs: 1,
        transformMs: 1,
        putMs: 30,
      })
      // Two batches' increments add up; the timestamp is the latest failure's.
      channel(CHANNELS.recordErrors).publish({
        ...ref,
        failures: 3,
        errors: 2,
        skipped: 2,
        retries: 1,
        logged: 2,
        dlqRequests: 2,
        dlqFailures: 0,
        lastErrorTime: 42,
      })
      channel(CHANNELS.recordErrors).publish({
        ...ref,
        failures: 1,
        errors: 1,
        skipped: 1,
        retries: 0,
        logged: 1,
        dlqRequests: 1,
        dlqFailures: 1,
        lastErrorTime: 40,
      })
      channel(CHANNELS.offsetCommit).publish({ ...ref, kind: 'sink', outcome: 'completed', durationMs: 5 })
      channel(CHANNELS.offsetCommit).publish({ ...ref, kind: 'sink', outcome: 'failed', durationMs: 7 })
      channel(CHANNELS.offsetCommit).publish({ ...ref, kind: 'sink', outcome: 'skipped', durationMs: 0 })
      channel(CHANNELS.sinkLag).publish({
        ...ref,
        partitions: [
          { topic: 't', partition: 0, lag: 4 },
          { topic: 't', partition: 1, lag: 9 },
        ],
      })
      const text = await scrape()
      const tags = { connector: 'snk', task: '1' }
      assertSeries(text, tags, {
        kafka_connect_sink_task_metrics_sink_record_read_total: 10,
        kafka_connect_sink_task_metrics_sink_record_send_total: 7,
        kafka_connect_sink_task_metrics_put_batch_max_time_ms: 30,
        kafka_connect_sink_task_metrics_partition_count: 2,
        kafka_connect_sink_task_metrics_offset_commit_completion_total: 1,
        kafka_connect_sink_task_metrics_offset_commit_skip_total: 1,
        kafka_connect_sink_task_metrics_offset_commit_seq_no: 2,
      })
      assert.equal(
        series(text, 'kafka_connect_connector_task_metrics_offset_commit_success_percentage', tags),
        0.5,
      )
      assert.equal(series(text, 'kafka_connect_sink_task_metrics_sink_record_lag_max', tags), 9)
      assert.equal(
        series(text, 'kafka_connect_sluice_sink_task_metrics_consumer_lag', { ...tags, partition: '1' }),
        9,
      )
      assertSeries(text, tags, {
        kafka_connect_task_error_metrics_total_record_failures: 4,
        kafka_connect_task_error_metrics_total_errors_logged: 3,
        kafka_connect_task_error_metrics_total_record_errors: 3,
        kafka_connect_task_error_metrics_total_records_skipped: 3,
        kafka_connect_task_error_metrics_total_retries: 1,
        kafka_connect_task_error_metrics_deadletterqueue_produce_requests: 3,
        kafka_connect_task_error_metrics_deadletterqueue_produce_failures: 1,
        kafka_connect_task_error_metrics_last_error_timestamp: 42,
      })
    } finally {
      close()
    }
  })

  it('keeps worker and rebalance groups: counts, startups, task states', async () => {
    const now = { t: 9_000_000 }
    const { scrape, close, bridge } = setup(now)
    try {
      channel(CHANNELS.connectorState).publish({ connector: 'a', state: 'RUNNING', time: now.t })
      channel(CHANNELS.connectorStartup).publish({ connector: 'a', ok: true })
      for (const task of [0, 1]) {
        channel(CHANNELS.taskStartup).publish({ connector: 'a', task, ok: task === 0 })
        channel(CHANNELS.taskState).publish({
          connector: 'a',
          task,
          state: task === 0 ? 'RUNNING' : 'FAILED',
          time: now.t,
        })
      }
      channel(CHANNELS.rebalance).publish({ phase: 'started', time: now.t, epoch: 3 })
      channel(CHANNELS.rebalance).publish({
        phase: 'completed',
        time: now.t + 250,
        epoch: 3,
        protocol: 'sessioned',
        leader: 'http://w1:8083/',
      })
      now.t += 1000
      const text = await scrape()
      assert.equal(series(text, 'kafka_connect_connect_worker_metrics_connector_count'), 1)
      assert.equal(series(text, 'kafka_connect_connect_worker_metrics_task_count'), 2)
      assert.equal(series(text, 'kafka_connect_connect_worker_metrics_task_startup_failure_total'), 1)
      assert.equal(series(text, 'kafka_connect_connect_worker_metrics_task_startup_success_percentage'), 0.5)
      assert.equal(
        series(text, 'kafka_connect_connect_worker_metrics_connector_failed_task_count', { connector: 'a' }),
        1,
      )
      assert.equal(
        series(text, 'kafka_connect_connect_worker_metrics_connector_running_task_count', { connector: 'a' }),
        1,
      )
      assert.equal(
        series(text, 'kafka_connect_connector_metrics_status', { connector: 'a', status: 'running' }),
        1,
      )
      assert.equal(
        series(text, 'kafka_connect_connect_worker_rebalance_metrics_completed_rebalances_total'),
        1,
      )
      assert.equal(series(text, 'kafka_connect_connect_worker_rebalance_metrics_rebalance_max_time_ms'), 250)
      assert.equal(series(text, 'kafka_connect_connect_worker_rebalance_metrics_epoch'), 3)
      assert.equal(
        series(text, 'kafka_connect_connect_worker_rebalance_metrics_leader_name', {
          leader: 'http://w1:8083/',
        }),
        1,
      )
      assert.equal(
        series(text, 'kafka_connect_connect_worker_rebalance_metrics_connect_protocol', {
          protocol: 'sessioned',
        }),
        1,
      )
      assert.equal(
        series(text, 'kafka_connect_connect_worker_rebalance_metrics_time_since_last_rebalance_ms'),
        750,
      )
      // A removed task's groups are gone, as Kafka closes them.
      channel(CHANNELS.taskRemoved).publish({ connector: 'a', task: 1 })
      assert.equal(series(await scrape(), 'kafka_connect_connect_worker_metrics_task_count'), 1)
      assert.equal(bridge.metrics.values().filter((v) => v.tags.task === '1').length, 0)
    } finally {
      close()
    }
  })

  it('emits only catalog metrics, and the catalog names are unique', () => {
    const now = { t: 1 }
    const { bridge, close } = setup(now)
    try {
      const ref = { connector: 'c', task: 0 }
      channel(CHANNELS.sourceBatchPolled).publish({
        ...ref,
        polled: 1,
        sent: 1,
        pollStart: 0,
        pollMs: 1,
        transformMs: 0,
        convertMs: 0,
      })
      channel(CHANNELS.sourceBacklog).publish({ ...ref, records: 5, bytes: 100 })
      channel(CHANNELS.rebalance).publish({
        phase: 'completed',
        time: 1,
        epoch: 1,
        protocol: 'sessioned',
        leader: 'http://w:8083/',
      })
      channel(CHANNELS.sinkBatchRead).publish({ connector: 'd', task: 0, records: 1 })
      channel(CHANNELS.sinkLag).publish({
        connector: 'd',
        task: 0,
        partitions: [{ topic: 't', partition: 0, lag: 1 }],
      })
      channel(CHANNELS.connectorState).publish({ connector: 'c', state: 'RUNNING', time: 1 })
      const known = new Set(CATALOG.map((s) => `${s.group}/${s.name}`))
      const emitted = new Set(bridge.metrics.values().map((v) => `${v.group}/${v.name}`))
      for (const e of emitted) assert.ok(known.has(e), `${e} is not in the catalog`)
      assert.equal(emitted.size, known.size, 'every catalog metric is emitted by some group')
      const names = CATALOG.map(prometheusName)
      assert.equal(new Set(names).size, names.length)
    } finally {
      close()
    }
  })

  it('publishing costs nothing without subscribers and stops after stop()', () => {
    const now = { t: 1 }
    const { bridge, close } = setup(now)
    close()
    channel(CHANNELS.sinkBatchRead).publish({ connector: 'x', task: 0, records: 1 })
    assert.equal(bridge.metrics.values().filter((v) => v.tags.connector === 'x').length, 0)
  })
})
