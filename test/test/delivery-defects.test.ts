import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { after, describe, test } from 'node:test'
import { createConsumer } from '@sluice/kafka'
import { produceRecords as produce } from '../src/produce.js'
import { bootstrap, runConnector, startTestWorker, uniqueTopic } from '../src/worker-harness.js'

// Regression tests of issue 9's three reproduced defects, on the real broker.

const lines = (file: string): string[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
    : []

async function until(
  cond: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('issue 9 defects', () => {
  const started = startTestWorker()
  after(async () => (await started).worker.stop())

  const committed = async (name: string, props: Record<string, string>): Promise<number | undefined> => {
    const { worker } = await started
    const rows = await worker.connectorOffsets(name, { name, ...props })
    const row = rows[0] as { offset: { kafka_offset: number } } | undefined
    return row?.offset.kafka_offset
  }

  test('a poison record under errors.tolerance=none fails the task at once and commits nothing past it', async () => {
    const { worker, listener, dir } = await started
    const name = uniqueTopic('poison-none')
    const topic = uniqueTopic('poison-none')
    await produce(topic, ['{"g":1}', '{"g":2}', 'NOT-JSON', '{"g":3}'])
    const file = path.join(dir, 'poison-none.txt')
    const props = {
      'connector.class': 'FileStreamSink',
      topics: topic,
      file,
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'false',
    }
    await runConnector(worker, name, props)
    await listener.waitFor(() => listener.taskStates(name).includes('FAILED'), 'FAILED')
    const failed = listener.events.find((e) => e.connector === name && e.state === 'FAILED')!
    assert.match(failed.trace ?? '', /Tolerance exceeded in error handler/)
    assert.match(failed.trace ?? '', /offset=2/, 'the trace names the poison record')
    // Long enough for a restart loop to show itself (the default first backoff is 1 s).
    await new Promise((r) => setTimeout(r, 2500))
    assert.deepEqual(listener.taskStates(name), ['RUNNING', 'FAILED'], 'no restart loop over a poison record')
    const text = existsSync(file) ? readFileSync(file, 'utf8') : ''
    assert.doesNotMatch(text, /"g":3|g=3/, 'nothing after the poison record was delivered')
    const off = await committed(name, props)
    assert.ok(off === undefined || off <= 2, `committed offset ${off} must not pass the poison record (2)`)
    await worker.stopTasks([{ connector: name, task: 0 }])
  })

  test('a sink task restarted after put throws gets the failed batch again (none skipped, no stall)', async () => {
    const { worker, listener, dir } = await started
    const name = uniqueTopic('put-throws')
    const topic = uniqueTopic('put-throws')
    const total = 500
    await produce(
      topic,
      Array.from({ length: total }, (_, i) => `v${i}`),
    )
    const recordFile = path.join(dir, 'put-throws.records')
    const props = {
      'connector.class': 'FlakySink',
      topics: topic,
      'record.file': recordFile,
      'fail.mode': 'throw',
      'fail.on.put': '2',
      'fail.times': '1',
      'fail.counter.file': path.join(dir, 'put-throws.counter'),
      'consumer.override.max.poll.records': '50',
    }
    await runConnector(worker, name, props)
    await listener.waitFor(() => listener.taskStates(name).includes('RESTARTING'), 'RESTARTING')
    const seen = (): Set<number> =>
      new Set(lines(recordFile).map((l) => Number(l.split(' ')[0]!.split('/')[2])))
    await until(() => seen().size === total, `all ${total} records put (have ${seen().size})`)
    for (let i = 0; i < total; i++) assert.ok(seen().has(i), `offset ${i} was put`)
    assert.equal(listener.taskStates(name).at(-1), 'RUNNING')
    await until(async () => (await committed(name, props)) === total, `offset ${total} committed`)
    await worker.stopTasks([{ connector: name, task: 0 }])
  })

  test('a revoke runs preCommit before close and commits only what preCommit approved', async () => {
    const { worker, listener, dir } = await started
    const name = uniqueTopic('revoke-buffering')
    const topic = uniqueTopic('revoke')
    await produce(
      topic,
      Array.from({ length: 30 }, (_, i) => `v${i}`),
    )
    const calls = path.join(dir, 'revoke.calls')
    const props = {
      'connector.class': 'FlakySink',
      topics: topic,
      'calls.file': calls,
      'precommit.mode': 'empty',
    }
    await runConnector(worker, name, props)
    await listener.waitFor(() => listener.taskStates(name).includes('RUNNING'), 'RUNNING')
    const putCount = () =>
      lines(calls)
        .filter((l) => l.startsWith('put '))
        .reduce((n, l) => n + Number(l.split(' ')[1]), 0)
    await until(() => putCount() === 30, 'all 30 records put')
    // A second member of the connector's group forces a rebalance that revokes the task's partition.
    const intruder = createConsumer({
      'bootstrap.servers': bootstrap,
      'group.id': `connect-${name}`,
      'enable.auto.commit': false,
      'auto.offset.reset': 'earliest',
    })
    await new Promise<void>((resolve, reject) =>
      intruder.connect({}, (err) => (err ? reject(err) : resolve())),
    )
    intruder.subscribe([topic])
    let polling = true
    const loop = (async () => {
      while (polling) await new Promise((r) => intruder.consume(10, () => r(undefined)))
    })()
    try {
      await until(() => lines(calls).some((l) => l.startsWith('close ')), 'close on revoke', 60_000)
    } finally {
      polling = false
      await loop
      await new Promise<void>((resolve) => intruder.disconnect(() => resolve()))
    }
    const log = lines(calls)
    const close = log.findIndex((l) => l.startsWith('close '))
    const lastPut = log.findLastIndex((l, i) => i < close && l.startsWith('put '))
    const preCommit = log.findIndex((l, i) => i > lastPut && i < close && l.startsWith('precommit '))
    assert.ok(
      preCommit > 0,
      `preCommit runs between the last put and close on revoke: ${JSON.stringify(log)}`,
    )
    assert.match(log[preCommit]!, new RegExp(`${topic}-0@30`), 'preCommit is asked about offset 30')
    assert.equal(await committed(name, props), undefined, 'nothing committed: preCommit approved nothing')
    await worker.stopTasks([{ connector: name, task: 0 }])
    assert.equal(await committed(name, props), undefined, 'nor on stop')
  })
})
