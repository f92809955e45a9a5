import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { test } from 'node:test'
import { freePort } from '../src/ports.js'
import { startStandalone } from '../src/standalone.js'

// A new user's worker pointed at the wrong port used to log "started" and wait forever. Now it retries for
// default.api.timeout.ms, then exits 2 with Kafka's message, the cause and the fix; before that it logs the
// worker keys nothing reads, once, in Kafka's wording.
test('a worker that cannot reach Kafka exits 2 in bounded time with a clear error', {
  timeout: 60_000,
}, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-startup-'))
  const kafkaPort = await freePort()
  const restPort = await freePort()
  writeFileSync(
    path.join(dir, 'worker.properties'),
    [
      `bootstrap.servers=127.0.0.1:${kafkaPort}`,
      'key.converter=org.apache.kafka.connect.json.JsonConverter',
      'value.converter=org.apache.kafka.connect.json.JsonConverter',
      `offset.storage.file.filename=${dir}/connect.offsets`,
      `listeners=http://127.0.0.1:${restPort}`,
      'default.api.timeout.ms=3000',
      'offset.flush.interval=1000',
    ].join('\n'),
  )
  const startedAt = Date.now()
  const worker = startStandalone(dir, ['worker.properties'])
  const code = await worker.exited
  const elapsed = Date.now() - startedAt
  const log = readFileSync(worker.logFile, 'utf8')
  assert.equal(code, 2, log)
  // Bounded: the 3 s budget plus process start, far from "forever" (generous for a loaded CI machine).
  assert.ok(elapsed < 45_000, `exited after ${elapsed} ms`)
  assert.match(
    log,
    // The cause chain is the Kafka client's (no broker answered … connect ECONNREFUSED), then the fix.
    /sluice: Failed to connect to and describe Kafka cluster\. Check worker's broker connection and security properties\.\n {2}caused by: [^\n]*127\.0\.0\.1:\d+[\s\S]*connect ECONNREFUSED[\s\S]*fix: /,
  )
  assert.match(
    log,
    new RegExp(
      `fix: start the broker .* or correct bootstrap.servers=127.0.0.1:${kafkaPort} in worker.properties`,
    ),
  )
  assert.match(
    log,
    /WARN Cannot reach the Kafka cluster at [\s\S]*? retrying for up to 3000 ms \(default\.api\.timeout\.ms\)/,
  )
  assert.doesNotMatch(log, /Kafka Connect started/)
  const unused = log.match(
    /These configurations '\[offset\.flush\.interval\]' were supplied but are not used yet\./g,
  )
  assert.equal(unused?.length, 1, log)
})
