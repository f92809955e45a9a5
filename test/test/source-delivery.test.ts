import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { KafkaAdmin } from '@sluice/kafka'
import { readTopic } from '../src/produce.js'
import { bootstrap, runConnector, startTestWorker, uniqueTopic } from '../src/worker-harness.js'

// Source-side delivery on the real broker: KAFKA_PRODUCE failures (a record larger than the topic's
// max.message.bytes) under errors.tolerance none and all, and DLQ replay for a source connector.

/** The topic's limit: every test record fits, except the `big:` ones. */
const MAX_MESSAGE_BYTES = 2000

const headerMap = (r: { headers: ReadonlyArray<readonly [string, Buffer]> }) =>
  new Map(r.headers.map(([k, v]) => [k, v.toString('utf8')]))

describe('source delivery: producer send failures and DLQ replay', () => {
  const started = startTestWorker({ 'task.restart.backoff.initial.ms': '200' })
  const admin = KafkaAdmin.create({ 'bootstrap.servers': bootstrap })
  /** A fresh 1-partition topic whose broker-side record batch limit is {@link MAX_MESSAGE_BYTES}. */
  const smallTopic = async (prefix: string): Promise<string> => {
    const topic = uniqueTopic(prefix)
    await admin.createTopic({
      topic,
      partitions: 1,
      replicationFactor: 1,
      config: { 'max.message.bytes': String(MAX_MESSAGE_BYTES) },
    })
    return topic
  }
  before(async () => {
    await started
  })
  after(async () => {
    admin.close()
    await (await started).worker.stop()
  })

  test('tolerance=none: a record the broker refuses fails the task with Kafka’s message, no restart loop', async () => {
    const { worker, listener } = await started
    const name = uniqueTopic('delivery-produce-none')
    const topic = await smallTopic('delivery-produce-none')
    await runConnector(worker, name, {
      'connector.class': 'ListSource',
      topic,
      records: `a,big:${2 * MAX_MESSAGE_BYTES},b`,
    })
    await listener.waitFor(() => listener.taskStates(name).includes('FAILED'), 'FAILED')
    const failed = listener.events.find((e) => e.connector === name && e.state === 'FAILED')!
    assert.match(failed.trace ?? '', /Unrecoverable exception from producer send callback/)
    assert.match(failed.trace ?? '', /MSG_SIZE_TOO_LARGE|Message size too large/i)
    assert.ok(!listener.taskStates(name).includes('RESTARTING'), 'a refused record is not retried')
    const delivered = await readTopic(topic, 1, 5000)
    assert.equal(delivered[0]?.value?.toString(), 'a')
    await worker.stopTasks([{ connector: name, task: 0 }])
    // Records polled after the refused one may have been sent before its failure came back (as in
    // Kafka), but no offset past it is committed: a restart resumes at the refused record.
    const offsets = await worker.connectorOffsets(name, { name, 'connector.class': 'ListSource' })
    assert.deepEqual(offsets, [{ partition: { list: topic }, offset: { i: 0 } }])
  })

  test('tolerance=all: the refused record goes to the DLQ with its headers; the rest is delivered, the task runs on', async () => {
    const { worker, listener } = await started
    const name = uniqueTopic('delivery-produce-all')
    const topic = await smallTopic('delivery-produce-all')
    const dlq = uniqueTopic('delivery-produce-dlq')
    const big = 2 * MAX_MESSAGE_BYTES
    await runConnector(worker, name, {
      'connector.class': 'ListSource',
      topic,
      records: `a,b,big:${big},c,d`,
      'errors.tolerance': 'all',
      'errors.log.enable': 'true',
      'errors.deadletterqueue.topic.name': dlq,
      'errors.deadletterqueue.topic.replication.factor': '1',
      'errors.deadletterqueue.context.headers.enable': 'true',
    })
    const delivered = await readTopic(topic, 4)
    assert.deepEqual(
      delivered.map((r) => r.value?.toString()),
      ['a', 'b', 'c', 'd'],
    )
    const dead = await readTopic(dlq, 1)
    assert.equal(dead.length, 1)
    assert.equal(dead[0]!.value?.toString(), 'x'.repeat(big), 'the record as polled')
    const h = headerMap(dead[0]!)
    assert.equal(h.get('__connect.errors.stage'), 'KAFKA_PRODUCE')
    assert.equal(h.get('__connect.errors.class.name'), 'org.apache.kafka.connect.runtime.WorkerSourceTask')
    assert.equal(h.get('__connect.errors.topic'), topic)
    assert.equal(h.get('__connect.errors.connector.name'), name)
    assert.equal(h.get('__connect.errors.task.id'), '0')
    assert.match(
      h.get('__connect.errors.exception.message') ?? '',
      /MSG_SIZE_TOO_LARGE|Message size too large/i,
    )
    assert.match(
      h.get('__connect.errors.exception.stacktrace') ?? '',
      /^org\.apache\.kafka\.connect\.errors\.ConnectException: Unrecoverable exception from producer send callback/,
    )
    assert.equal(h.get('__sluice.errors.source.partition'), JSON.stringify({ list: topic }))
    assert.equal(h.get('__sluice.errors.source.offset'), JSON.stringify({ i: 2 }))
    assert.deepEqual(listener.taskStates(name), ['RUNNING'], 'never failed, never restarted')
    await worker.stopTasks([{ connector: name, task: 0 }])
    // The skipped record's offset was committed with the rest (as Kafka commits a skipped send).
    const offsets = await worker.connectorOffsets(name, { name, 'connector.class': 'ListSource' })
    assert.deepEqual(offsets, [{ partition: { list: topic }, offset: { i: 4 } }])
  })

  test('tolerance=all: records refused only because they shared a broker request with an oversized one are sent again and arrive', async () => {
    const { worker, listener } = await started
    const name = uniqueTopic('delivery-produce-split')
    const topic = await smallTopic('delivery-produce-split')
    const dlq = uniqueTopic('delivery-produce-split-dlq')
    await runConnector(worker, name, {
      'connector.class': 'ListSource',
      topic,
      // One poll, one producer batch: librdkafka puts them in one request, which the broker refuses.
      records: `a,b,big:${2 * MAX_MESSAGE_BYTES},c,d`,
      'records.per.poll': '5',
      'errors.tolerance': 'all',
      'errors.deadletterqueue.topic.name': dlq,
      'errors.deadletterqueue.topic.replication.factor': '1',
      'errors.deadletterqueue.context.headers.enable': 'true',
    })
    const delivered = await readTopic(topic, 4)
    assert.deepEqual(delivered.map((r) => r.value?.toString()).sort(), ['a', 'b', 'c', 'd'])
    const dead = await readTopic(dlq, 1)
    assert.deepEqual(
      dead.map((r) => headerMap(r).get('__sluice.errors.source.offset')),
      [JSON.stringify({ i: 2 })],
      'only the oversized record is in the DLQ',
    )
    assert.equal((await readTopic(dlq, 2, 2000)).length, 1, 'and nothing else')
    assert.deepEqual(listener.taskStates(name), ['RUNNING'])
    await worker.stopTasks([{ connector: name, task: 0 }])
  })

  test('DLQ replay of a source connector: after a fix the records are produced to their topic; what fails again goes back to the DLQ', async () => {
    const { worker, listener } = await started
    const name = uniqueTopic('delivery-source-replay')
    const topic = await smallTopic('delivery-source-replay')
    const dlq = uniqueTopic('delivery-source-replay-dlq')
    const big = 2 * MAX_MESSAGE_BYTES
    const props = {
      'connector.class': 'ListSource',
      topic,
      records: `alpha,beta,big:${big}`,
      'errors.tolerance': 'all',
      'errors.deadletterqueue.topic.name': dlq,
      'errors.deadletterqueue.topic.replication.factor': '1',
      'errors.deadletterqueue.context.headers.enable': 'true',
    }
    // A string is not an int32: every record fails its value conversion and goes to the DLQ.
    const broken = { ...props, 'value.converter': 'org.apache.kafka.connect.converters.IntegerConverter' }
    await runConnector(worker, name, broken)
    const dead = await readTopic(dlq, 3)
    assert.deepEqual(
      dead.map((r) => headerMap(r).get('__connect.errors.stage')),
      ['VALUE_CONVERTER', 'VALUE_CONVERTER', 'VALUE_CONVERTER'],
    )
    await worker.stopTasks([{ connector: name, task: 0 }])
    await worker.stopConnector(name)
    // The fix: the worker's StringConverter. The source has nothing new to poll (its offsets advanced).
    await runConnector(worker, name, props)
    const result = await worker.replayDeadLetterQueue(name, { name, ...props }, { from: 0 })
    assert.deepEqual(
      { read: result.read, put: result.put, failed: result.failed, from: result.from, to: result.to },
      { read: 3, put: 2, failed: 1, from: 0, to: 3 },
    )
    const delivered = await readTopic(topic, 2)
    assert.deepEqual(
      delivered.map((r) => r.value?.toString()),
      ['alpha', 'beta'],
      'produced to the original topic through the fixed pipeline',
    )
    // The oversized record converts now but the broker refuses it: back to the DLQ, as produced.
    const again = await readTopic(dlq, 4)
    assert.equal(again.length, 4)
    const h = headerMap(again[3]!)
    assert.equal(again[3]!.value?.toString(), 'x'.repeat(big))
    assert.equal(h.get('__connect.errors.stage'), 'KAFKA_PRODUCE')
    assert.equal(h.get('__connect.errors.topic'), topic)
    assert.equal(h.get('__sluice.errors.source.offset'), JSON.stringify({ i: 2 }))
    assert.match(
      h.get('__connect.errors.exception.message') ?? '',
      /MSG_SIZE_TOO_LARGE|Message size too large/i,
    )
    assert.equal(listener.taskStates(name).at(-1), 'RUNNING')
    await worker.stopTasks([{ connector: name, task: 0 }])
  })
})
