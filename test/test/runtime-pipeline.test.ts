import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import path from 'node:path'
import { after, describe, test } from 'node:test'
import type { SinkTaskOwner } from '@sluice/runtime'
import { runConnector, startTestWorker, uniqueTopic } from '../src/worker-harness.js'

const KAFKA_MODULE = /kafka-javascript|[\\/]packages[\\/]kafka[\\/]|@sluice[\\/]kafka/

describe('runtime pipelines against the broker', () => {
  // Small credits and batches make the bound easy to see: at most 2 batches of 100 records may wait
  // for the slow sink, however fast the source produces.
  const started = startTestWorker({ 'task.max.inflight.batches': '2' })
  after(async () => (await started).worker.stop())

  test('backpressure: a slow sink keeps at most task.max.inflight.batches batches buffered', async () => {
    const { worker, listener, dir } = await started
    const topic = uniqueTopic('bp')
    const total = 30_000
    const [src] = await runConnector(worker, 'bp-source', {
      'connector.class': 'Datagen',
      topic,
      'max.records': String(total),
      'record.size': '200',
      'tasks.max': '1',
    })
    const [sink] = await runConnector(worker, 'bp-sink', {
      'connector.class': 'SlowSink',
      topics: topic,
      'put.delay.ms': '25',
      'consumer.override.max.poll.records': '100',
      'count.file': path.join(dir, 'bp-count'),
    })
    await listener.waitFor(
      (ev) => ev.some((e) => e.connector === 'bp-sink' && e.state === 'RUNNING'),
      'sink RUNNING',
    )
    const source = worker.task(src!)!
    const sinkTask = worker.task(sink!) as SinkTaskOwner
    // The source finishes producing everything while the slow sink is still far behind...
    const deadline = Date.now() + 120_000
    while (source.recordsIn < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    assert.equal(source.recordsIn, total, 'the source produced every record')
    // Let the slow sink work through a good part of the backlog; its buffer must stay bounded all along.
    while (sinkTask.recordsIn < 3000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    assert.ok(sinkTask.recordsIn >= 3000, `the sink consumed (${sinkTask.recordsIn} records)`)
    assert.ok(
      sinkTask.recordsIn < total,
      `the sink is still behind (${sinkTask.recordsIn} of ${total} consumed)`,
    )
    // At most 2 batches of at most 100 records were ever handed to the task and not yet put: <= 200
    // records buffered while 30 000 waited in Kafka.
    assert.ok(sinkTask.maxOutstandingBatches >= 1, 'sanity: the bound was exercised')
    assert.ok(
      sinkTask.maxOutstandingBatches <= 2,
      `outstanding batches ${sinkTask.maxOutstandingBatches} <= 2`,
    )
    assert.ok(sinkTask.maxBatchRecords <= 100, `records per batch ${sinkTask.maxBatchRecords} <= 100`)
    await worker.stopTasks([src!, sink!])
  })

  test('no task thread ever loads the Kafka binding; the main thread does', async () => {
    const { worker, listener } = await started
    const topic = uniqueTopic('threads')
    const [src] = await runConnector(worker, 'threads-source', {
      'connector.class': 'Datagen',
      topic,
      'max.records': '1000',
      'tasks.max': '1',
    })
    const [sink] = await runConnector(worker, 'threads-sink', {
      'connector.class': 'SlowSink',
      topics: topic,
      'put.delay.ms': '1',
    })
    await listener.waitFor(
      (ev) =>
        ['threads-source', 'threads-sink'].every((c) =>
          ev.some((e) => e.connector === c && e.task === 0 && e.state === 'RUNNING'),
        ),
      'both tasks RUNNING',
    )
    const mainLoaded = Object.keys(createRequire(import.meta.url).cache)
    assert.ok(
      mainLoaded.some((m) => KAFKA_MODULE.test(m)),
      'sanity: the main thread loaded the Kafka client (the check can see it)',
    )
    for (const id of [src!, sink!]) {
      const diag = await worker.task(id)!.diagnostics()
      assert.ok(diag !== undefined, `task ${id.connector} answered`)
      assert.notEqual(diag.threadId, 0, 'the task runs on a worker thread, not the main thread')
      const offending = diag.loadedModules.filter((m) => KAFKA_MODULE.test(m))
      assert.deepEqual(offending, [], `task thread ${diag.threadId} loaded no Kafka module`)
    }
    await worker.stopTasks([src!, sink!])
  })

  test('a sink with an invalid topics.regex fails naming the key and leaves no consumer behind', async () => {
    const { worker, listener, dir } = await started
    const name = 'bad-regex-sink'
    await assert.rejects(
      runConnector(worker, name, {
        'connector.class': 'FileStreamSink',
        'topics.regex': '(',
        file: path.join(dir, 'x'),
      }),
      /topics\.regex/,
    )
    await listener.waitFor(() => listener.taskStates(name).includes('FAILED'), 'FAILED')
    const failed = listener.events.find((e) => e.connector === name && e.state === 'FAILED')
    assert.match(failed?.trace ?? '', /Invalid value \( for configuration topics\.regex/)
    // worker.stop() in after() must complete: a leaked consumer would keep this file from exiting.
  })
})
