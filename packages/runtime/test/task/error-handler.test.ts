import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ConnectError, DataError, RetriableError } from '@sluice/api'
import {
  defaultErrorHandling,
  type ErrantReport,
  ErrorHandler,
  type ErrorHandlingSpec,
  javaExceptionClass,
  javaStackTrace,
  SKIP,
} from '../../src/task/error-handler.js'

function handler(spec: Partial<ErrorHandlingSpec>) {
  let now = 0
  const sleeps: number[] = []
  const reports: ErrantReport[] = []
  const h = new ErrorHandler(
    { ...defaultErrorHandling, ...spec },
    {
      taskId: 'c-0',
      now: () => now,
      // The injected clock: a sleep moves it forward, so no test waits on the wall clock.
      sleep: async (ms) => {
        sleeps.push(ms)
        now += ms
      },
      signal: new AbortController().signal,
      report: async (r) => {
        reports.push(r)
      },
      classOf: () => 'org.apache.kafka.connect.json.JsonConverter',
    },
  )
  return { h, sleeps, reports }
}

const origin = { topic: 't', partition: 0, offset: 2, timestamp: 5, timestampType: 1 }
const converterError = () =>
  new ConnectError('XC_CONVERTER', 'failed to convert value', {
    stage: 'convert.value',
    cause: new DataError('bad json'),
  })

describe('ErrorHandler (KIP-298 RetryWithToleranceOperator)', () => {
  test('tolerate (a failed source send under tolerance=all): counted, reported, drained with the batch', async () => {
    const { h, reports } = handler({ tolerance: 'all' })
    const error = new ConnectError('XC_KAFKA', 'Unrecoverable exception from producer send callback', {
      stage: 'produce',
    })
    h.tolerate({
      stage: 'KAFKA_PRODUCE',
      executingClass: 'org.apache.kafka.connect.runtime.WorkerSourceTask',
      error,
      origin: undefined,
      raw: { topic: 't' },
    })
    assert.equal(h.skipped, 1)
    await h.drain()
    assert.deepEqual(
      reports.map((r) => [r.stage, r.executingClass, r.error]),
      [['KAFKA_PRODUCE', 'org.apache.kafka.connect.runtime.WorkerSourceTask', error]],
    )
  })

  test("tolerance=none fails with Kafka's message, naming stage, class and record", async () => {
    const { h } = handler({})
    await assert.rejects(
      h.handle(converterError(), () => 1, 'VALUE_CONVERTER', origin),
      (err: ConnectError) =>
        err.code === 'XC_TOLERANCE_EXCEEDED' &&
        err.message.startsWith('Tolerance exceeded in error handler') &&
        /Executing stage 'VALUE_CONVERTER' with class 'org.apache.kafka.connect.json.JsonConverter', where consumed record is \{topic='t', partition=0, offset=2, timestamp=5, timestampType=CreateTime\}\./.test(
          err.message,
        ),
    )
  })

  test("tolerance=all skips the record and reports the plugin's own error", async () => {
    const { h, reports } = handler({ tolerance: 'all' })
    assert.equal(await h.handle(converterError(), () => 1, 'VALUE_CONVERTER', origin), SKIP)
    await h.drain()
    assert.equal(reports.length, 1)
    assert.equal(reports[0]!.stage, 'VALUE_CONVERTER')
    assert.equal(reports[0]!.error.message, 'bad json')
    assert.equal(h.skipped, 1)
  })

  test('a RetriableError is retried with capped exponential backoff until errors.retry.timeout', async () => {
    const { h, sleeps } = handler({ retryTimeoutMs: 5000, retryDelayMaxMs: 1000, tolerance: 'none' })
    let calls = 0
    const op = () => {
      calls++
      throw new RetriableError('not yet')
    }
    await assert.rejects(
      h.handle(new RetriableError('first'), op, 'TRANSFORMATION', undefined),
      /Tolerance exceeded/,
    )
    assert.deepEqual(sleeps.slice(0, 3), [300, 600, 1000], 'doubling from 300 ms, capped at the max delay')
    assert.ok(sleeps.every((s) => s <= 1000))
    assert.ok(sleeps.reduce((a, b) => a + b, 0) <= 5000, 'never past the deadline')
    assert.equal(calls, sleeps.length)
  })

  test('a retry that succeeds returns the result and reports nothing', async () => {
    const { h, reports } = handler({ retryTimeoutMs: 10_000 })
    let n = 0
    const op = () => {
      if (++n < 3) throw new RetriableError('not yet')
      return 'ok'
    }
    assert.equal(await h.handle(new RetriableError('first'), op, 'TRANSFORMATION', undefined), 'ok')
    assert.equal(reports.length, 0)
  })

  test('errors.retry.timeout=0 never retries; non-retriable errors are not retried', async () => {
    const { h, sleeps } = handler({ tolerance: 'all' })
    assert.equal(await h.handle(new RetriableError('x'), () => 1, 'TRANSFORMATION', undefined), SKIP)
    const h2 = handler({ tolerance: 'all', retryTimeoutMs: -1 })
    assert.equal(await h2.h.handle(new DataError('x'), () => 1, 'TRANSFORMATION', undefined), SKIP)
    assert.deepEqual([...sleeps, ...h2.sleeps], [])
  })

  test('stages other than converters and transforms tolerate only retriable errors', async () => {
    const { h } = handler({ tolerance: 'all' })
    await assert.rejects(
      h.handle(new Error('boom'), () => 1, 'TASK_PUT', undefined),
      /Unhandled exception in error handler/,
    )
  })

  test("telemetry: counts as Kafka's RetryWithToleranceOperator does, taken once per batch", async () => {
    const { h } = handler({ tolerance: 'all', retryTimeoutMs: 10_000 })
    assert.equal(h.counts.take(), undefined, 'nothing happened yet')
    // A record skipped at once: one failure, one error, one skip.
    assert.equal(await h.handle(converterError(), () => 1, 'VALUE_CONVERTER', origin), SKIP)
    // A retriable failure whose third retry succeeds: three failures (the first call and two retries),
    // three retries, no error.
    let n = 0
    const op = () => {
      if (++n < 3) throw new RetriableError('not yet')
      return 'ok'
    }
    assert.equal(await h.handle(new RetriableError('first'), op, 'TRANSFORMATION', undefined), 'ok')
    const d = h.counts.take()
    assert.deepEqual(
      { ...d, lastErrorTime: d!.lastErrorTime > 0 },
      {
        failures: 1 + 3,
        errors: 1,
        skipped: 1,
        retries: 3,
        logged: 0,
        dlqRequests: 0,
        dlqFailures: 0,
        lastErrorTime: true,
      },
    )
    assert.equal(h.counts.take(), undefined, 'taking resets')
    // tolerance=none: the error that fails the task is counted before the throw.
    const none = handler({}).h
    await assert.rejects(none.handle(converterError(), () => 1, 'VALUE_CONVERTER', origin))
    assert.deepEqual(
      { failures: none.counts.failures, errors: none.counts.errors, skipped: none.counts.skipped },
      { failures: 1, errors: 1, skipped: 0 },
    )
    // The errant record reporter (KIP-610) counts a failure.
    await none.reportErrant({
      stage: 'TASK_PUT',
      executingClass: 'X',
      error: new Error('e'),
      origin,
      raw: null,
    })
    assert.equal(none.counts.failures, 2)
  })

  test("the log line uses Kafka's wording; messages only with errors.log.include.messages", () => {
    const r: ErrantReport = {
      stage: 'VALUE_CONVERTER',
      executingClass: 'X',
      error: new Error('e'),
      origin,
      raw: null,
    }
    assert.equal(
      handler({}).h.logLine(r),
      "Error encountered in task c-0. Executing stage 'VALUE_CONVERTER' with class 'X'.",
    )
    assert.match(
      handler({ logIncludeMessages: true }).h.logLine(r),
      /where consumed record is \{topic='t', partition=0, offset=2/,
    )
  })

  test("exception class names and stack traces in Java's form", () => {
    assert.equal(javaExceptionClass(new DataError('x')), 'org.apache.kafka.connect.errors.DataException')
    assert.equal(
      javaExceptionClass(new RetriableError('x')),
      'org.apache.kafka.connect.errors.RetriableException',
    )
    assert.equal(
      javaExceptionClass(new ConnectError('XC_CONNECT', 'x')),
      'org.apache.kafka.connect.errors.ConnectException',
    )
    const trace = javaStackTrace(new DataError('outer', { cause: new Error('inner') }))
    assert.match(trace, /^org\.apache\.kafka\.connect\.errors\.DataException: outer\n\tat /)
    assert.match(trace, /\nCaused by: Error: inner\n/)
  })
})
