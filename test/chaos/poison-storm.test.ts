import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { after, describe, test } from 'node:test'
import { produceRecords, readTopic, type TestRecord } from '../src/produce.js'
import { runConnector, startTestWorker, uniqueTopic } from '../src/worker-harness.js'

// Chaos: 10 000 poison records interleaved with 100 000 good ones under errors.tolerance=all. Every
// poison must land in the DLQ with its context headers, every good one in the sink, in order, and the
// pipeline must never stall (it is watched for progress all along, not only at the end).

const GOOD = 100_000
const POISON = 10_000
const STALL_MS = 30_000

describe('chaos: a poison storm under errors.tolerance=all', () => {
  const started = startTestWorker()
  after(async () => (await started).worker.stop())

  test(`${POISON} poison among ${GOOD} good records: all good delivered, all poison in the DLQ, no stall`, async () => {
    const { worker, listener, dir } = await started
    const name = uniqueTopic('chaos')
    const topic = uniqueTopic('chaos-in')
    const dlq = uniqueTopic('chaos-dlq')
    const every = GOOD / POISON // one poison after every 10 good records
    const records: TestRecord[] = []
    const poisonOffsets: number[] = []
    for (let g = 0; g < GOOD; g++) {
      records.push({ value: `{"g":${g}}` })
      if ((g + 1) % every === 0) {
        poisonOffsets.push(records.length)
        // Alternate the kinds of poison: bad JSON and a truncated document.
        records.push({ value: poisonOffsets.length % 2 === 0 ? `NOT-JSON-${g}` : `{"g":${g}` })
      }
    }
    await produceRecords(topic, records)
    const file = path.join(dir, `${name}.txt`)
    await runConnector(worker, name, {
      'connector.class': 'FileStreamSink',
      topics: topic,
      file,
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'false',
      'errors.tolerance': 'all',
      'errors.deadletterqueue.topic.name': dlq,
      'errors.deadletterqueue.topic.replication.factor': '1',
      'errors.deadletterqueue.context.headers.enable': 'true',
    })
    const lines = () => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').length - 1 : 0)
    let last = -1
    let lastChange = Date.now()
    while (lines() < GOOD) {
      const n = lines()
      if (n !== last) {
        last = n
        lastChange = Date.now()
      }
      assert.ok(Date.now() - lastChange < STALL_MS, `the sink stalled at ${n} of ${GOOD} records`)
      assert.notEqual(listener.taskStates(name).at(-1), 'FAILED', 'the task failed')
      await new Promise((r) => setTimeout(r, 250))
    }
    const out = readFileSync(file, 'utf8').split('\n').slice(0, -1)
    assert.equal(out.length, GOOD)
    for (let g = 0; g < GOOD; g++) if (out[g] !== `{g=${g}}`) assert.fail(`line ${g} is ${out[g]}`)
    const dead = await readTopic(dlq, POISON, 120_000)
    assert.equal(dead.length, POISON, 'every poison record is in the DLQ')
    for (const [i, r] of dead.entries()) {
      const h = new Map(r.headers.map(([k, v]) => [k, v.toString('utf8')]))
      if (h.get('__connect.errors.offset') !== String(poisonOffsets[i]))
        assert.fail(
          `DLQ record ${i}: offset header ${h.get('__connect.errors.offset')}, want ${poisonOffsets[i]}`,
        )
      if (h.get('__connect.errors.stage') !== 'VALUE_CONVERTER') assert.fail(`DLQ record ${i}: stage header`)
      if (r.value?.toString('utf8') !== records[poisonOffsets[i]!]!.value)
        assert.fail(`DLQ record ${i}: value`)
    }
    assert.deepEqual(
      listener.taskStates(name).filter((s) => s !== 'RUNNING'),
      [],
      'never restarted, never failed',
    )
    await worker.stopTasks([{ connector: name, task: 0 }])
  })
})
