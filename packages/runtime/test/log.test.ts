import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { connectorContext, hideInLogs, Logger, logTimestamp, setLogSink } from '../src/log.js'

describe('log lines (Kafka Connect layout)', () => {
  test('timestamp, level, connector context, message, logger', () => {
    const lines: string[] = []
    const prev = setLogSink((l) => lines.push(l))
    try {
      const when = new Date(2026, 11, 3, 9, 5, 7, 42).getTime()
      new Logger('org.apache.kafka.connect.runtime.WorkerSinkTask')
        .forTask('my-sink', 0)
        .log('ERROR', 'boom', when)
      assert.deepEqual(lines, [
        '[2026-12-03 09:05:07,042] ERROR [my-sink|task-0] boom (org.apache.kafka.connect.runtime.WorkerSinkTask)',
      ])
      assert.equal(logTimestamp(when), '2026-12-03 09:05:07,042')
      assert.equal(connectorContext('c'), '[c|worker] ')
    } finally {
      setLogSink(prev)
    }
  })

  test('PASSWORD values are never written in a log line', () => {
    const lines: string[] = []
    const prev = setLogSink((l) => lines.push(l))
    try {
      hideInLogs(['s3cr3t-pass'])
      new Logger('x').error('could not connect to jdbc://u:s3cr3t-pass@db: s3cr3t-pass rejected')
      assert.ok(!lines[0]!.includes('s3cr3t-pass'))
      assert.match(lines[0]!, /jdbc:\/\/u:\[hidden\]@db: \[hidden\] rejected/)
    } finally {
      setLogSink(prev)
    }
  })
})
