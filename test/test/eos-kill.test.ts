import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, describe, test } from 'node:test'
import { KafkaAdmin } from '@sluice/kafka'
import {
  type ConnectorStatusBody,
  type DistributedWorker,
  restJson,
  startSluiceDistributed,
  testGroupProps,
} from '../compat/distributed-servers.js'
import { freePort, pollUntil, sluiceCli } from '../compat/servers.js'
import { ensureBroker, uniqueTopic } from '../src/broker.js'
import { exactlyOnceSequence, readCommitted } from '../src/committed-reader.js'

// KIP-618 on `sluice distributed` workers with exactly.once.source.support=enabled and a datagen source
// writing a sequence per task: kill -9 of the worker running the task, again and again; a paused zombie
// whose task moved. A read_committed consumer must see every sequence number of the run exactly once
// (contiguous from 0, no duplicate): an at-least-once runtime resends what followed its last offset
// flush after each kill and fails this.

type Status = ConnectorStatusBody

describe('exactly-once source on Sluice distributed workers', { timeout: 600_000 }, () => {
  const bootstrap = ensureBroker()
  const cli = sluiceCli()
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-eos-'))
  const started: DistributedWorker[] = []
  after(async () => {
    for (const w of started) {
      w.signal('SIGCONT')
      await w.stop().catch(() => undefined)
    }
  })

  const eosProps = (id: string) => ({
    ...testGroupProps(bootstrap, id),
    'exactly.once.source.support': 'enabled',
    // Lost tasks are reassigned at the next rebalance (no 2 s wait): shorter rounds.
    'scheduled.rebalance.max.delay.ms': '0',
    'task.shutdown.graceful.timeout.ms': '3000',
  })

  async function worker(props: Record<string, string>, name: string): Promise<DistributedWorker> {
    assert.ok(cli, 'the sluice CLI is built (pnpm exec tsc -b packages/cli)')
    const w = await startSluiceDistributed({
      dir: path.join(dir, name),
      port: await freePort(),
      cli: cli as string,
      props,
    })
    started.push(w)
    return w
  }

  async function createDatagen(
    w: DistributedWorker,
    name: string,
    topic: string,
    extra: Record<string, string> = {},
  ): Promise<void> {
    const admin = KafkaAdmin.create({ 'bootstrap.servers': bootstrap })
    await admin.createTopic({ topic, partitions: 1, replicationFactor: 1 }, { ifNotExists: true })
    admin.close()
    const config = {
      'connector.class': 'Datagen',
      topic,
      'tasks.max': '1',
      key: 'string',
      'record.size': '24',
      'rate.limit': '3000',
      'batch.size': '100',
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'exactly.once.support': 'required',
      ...extra,
    }
    await pollUntil(`connector ${name} created`, 60_000, async () => {
      const r = await fetch(`${w.url}/connectors`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name, config }),
      })
      const text = await r.text()
      if (r.status === 409) return undefined
      assert.equal(r.status, 201, text)
      return true
    })
  }

  /** The worker running task 0, once it is RUNNING on one of `live`. */
  async function runner(name: string, live: readonly DistributedWorker[]): Promise<DistributedWorker> {
    return pollUntil(`${name} task 0 RUNNING on a live worker`, 60_000, async () => {
      for (const w of live) {
        const s = await restJson<Status>(`${w.url}/connectors/${name}/status`).catch(() => undefined)
        const t = s?.body?.tasks?.[0]
        if (t?.state === 'RUNNING') return live.find((x) => x.workerId === t.worker_id)
      }
      return undefined
    })
  }

  /** Stops the connector (its tasks commit a final transaction), then reads the topic read_committed. */
  async function stopAndCheck(w: DistributedWorker, name: string, topic: string): Promise<number> {
    await pollUntil(`${name} stopped`, 60_000, async () => {
      const r = await fetch(`${w.url}/connectors/${name}/stop`, { method: 'PUT' })
      await r.text()
      if (r.status >= 300) return undefined
      const s = await restJson<Status>(`${w.url}/connectors/${name}/status`)
      return s.body.connector.state === 'STOPPED' && s.body.tasks.length === 0 ? true : undefined
    })
    const records = await readCommitted(bootstrap, topic, { idleMs: 2000, timeoutMs: 120_000 })
    const { perTask, problems } = exactlyOnceSequence(records.map((m) => String(m.value)))
    assert.deepEqual(problems, [], 'every sequence number exactly once under read_committed')
    const n = perTask.get(0) ?? 0
    assert.equal(records.length, n, 'nothing but the sequence in the topic')
    return n
  }

  /** `rounds` times: let the task run, kill -9 its worker, start a replacement, wait for the task to move. */
  async function killRounds(
    props: Record<string, string>,
    name: string,
    live: DistributedWorker[],
    rounds: number,
    label: string,
  ): Promise<void> {
    for (let round = 1; round <= rounds; round++) {
      const victim = await runner(name, live)
      await new Promise((r) => setTimeout(r, 1000))
      const t0 = Date.now()
      await victim.kill()
      live.splice(live.indexOf(victim), 1)
      // The replacement starts while the survivors take the task over (process start-up is slow on a
      // loaded machine); the next round waits for it.
      const replacement = worker(props, `${label}-r${round}`)
      // Survivors answer statuses; the task may land on a survivor or on the replacement.
      const nextId = await pollUntil(`${name} task 0 RUNNING off ${victim.workerId}`, 90_000, async () => {
        for (const w of live) {
          const s = await restJson<Status>(`${w.url}/connectors/${name}/status`).catch(() => undefined)
          const t = s?.body?.tasks?.[0]
          if (t?.state === 'RUNNING' && t.worker_id !== victim.workerId) return t.worker_id
        }
        return undefined
      })
      live.push(await replacement)
      const next = live.find((w) => w.workerId === nextId) as DistributedWorker
      console.log(
        `${label} round ${round}: kill -9 of ${victim.workerId}; task RUNNING on ${next.workerId} after ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      )
    }
  }

  test('kill -9 of the worker running the task, 10 times (transaction.boundary=poll)', async () => {
    const id = uniqueTopic('eos-poll')
    const props = eosProps(id)
    const live = [await worker(props, 'poll-a'), await worker(props, 'poll-b')]
    const topic = `${id}-data`
    await createDatagen(live[1] as DistributedWorker, 'eos-gen', topic)
    await killRounds(props, 'eos-gen', live, Number(process.env.EOS_KILLS ?? 10), 'poll')
    await new Promise((r) => setTimeout(r, 1000))
    const n = await stopAndCheck(live[0] as DistributedWorker, 'eos-gen', topic)
    console.log(`poll: ${n} sequence numbers, each exactly once, across 10 kills`)
    assert.ok(n > 10 * 1000, `the task made progress between kills (${n} records)`)
    // Fencing bookkeeping: the leader wrote the task count record (first generation of task configs).
    const configs = await readCommitted(bootstrap, `${id}-configs`, { idleMs: 500 })
    const fencing = configs.filter((m) => String(m.key) === 'tasks-fencing-eos-gen')
    assert.ok(fencing.length >= 1, 'a tasks-fencing-eos-gen record')
    assert.equal(String(fencing[0]?.value), '{"task-count":1}')
  })

  test('kill -9 under transaction.boundary=interval, 3 times', async () => {
    const id = uniqueTopic('eos-int')
    const props = eosProps(id)
    const live = [await worker(props, 'int-a'), await worker(props, 'int-b')]
    const topic = `${id}-data`
    await createDatagen(live[0] as DistributedWorker, 'eos-int', topic, {
      'transaction.boundary': 'interval',
      'transaction.boundary.interval.ms': '300',
    })
    await killRounds(props, 'eos-int', live, 3, 'interval')
    await new Promise((r) => setTimeout(r, 1000))
    const n = await stopAndCheck(live[0] as DistributedWorker, 'eos-int', topic)
    console.log(`interval: ${n} sequence numbers, each exactly once, across 3 kills`)
    assert.ok(n > 3 * 1000)
  })

  test('kill -9 under transaction.boundary=connector (datagen commits every 250 records), 3 times', async () => {
    const id = uniqueTopic('eos-conn')
    const props = eosProps(id)
    const live = [await worker(props, 'conn-a'), await worker(props, 'conn-b')]
    const topic = `${id}-data`
    await createDatagen(live[0] as DistributedWorker, 'eos-conn', topic, {
      'transaction.boundary': 'connector',
      'transaction.records': '250',
    })
    await killRounds(props, 'eos-conn', live, 3, 'connector')
    await new Promise((r) => setTimeout(r, 1000))
    const n = await stopAndCheck(live[0] as DistributedWorker, 'eos-conn', topic)
    console.log(`connector: ${n} sequence numbers, each exactly once, across 3 kills`)
    // Transactions end only where the task asked: the stop aborts a partial one.
    assert.equal(n % 250, 0, 'only whole connector-defined transactions are visible')
    assert.ok(n > 3 * 250)
  })

  test('preparing: the leader writes the config topic transactionally, tasks stay at-least-once; required is refused', async () => {
    const id = uniqueTopic('eos-prep')
    const props = { ...eosProps(id), 'exactly.once.source.support': 'preparing' }
    const w = await worker(props, 'prep-a')
    const topic = `${id}-data`
    const refused = await pollUntil('validation answered', 60_000, async () => {
      const r = await restJson<{ message: string }>(`${w.url}/connectors`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          name: 'eos-prep',
          config: { 'connector.class': 'Datagen', topic, 'exactly.once.support': 'required' },
        }),
      })
      return r.status === 409 ? undefined : r
    })
    assert.equal(refused.status, 400)
    assert.match(refused.body.message, /This worker does not have exactly-once source support enabled\./)
    await createDatagen(w, 'eos-prep', topic, { 'exactly.once.support': 'requested', 'max.records': '500' })
    await runner('eos-prep', [w])
    const data = await pollUntil('500 records', 60_000, async () => {
      const got = await readCommitted(bootstrap, topic, { idleMs: 500 })
      return got.length >= 500 ? got : undefined
    })
    // No transaction markers in the data topic (an at-least-once producer): offsets 0..499.
    assert.deepEqual(
      data.map((m) => m.offset),
      Array.from({ length: 500 }, (_, i) => i),
    )
    // The config topic: each privileged write is a transaction, so a marker follows each one.
    const configs = await readCommitted(bootstrap, `${id}-configs`, { idleMs: 500 })
    const offsets = configs.map((m) => m.offset)
    assert.ok(
      offsets.some((o, i) => i > 0 && o > (offsets[i - 1] as number) + 1),
      `transaction markers between config records: offsets ${offsets.join(',')}`,
    )
  })

  test('a zombie: the paused worker’s task moves; after SIGCONT its writes are fenced and never visible', async () => {
    const id = uniqueTopic('eos-zombie')
    const props = eosProps(id)
    const live = [await worker(props, 'zombie-a'), await worker(props, 'zombie-b')]
    const topic = `${id}-data`
    await createDatagen(live[0] as DistributedWorker, 'eos-z', topic)
    const zombie = await runner('eos-z', live)
    await new Promise((r) => setTimeout(r, 1000))
    zombie.signal('SIGSTOP')
    const others = live.filter((w) => w !== zombie)
    const moved = await runner('eos-z', others)
    console.log(`zombie ${zombie.workerId} paused; task RUNNING on ${moved.workerId}`)
    await new Promise((r) => setTimeout(r, 1000))
    zombie.signal('SIGCONT')
    // The zombie wakes up with an open transaction and a producer whose epoch is stale.
    await pollUntil('the zombie noticed it was fenced', 60_000, async () =>
      /was fenced out by a newer instance of the task/.test(readFileSync(zombie.logFile, 'utf8'))
        ? true
        : undefined,
    )
    await new Promise((r) => setTimeout(r, 2000))
    const n = await stopAndCheck(moved, 'eos-z', topic)
    console.log(`zombie: ${n} sequence numbers, each exactly once`)

    // KIP-875 on the stopped connector: fenced first, then written with task 0's transactional id.
    const patch = await restJson<{ message: string }>(`${moved.url}/connectors/eos-z/offsets`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ offsets: [{ partition: { task: 0 }, offset: { seq: 5 } }] }),
    })
    assert.equal(patch.status, 200, JSON.stringify(patch.body))
    assert.equal(patch.body.message, 'The offsets for this connector have been altered successfully')
    const got = await restJson<{ offsets: Array<{ partition: unknown; offset: unknown }> }>(
      `${moved.url}/connectors/eos-z/offsets`,
    )
    assert.deepEqual(got.body.offsets, [{ partition: { task: 0 }, offset: { seq: 5 } }])
    const written = await readCommitted(bootstrap, `${id}-offsets`, { idleMs: 500 })
    assert.equal(
      String(written.at(-1)?.value),
      '{"seq":5}',
      'committed (read_committed) on the offsets topic',
    )
  })
})
