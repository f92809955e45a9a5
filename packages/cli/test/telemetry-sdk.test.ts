import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CHANNELS, channel } from '@sluice/telemetry'
import { CliError } from '../src/cli-error.js'
import { startTelemetry } from '../src/telemetry-sdk.js'

describe('startTelemetry', () => {
  it('renders Kafka Connect metrics as Prometheus text, on its own listener too', async () => {
    const t = await startTelemetry(
      { 'telemetry.metrics.prometheus.listener': 'http://127.0.0.1:0' },
      'w1:8083',
      {},
    )
    try {
      assert.deepEqual(t.otlp, { traces: false, metrics: false })
      channel(CHANNELS.sinkBatchRead).publish({ connector: 'c', task: 3, records: 12 })
      const text = await t.prometheus!()
      assert.match(
        text,
        /^kafka_connect_sink_task_metrics_sink_record_read_total\{connector="c",task="3"\} 12$/m,
      )
      assert.match(text, /# TYPE kafka_connect_sink_task_metrics_sink_record_read_total counter/)
      assert.doesNotMatch(text, /otel_scope_name|target_info/)
      assert.ok(t.prometheusUrl?.startsWith('http://127.0.0.1:'))
      // An unbound port was asked for (0): the URL names the bound one.
      assert.doesNotMatch(t.prometheusUrl!, /:0\//)
      const r = await fetch(t.prometheusUrl!)
      assert.equal(r.status, 200)
      assert.match(r.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/)
      assert.match(await r.text(), /sink_record_read_total\{connector="c",task="3"\} 12/)
      assert.equal((await fetch(t.prometheusUrl!.replace('/metrics', '/other'))).status, 404)
    } finally {
      await t.stop()
    }
  })

  it('turns OTLP on from the worker key or the standard OTEL_* variables, and off with none/disabled', async () => {
    const cases: Array<
      [Record<string, string>, Record<string, string>, { traces: boolean; metrics: boolean }]
    > = [
      [{}, {}, { traces: false, metrics: false }],
      [{ 'telemetry.otlp.endpoint': 'http://127.0.0.1:1' }, {}, { traces: true, metrics: true }],
      [{}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1' }, { traces: true, metrics: true }],
      [
        {},
        { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1', OTEL_METRICS_EXPORTER: 'none' },
        { traces: true, metrics: false },
      ],
      [{}, { OTEL_TRACES_EXPORTER: 'otlp' }, { traces: true, metrics: false }],
      [
        {},
        { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:1/v1/traces' },
        { traces: true, metrics: false },
      ],
      [
        { 'telemetry.otlp.endpoint': 'http://127.0.0.1:1' },
        { OTEL_SDK_DISABLED: 'true' },
        { traces: false, metrics: false },
      ],
    ]
    for (const [props, env, expected] of cases) {
      const t = await startTelemetry({ ...props, 'telemetry.metrics.prometheus.enable': 'false' }, 'w', env)
      try {
        assert.deepEqual(t.otlp, expected, `${JSON.stringify(props)} ${JSON.stringify(env)}`)
        assert.equal(t.prometheus, undefined)
      } finally {
        await t.stop()
      }
    }
  })

  it('publishes nothing when no reader would see it', async () => {
    const t = await startTelemetry({ 'telemetry.metrics.prometheus.enable': 'false' }, 'w', {})
    try {
      assert.equal(channel(CHANNELS.sinkBatchRead).hasSubscribers, false)
    } finally {
      await t.stop()
    }
  })

  it('names the key and the fix for a bad listener', async () => {
    await assert.rejects(
      startTelemetry({ 'telemetry.metrics.prometheus.listener': '127.0.0.1:9464' }, 'w', {}),
      (err: unknown) =>
        err instanceof CliError &&
        /telemetry\.metrics\.prometheus\.listener/.test(err.message) &&
        /http:\/\/127\.0\.0\.1:9464/.test(err.message),
    )
  })
})
