import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, describe, test } from 'node:test'
import { freePort, javaClasspath, startJavaConnect } from '../compat/servers.js'
import { differentialCorpus as corpus } from '../src/poison-corpus.js'
import { produceRecords, type ReadRecord, readTopic } from '../src/produce.js'
import { bootstrap, runConnector, startTestWorker, uniqueTopic } from '../src/worker-harness.js'

// The DLQ differential: one poison corpus through Java Kafka Connect (the jars `node scripts/kafka.mjs
// resolve` fetches) and through Sluice, same connector config; the DLQ records must match byte for
// byte — key, value, timestamp, original headers and every `__connect.errors.*` header — except the
// two listed below, which name JavaScript code where Java names Java code.
const LISTED = new Set([
  // The converter's own message: Sluice's JsonConverter words its errors itself (and names the topic).
  '__connect.errors.exception.message',
  // printStackTrace layout on both sides, but the frames are JavaScript's.
  '__connect.errors.exception.stacktrace',
])

const connectorConfig = (topic: string, dlq: string, file: string) => ({
  'connector.class': 'FileStreamSink',
  'tasks.max': '1',
  topics: topic,
  file,
  'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter.schemas.enable': 'true',
  'header.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'header.converter.schemas.enable': 'false',
  'errors.tolerance': 'all',
  'errors.deadletterqueue.topic.name': dlq,
  'errors.deadletterqueue.topic.replication.factor': '1',
  'errors.deadletterqueue.context.headers.enable': 'true',
})

const expected = corpus.filter((r) => r.poison !== false).length

describe('DLQ differential: Java Kafka Connect vs Sluice', () => {
  const cp = javaClasspath()
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-dlq-diff-'))
  const started = startTestWorker()
  after(async () => (await started).worker.stop())

  test('the same poison corpus gives the same DLQ records and headers', async () => {
    assert.ok(cp.classpath !== undefined, `Java Kafka Connect is needed: ${cp.reason}`)
    const topic = uniqueTopic('dlq-diff-in')
    await produceRecords(topic, corpus)

    // Java side.
    const javaName = uniqueTopic('dlq-diff-java')
    const javaDlq = uniqueTopic('dlq-diff-java-dlq')
    const port = await freePort()
    const java = await startJavaConnect({
      bootstrap,
      dir: path.join(dir, 'java'),
      port,
      classpath: cp.classpath,
    })
    let javaRecords: ReadRecord[]
    try {
      const r = await fetch(`${java.url}/connectors/${javaName}/config`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(connectorConfig(topic, javaDlq, path.join(dir, 'java.txt'))),
      })
      assert.ok(r.status < 300, `Java accepted the connector: ${r.status} ${await r.text()}`)
      javaRecords = await readTopic(javaDlq, expected, 60_000)
    } finally {
      await java.stop()
    }

    // Sluice side.
    const { worker } = await started
    const sluiceName = uniqueTopic('dlq-diff-sluice')
    const sluiceDlq = uniqueTopic('dlq-diff-sluice-dlq')
    await runConnector(worker, sluiceName, connectorConfig(topic, sluiceDlq, path.join(dir, 'sluice.txt')))
    const sluiceRecords = await readTopic(sluiceDlq, expected, 60_000)
    await worker.stopTasks([{ connector: sluiceName, task: 0 }])

    const shape = (rs: readonly ReadRecord[], name: string) =>
      rs.map((r) => ({
        key: r.key?.toString('hex') ?? null,
        value: r.value?.toString('hex') ?? null,
        timestamp: r.timestamp,
        headers: r.headers
          .filter(([k]) => !LISTED.has(k))
          .map(([k, v]) => [
            k,
            k === '__connect.errors.connector.name'
              ? v.toString() === name
                ? '<name>'
                : v.toString()
              : v.toString('hex'),
          ]),
        listed: r.headers.filter(([k]) => LISTED.has(k)).map(([k]) => k),
      }))
    const offsetsOf = (rs: readonly ReadRecord[]) =>
      rs.map((r) => r.headers.find(([k]) => k === '__connect.errors.offset')?.[1].toString())
    assert.deepEqual(offsetsOf(sluiceRecords), offsetsOf(javaRecords), 'the same records are dead-lettered')
    assert.deepEqual(shape(sluiceRecords, sluiceName), shape(javaRecords, javaName))
    // The listed headers exist on both sides with Java's exception class prefix in the trace.
    for (const r of sluiceRecords) {
      const trace =
        r.headers.find(([k]) => k === '__connect.errors.exception.stacktrace')?.[1].toString() ?? ''
      assert.match(trace, /^org\.apache\.kafka\.connect\.errors\.DataException: /)
    }
  })
})
