import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, test } from 'node:test'
import { KafkaWriteError, type LogRecord } from '@sluice/kafka'
import { FileOffsetStore } from '../../src/offsets/file-offset-store.js'
import type { StatusBackingStore } from '../../src/storage/backing-stores.js'
import {
  commitRecord,
  connectorConfigRecord,
  restartRecord,
  targetStateRecord,
  taskConfigRecord,
} from '../../src/storage/config-records.js'
import type { ConfigChange } from '../../src/storage/config-state.js'
import { KafkaStatusStore, type StatusLog } from '../../src/storage/kafka-stores.js'
import { MemoryConfigStore, MemoryOffsetStore, MemoryStatusStore } from '../../src/storage/memory-stores.js'
import { encodeStatus, type StatusValue } from '../../src/storage/status-records.js'

const status = (
  state: StatusValue['state'],
  workerId: string,
  generation: number,
  trace: string | null = null,
): StatusValue => ({ state, trace, workerId, generation, version: '4.4.0' })

describe('MemoryConfigStore', () => {
  test('folds config records as a config topic does: task configs take effect with their commit', async () => {
    const store = new MemoryConfigStore()
    const changes: ConfigChange[] = []
    store.onChange((c) => changes.push(c))
    await store.write([connectorConfigRecord('a', { name: 'a', 'tasks.max': '2' })])
    let snap = store.snapshot()
    assert.deepEqual(snap.connectorConfig('a'), { name: 'a', 'tasks.max': '2' })
    assert.equal(snap.targetState('a'), 'STARTED', 'a connector without a target-state record runs')
    assert.equal(snap.offset, 1n)

    await store.write([taskConfigRecord('a', 0, { t: '0' }), taskConfigRecord('a', 1, { t: '1' })])
    assert.equal(store.snapshot().taskCount('a'), 0, 'buffered until the commit')
    await store.write([commitRecord('a', 2)])
    snap = store.snapshot()
    assert.deepEqual(snap.tasks('a'), [
      { connector: 'a', task: 0 },
      { connector: 'a', task: 1 },
    ])
    assert.deepEqual(snap.taskConfig({ connector: 'a', task: 1 }), { t: '1' })

    await store.write([commitRecord('a', 0), targetStateRecord('a', 'STOPPED')])
    snap = store.snapshot()
    assert.equal(snap.taskCount('a'), 0)
    assert.equal(snap.targetState('a'), 'STOPPED')

    await store.write([restartRecord('a', true, false)])
    await store.write([connectorConfigRecord('a', null)])
    snap = store.snapshot()
    assert.equal(snap.connectorConfig('a'), undefined)
    assert.equal(snap.targetState('a'), undefined, 'a deleted connector forgets its target state')
    assert.deepEqual(
      changes.map((c) => c.kind),
      ['connector-config', 'task-configs', 'task-configs', 'target-state', 'restart', 'connector-config'],
    )
  })

  test('a snapshot is immutable: later writes do not change it', async () => {
    const store = new MemoryConfigStore()
    await store.write([connectorConfigRecord('a', { name: 'a' })])
    const before = store.snapshot()
    await store.write([connectorConfigRecord('b', { name: 'b' })])
    assert.deepEqual(before.connectors, ['a'])
    assert.deepEqual(store.snapshot().connectors, ['a', 'b'])
  })

  test('keeps creation order of connector names (a re-created connector goes last)', async () => {
    const store = new MemoryConfigStore()
    for (const n of ['zeta', 'alpha', 'mid']) await store.write([connectorConfigRecord(n, { name: n })])
    await store.write([connectorConfigRecord('zeta', { name: 'zeta', x: '1' })])
    assert.deepEqual(store.connectorNames(), ['zeta', 'alpha', 'mid'], 'an update keeps the position')
    await store.write([connectorConfigRecord('zeta', null)])
    await store.write([connectorConfigRecord('zeta', { name: 'zeta' })])
    assert.deepEqual(store.connectorNames(), ['alpha', 'mid', 'zeta'])
  })

  test('rejects a record Kafka could not read, naming the key', async () => {
    const store = new MemoryConfigStore()
    await assert.rejects(store.write([{ key: 'connector-x', value: Buffer.from('not json') }]), /connector-x/)
  })
})

/** The put/putSafe contract, for every status store. */
function statusContract(make: () => { store: StatusBackingStore; settle: () => Promise<void> }) {
  test('put replaces; a connector tombstone forgets the connector and its tasks', async () => {
    const { store, settle } = make()
    await store.putConnector('c', status('RUNNING', 'w1', 1))
    await store.putTask({ connector: 'c', task: 1 }, status('RUNNING', 'w1', 1))
    await store.putTask({ connector: 'c', task: 0 }, status('FAILED', 'w2', 1, 'boom'))
    await settle()
    assert.equal(store.connector('c')?.state, 'RUNNING')
    assert.deepEqual(
      store.tasks('c').map((t) => [t.task, t.status.state, t.status.trace]),
      [
        [0, 'FAILED', 'boom'],
        [1, 'RUNNING', null],
      ],
    )
    assert.deepEqual(store.known().connectors, ['c'])
    await store.putTask({ connector: 'c', task: 1 }, null)
    await settle()
    assert.deepEqual(
      store.tasks('c').map((t) => t.task),
      [0],
    )
    await store.putConnector('c', null)
    await settle()
    assert.equal(store.connector('c'), undefined)
    assert.deepEqual(store.tasks('c'), [])
    assert.deepEqual(store.known(), { connectors: [], tasks: [] })
  })

  test("putSafe never overwrites another worker's report from a newer generation", async () => {
    const { store, settle } = make()
    const id = { connector: 'c', task: 0 }
    await store.putTask(id, status('RUNNING', 'w2', 5))
    await settle()
    // w1 was the owner in generation 4 and reports the task stopped (UNASSIGNED) late.
    await store.putTaskSafe(id, status('UNASSIGNED', 'w1', 4))
    await settle()
    assert.equal(store.task(id)?.state, 'RUNNING')
    assert.equal(store.task(id)?.workerId, 'w2')
    // The same generation, or this worker's own entry, may be replaced.
    await store.putTaskSafe(id, status('FAILED', 'w1', 5))
    await settle()
    assert.equal(store.task(id)?.state, 'FAILED')
    await store.putTaskSafe(id, status('UNASSIGNED', 'w1', 3))
    await settle()
    assert.equal(store.task(id)?.state, 'UNASSIGNED', 'its own entry, whatever the generation')
    await store.putConnector('c', status('RUNNING', 'w3', 9))
    await store.putConnectorSafe('c', status('FAILED', 'w1', 8))
    await settle()
    assert.equal(store.connector('c')?.workerId, 'w3')
  })
}

describe('MemoryStatusStore', () => {
  statusContract(() => ({ store: new MemoryStatusStore(), settle: async () => {} }))
})

/**
 * A status topic in memory: `send` appends, the store reads records back on `readToEnd`. Sends can be
 * made to fail (retriable or not) and held, to check the resend rules.
 */
class FakeStatusLog implements StatusLog {
  readonly records: Array<{ key: string; value: Buffer | null }> = []
  #onRecord: (r: LogRecord) => void
  #read = 0
  /** Errors the next sends throw, in order. */
  failures: Error[] = []
  /** While set, each send waits for it before failing or appending. */
  gate: Promise<void> | undefined
  sends = 0

  constructor(onRecord: (r: LogRecord) => void) {
    this.#onRecord = onRecord
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  async send(key: string, value: Buffer | null): Promise<void> {
    this.sends++
    if (this.gate !== undefined) await this.gate
    const err = this.failures.shift()
    if (err !== undefined) throw err
    this.records.push({ key, value })
  }

  async readToEnd(): Promise<void> {
    for (; this.#read < this.records.length; this.#read++) {
      const r = this.records[this.#read] as { key: string; value: Buffer | null }
      this.#onRecord({
        key: Buffer.from(r.key),
        value: r.value,
        partition: 0,
        offset: BigInt(this.#read),
      } as unknown as LogRecord)
    }
  }
}

const retriable = () => new KafkaWriteError('status', { message: 'Local: Message timed out', code: -192 })

function kafkaStatusStore(): { store: KafkaStatusStore; log: FakeStatusLog } {
  let log: FakeStatusLog | undefined
  const store = new KafkaStatusStore(
    'status',
    {},
    { warn: () => {} },
    {
      retryBackoffMs: 1,
      createLog: (onRecord) => {
        log = new FakeStatusLog(onRecord)
        return log
      },
    },
  )
  return { store, log: log as unknown as FakeStatusLog }
}

describe('KafkaStatusStore', () => {
  statusContract(() => {
    const { store } = kafkaStatusStore()
    return { store, settle: () => store.readToEnd(1_000) }
  })

  test('writes Java status values under Java keys', async () => {
    const { store, log } = kafkaStatusStore()
    await store.putTask({ connector: 'fs', task: 0 }, status('RUNNING', '127.0.0.1:8083', 3))
    await store.putConnector('fs', null)
    assert.deepEqual(
      log.records.map((r) => [r.key, r.value?.toString() ?? null]),
      [
        [
          'status-task-fs-0',
          '{"state":"RUNNING","trace":null,"worker_id":"127.0.0.1:8083","generation":3,"version":"4.4.0"}',
        ],
        ['status-connector-fs', null],
      ],
    )
  })

  test('reads what other workers wrote, and a later read of a tombstone removes the entry', async () => {
    const { store, log } = kafkaStatusStore()
    log.records.push({ key: 'status-connector-x', value: encodeStatus(status('RUNNING', 'java:8083', 7)) })
    log.records.push({ key: 'status-task-x-0', value: encodeStatus(status('PAUSED', 'java:8083', 7)) })
    await store.readToEnd(1_000)
    assert.equal(store.task({ connector: 'x', task: 0 })?.state, 'PAUSED')
    log.records.push({ key: 'status-connector-x', value: null })
    await store.readToEnd(1_000)
    assert.equal(store.connector('x'), undefined)
    assert.equal(store.task({ connector: 'x', task: 0 }), undefined, "Kafka's remove() drops the tasks too")
  })

  test('resends a status after a retriable error', async () => {
    const { store, log } = kafkaStatusStore()
    log.failures.push(retriable(), retriable())
    await store.putConnector('c', status('RUNNING', 'w1', 2))
    assert.equal(log.sends, 3)
    assert.equal(log.records.length, 1)
  })

  test('does not resend after an error that is not retriable', async () => {
    const { store, log } = kafkaStatusStore()
    log.failures.push(new KafkaWriteError('status', { message: 'Broker: Message size too large', code: 10 }))
    await assert.rejects(store.putConnector('c', status('RUNNING', 'w1', 2)), /Message size too large/)
    assert.equal(log.sends, 1)
    assert.equal(log.records.length, 0)
  })

  test('drops the resend of a status once a newer write for the same key was issued', async () => {
    const { store, log } = kafkaStatusStore()
    const id = { connector: 'c', task: 0 }
    let open: () => void = () => {}
    log.gate = new Promise((r) => {
      open = r
    })
    log.failures.push(retriable())
    const first = store.putTask(id, status('RUNNING', 'w1', 2))
    // The newer status is issued while the first is in flight; then the first fails (retriably).
    const second = store.putTask(id, status('UNASSIGNED', 'w1', 2))
    log.gate = undefined
    open()
    await Promise.all([first, second])
    // RUNNING must never land after UNASSIGNED: only the second write is on the topic.
    assert.deepEqual(
      log.records.map((r) => JSON.parse(r.value?.toString() ?? 'null').state),
      ['UNASSIGNED'],
    )
    assert.equal(store.task(id)?.state, 'UNASSIGNED')
  })

  test('drops the resend of a status from an older generation than the last one written', async () => {
    const { store, log } = kafkaStatusStore()
    let open: () => void = () => {}
    log.gate = new Promise((r) => {
      open = r
    })
    log.failures.push(retriable())
    const old = store.putConnector('a', status('RUNNING', 'w1', 2))
    // A rebalance happened: this worker now writes with generation 3 (another key).
    const next = store.putConnector('b', status('RUNNING', 'w1', 3))
    log.gate = undefined
    open()
    await Promise.all([old, next])
    assert.deepEqual(
      log.records.map((r) => r.key),
      ['status-connector-b'],
    )
  })

  test('drops the resend of a status whose connector was deleted meanwhile', async () => {
    const { store, log } = kafkaStatusStore()
    let open: () => void = () => {}
    log.gate = new Promise((r) => {
      open = r
    })
    log.failures.push(retriable())
    const write = store.putTask({ connector: 'c', task: 0 }, status('RUNNING', 'w1', 2))
    log.gate = undefined
    // The leader's tombstone for the connector is read while the write is failing.
    log.records.push({ key: 'status-connector-c', value: null })
    await store.readToEnd(1_000)
    open()
    await write
    assert.deepEqual(
      log.records.map((r) => r.key),
      ['status-connector-c'],
    )
  })

  test('a safe resend is dropped when another worker reported from a newer generation meanwhile', async () => {
    const { store, log } = kafkaStatusStore()
    const id = { connector: 'c', task: 0 }
    let open: () => void = () => {}
    log.gate = new Promise((r) => {
      open = r
    })
    log.failures.push(retriable())
    const write = store.putTaskSafe(id, status('UNASSIGNED', 'w1', 2))
    log.gate = undefined
    log.records.push({ key: 'status-task-c-0', value: encodeStatus(status('RUNNING', 'w2', 3)) })
    await store.readToEnd(1_000)
    open()
    await write
    assert.equal(log.records.length, 1, 'only the other worker’s RUNNING is on the topic')
    assert.equal(store.task(id)?.workerId, 'w2')
  })
})

describe('MemoryOffsetStore and FileOffsetStore', () => {
  test('memory: set, get, getAll; a null offset removes the partition', async () => {
    const store = new MemoryOffsetStore()
    store.set('c', [
      { partition: { file: 'a' }, offset: { position: 1 } },
      { partition: { file: 'b' }, offset: { position: 2 } },
    ])
    store.set('d', [{ partition: { file: 'a' }, offset: { position: 9 } }])
    assert.deepEqual(store.get('c', { file: 'a' }), { position: 1 })
    assert.equal(store.getAll('c').length, 2)
    store.set('c', [{ partition: { file: 'a' }, offset: null }])
    assert.equal(store.get('c', { file: 'a' }), null)
    assert.deepEqual(store.getAll('c'), [{ partition: { file: 'b' }, offset: { position: 2 } }])
    await store.flush()
    assert.deepEqual(store.get('d', { file: 'a' }), { position: 9 }, 'flush keeps what is in memory')
  })

  test('file: the memory store plus a file another instance reads back', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sluice-offsets-')), 'connect.offsets')
    const a = new FileOffsetStore(file)
    await a.load()
    a.set('c', [{ partition: { file: 'x' }, offset: { position: 42 } }])
    await a.flush()
    const b = new FileOffsetStore(file)
    await b.load()
    assert.deepEqual(b.get('c', { file: 'x' }), { position: 42 })
    assert.ok(b instanceof MemoryOffsetStore)
  })
})
