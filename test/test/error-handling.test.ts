import assert from 'node:assert/strict'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { after, describe, test } from 'node:test'
import { poisonCorpus } from '../src/poison-corpus.js'
import { produceRecords, readTopic } from '../src/produce.js'
import { runConnector, startTestWorker, uniqueTopic } from '../src/worker-harness.js'

// KIP-298 on the real broker: the poison corpus under errors.tolerance=all (DLQ with Kafka's context
// headers) and none, and a connector that throws RetriableException a few times.

const connectorProps = (topic: string, file: string) => ({
  'connector.class': 'FileStreamSink',
  topics: topic,
  file,
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter.schemas.enable': 'true',
  'header.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'header.converter.schemas.enable': 'false',
})

describe('KIP-298 error handling on the broker', () => {
  const started = startTestWorker()
  after(async () => (await started).worker.stop())

  test('tolerance=all: good records reach the sink, every poison the DLQ with Kafka context headers', async () => {
    const { worker, listener, dir } = await started
    const name = uniqueTopic('dlq-all')
    const topic = uniqueTopic('dlq-in')
    const dlq = uniqueTopic('dlq')
    await produceRecords(topic, poisonCorpus)
    const file = path.join(dir, `${name}.txt`)
    const props = {
      ...connectorProps(topic, file),
      'errors.tolerance': 'all',
      'errors.log.enable': 'true',
      'errors.log.include.messages': 'true',
      'errors.deadletterqueue.topic.name': dlq,
      'errors.deadletterqueue.topic.replication.factor': '1',
      'errors.deadletterqueue.context.headers.enable': 'true',
    }
    await runConnector(worker, name, props)
    const poisons = poisonCorpus.flatMap((r, offset) =>
      r.poison === false ? [] : [{ offset, stage: r.poison, r }],
    )
    const records = await readTopic(dlq, poisons.length)
    assert.equal(records.length, poisons.length, 'every poison record is in the DLQ')
    for (const [i, p] of poisons.entries()) {
      const rec = records[i]!
      const h = new Map(rec.headers.map(([k, v]) => [k, v.toString('utf8')]))
      assert.equal(rec.value?.toString('utf8'), String(p.r.value), 'the original raw value')
      assert.equal(h.get('__connect.errors.topic'), topic)
      assert.equal(h.get('__connect.errors.partition'), '0')
      assert.equal(h.get('__connect.errors.offset'), String(p.offset))
      assert.equal(h.get('__connect.errors.connector.name'), name)
      assert.equal(h.get('__connect.errors.task.id'), '0')
      assert.equal(h.get('__connect.errors.stage'), p.stage)
      assert.equal(h.get('__connect.errors.class.name'), 'org.apache.kafka.connect.json.JsonConverter')
      assert.equal(
        h.get('__connect.errors.exception.class.name'),
        'org.apache.kafka.connect.errors.DataException',
      )
      assert.ok((h.get('__connect.errors.exception.message') ?? '') !== '')
      assert.match(
        h.get('__connect.errors.exception.stacktrace') ?? '',
        /^org\.apache\.kafka\.connect\.errors\.DataException: /,
      )
      if (p.r.headers !== undefined) assert.equal(h.get('h'), '{bad', 'the original headers are kept')
    }
    const delivered = () =>
      existsSync(file)
        ? readFileSync(file, 'utf8')
            .split('\n')
            .filter((l) => l !== '')
        : []
    const deadline = Date.now() + 30_000
    while (delivered().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    assert.deepEqual(delivered(), ['1', '3'], 'the good records, in order')
    assert.equal(listener.taskStates(name).at(-1), 'RUNNING')
    // DLQ replay (Sluice extension): nothing was fixed, so every record fails again and goes back to
    // the DLQ, named by its original coordinates.
    const replay = await worker.replayDeadLetterQueue(name, { name, ...props }, { from: 0 })
    assert.deepEqual(
      { read: replay.read, put: replay.put, failed: replay.failed, from: replay.from, to: replay.to },
      { read: poisons.length, put: 0, failed: poisons.length, from: 0, to: poisons.length },
    )
    const again = await readTopic(dlq, 2 * poisons.length)
    assert.equal(again.length, 2 * poisons.length)
    const offsetsAgain = again
      .slice(poisons.length)
      .map((r) => r.headers.find(([k]) => k === '__connect.errors.offset')?.[1].toString('utf8'))
    assert.deepEqual(
      offsetsAgain,
      poisons.map((p) => String(p.offset)),
      'named by their original offsets',
    )
    await worker.stopTasks([{ connector: name, task: 0 }])
    const rows = await worker.connectorOffsets(name, { name, ...props })
    assert.equal((rows[0] as { offset: { kafka_offset: number } }).offset.kafka_offset, poisonCorpus.length)
  })

  test('tolerance=none: the first poison record fails the task, naming it; nothing after it is delivered', async () => {
    const { worker, listener, dir } = await started
    const name = uniqueTopic('corpus-none')
    const topic = uniqueTopic('corpus-none-in')
    await produceRecords(topic, poisonCorpus)
    const file = path.join(dir, `${name}.txt`)
    await runConnector(worker, name, connectorProps(topic, file))
    await listener.waitFor(() => listener.taskStates(name).includes('FAILED'), 'FAILED')
    const failed = listener.events.find((e) => e.connector === name && e.state === 'FAILED')!
    assert.match(failed.trace ?? '', /Tolerance exceeded in error handler/)
    assert.match(failed.trace ?? '', /VALUE_CONVERTER.*offset=1/)
    assert.ok(!listener.taskStates(name).includes('RESTARTING'))
    await worker.stopTasks([{ connector: name, task: 0 }])
  })

  test('source-side DLQ (Sluice extension): records that fail conversion go to the DLQ with their source position', async () => {
    const { worker, listener, dir } = await started
    const name = uniqueTopic('source-dlq')
    const topic = uniqueTopic('source-dlq-out')
    const dlq = uniqueTopic('source-dlq')
    const file = path.join(dir, `${name}.in`)
    writeFileSync(file, 'alpha\nbeta\ngamma\n')
    await runConnector(worker, name, {
      'connector.class': 'FileStreamSource',
      file,
      topic,
      // A string is not an int32: every record fails its value conversion.
      'value.converter': 'org.apache.kafka.connect.converters.IntegerConverter',
      'errors.tolerance': 'all',
      'errors.deadletterqueue.topic.name': dlq,
      'errors.deadletterqueue.topic.replication.factor': '1',
      'errors.deadletterqueue.context.headers.enable': 'true',
    })
    const dead = await readTopic(dlq, 3)
    assert.deepEqual(
      dead.map((r) => r.value?.toString('utf8')),
      ['alpha', 'beta', 'gamma'],
    )
    const h = new Map(dead[1]!.headers.map(([k, v]) => [k, v.toString('utf8')]))
    assert.equal(h.get('__connect.errors.topic'), topic, 'the topic the record was going to')
    assert.equal(h.get('__connect.errors.stage'), 'VALUE_CONVERTER')
    assert.equal(h.get('__connect.errors.class.name'), 'org.apache.kafka.connect.converters.IntegerConverter')
    assert.equal(h.get('__connect.errors.connector.name'), name)
    assert.match(h.get('__sluice.errors.source.partition') ?? '', /filename/)
    assert.match(h.get('__sluice.errors.source.offset') ?? '', /position/)
    assert.equal(listener.taskStates(name).at(-1), 'RUNNING')
    await worker.stopTasks([{ connector: name, task: 0 }])
  })

  test("a sink's errant record reporter sends records to the DLQ (stage TASK_PUT) before their batch is committed", async () => {
    const { worker, dir } = await started
    const name = uniqueTopic('reporter')
    const topic = uniqueTopic('reporter-in')
    const dlq = uniqueTopic('reporter-dlq')
    await produceRecords(
      topic,
      Array.from({ length: 20 }, (_, i) => `v${i}`),
    )
    const recordFile = path.join(dir, `${name}.records`)
    const props = {
      'connector.class': 'FlakySink',
      topics: topic,
      'record.file': recordFile,
      'report.every': '5',
      'errors.tolerance': 'all',
      'errors.deadletterqueue.topic.name': dlq,
      'errors.deadletterqueue.topic.replication.factor': '1',
      'errors.deadletterqueue.context.headers.enable': 'true',
    }
    await runConnector(worker, name, props)
    const dead = await readTopic(dlq, 4)
    assert.deepEqual(
      dead.map((r) => r.value?.toString('utf8')),
      ['v0', 'v5', 'v10', 'v15'],
    )
    const h = new Map(dead[2]!.headers.map(([k, v]) => [k, v.toString('utf8')]))
    assert.equal(h.get('__connect.errors.stage'), 'TASK_PUT')
    assert.equal(h.get('__connect.errors.offset'), '10')
    assert.equal(h.get('__connect.errors.exception.message'), 'record at offset 10 rejected')
    await worker.stopTasks([{ connector: name, task: 0 }])
    const put = readFileSync(recordFile, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
    assert.equal(put.length, 16, 'the other 16 records were put')
  })

  test('a sink throwing RetriableException N times gets the same batch again, stays RUNNING, loses nothing', async () => {
    const { worker, listener, dir } = await started
    const name = uniqueTopic('retriable-put')
    const topic = uniqueTopic('retriable-in')
    const total = 200
    await produceRecords(
      topic,
      Array.from({ length: total }, (_, i) => `r${i}`),
    )
    const recordFile = path.join(dir, `${name}.records`)
    await runConnector(worker, name, {
      'connector.class': 'FlakySink',
      topics: topic,
      'record.file': recordFile,
      'fail.mode': 'retriable',
      'fail.on.put': '1',
      'fail.times': '3',
      'fail.counter.file': path.join(dir, `${name}.counter`),
      'consumer.override.max.poll.records': '50',
    })
    const seen = () =>
      existsSync(recordFile)
        ? new Set(
            readFileSync(recordFile, 'utf8')
              .split('\n')
              .filter((l) => l !== '')
              .map((l) => l.split(' ')[0]),
          )
        : new Set<string>()
    const deadline = Date.now() + 60_000
    while (seen().size < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    assert.equal(seen().size, total)
    assert.equal(readFileSync(path.join(dir, `${name}.counter`), 'utf8'), '3', 'it failed 3 times')
    assert.deepEqual(listener.taskStates(name), ['RUNNING'], 'redelivered in place: no restart, no FAILED')
    await worker.stopTasks([{ connector: name, task: 0 }])
  })
})
