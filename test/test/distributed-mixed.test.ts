import assert from 'node:assert/strict'
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import {
  type ConnectorStatusBody,
  type DistributedWorker,
  restJson,
  startJavaDistributed,
  startSluiceDistributed,
  testGroupProps,
} from '../compat/distributed-servers.js'
import { freePort, javaClasspath, pollUntil, sluiceCli } from '../compat/servers.js'
import { ensureBroker, uniqueTopic } from '../src/broker.js'

// A mixed Connect group: Sluice workers and a Java Kafka Connect 4.4 worker in one group.id, sharing the
// internal topics. Connectors created on either kind run on both kinds; statuses read alike from every
// worker; kill -9 of the worker running a task moves the task to the other kind with nothing lost.
// Short session timeouts and scheduled.rebalance.max.delay.ms keep it to about a minute.

type Status = ConnectorStatusBody
const json = restJson

/** A REST write, retried on 409 (rebalance in progress) as clients of Kafka Connect do. */
async function write<T>(url: string, init: RequestInit): Promise<{ status: number; body: T }> {
  const deadline = Date.now() + 60_000
  for (;;) {
    const r = await json<T>(url, init)
    if (r.status !== 409 || Date.now() > deadline) return r
    await new Promise((res) => setTimeout(res, 500))
  }
}

async function create(worker: DistributedWorker, name: string, config: Record<string, string>) {
  const r = await write<{ name: string }>(`${worker.url}/connectors`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name, config }),
  })
  assert.equal(
    r.status,
    201,
    `create ${name} on ${worker.side} ${worker.workerId}: ${JSON.stringify(r.body)}`,
  )
}

/** Waits until `name` and its `tasks` tasks are RUNNING and every worker reports the same status. */
async function runningEverywhere(
  workers: readonly DistributedWorker[],
  name: string,
  tasks: number,
): Promise<Status> {
  return pollUntil(`${name} RUNNING with ${tasks} tasks, seen alike by every worker`, 90_000, async () => {
    const seen: Status[] = []
    for (const w of workers) {
      const r = await json<Status>(`${w.url}/connectors/${name}/status`)
      if (r.status !== 200) return undefined
      seen.push(r.body)
    }
    const first = seen[0] as Status
    if (first.connector.state !== 'RUNNING' || first.tasks.length !== tasks) return undefined
    if (first.tasks.some((t) => t.state !== 'RUNNING')) return undefined
    const same = seen.every((s) => JSON.stringify(s) === JSON.stringify(first))
    return same ? first : undefined
  })
}

function lines(file: string): string[] {
  return existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
    : []
}

async function allLinesArrive(out: string, expected: readonly string[]): Promise<void> {
  await pollUntil(`${expected.length} lines in ${out}`, 60_000, async () => {
    const got = new Set(lines(out))
    return expected.every((l) => got.has(l)) ? true : undefined
  })
}

describe('distributed mode: Sluice and Java workers in one Connect group', { timeout: 600_000 }, () => {
  const bootstrap = ensureBroker()
  const cli = sluiceCli()
  const { classpath, reason } = javaClasspath()
  const workers: DistributedWorker[] = []
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-distributed-'))
  const groupProps = (id: string) => testGroupProps(bootstrap, id)

  before(() => {
    assert.ok(cli, 'the sluice CLI is built (pnpm exec tsc -b packages/cli)')
    assert.ok(classpath, `Java Kafka Connect is available: ${reason}`)
  })

  after(async () => {
    for (const w of workers) await w.stop().catch(() => undefined)
  })

  const start = async (side: 'java' | 'sluice', id: string, n: number) => {
    const port = await freePort()
    const props = groupProps(id)
    const where = path.join(dir, `${id}-${side}-${n}`)
    const w =
      side === 'java'
        ? await startJavaDistributed({ dir: where, port, classpath: classpath as string, props })
        : await startSluiceDistributed({ dir: where, port, cli: cli as string, props })
    workers.push(w)
    return w
  }

  /** kill -9 of the worker running `connector`'s task 0; waits until a survivor runs it. */
  const killTaskOwner = async (all: DistributedWorker[], connector: string) => {
    const st = await json<Status>(`${all[0]?.url}/connectors/${connector}/status`)
    const victim = all.find((w) => w.workerId === st.body.tasks[0]?.worker_id) as DistributedWorker
    await victim.kill()
    const killedAt = Date.now()
    const survivors = all.filter((w) => w !== victim)
    const moved = await pollUntil(`${connector} task 0 RUNNING on a surviving worker`, 90_000, async () => {
      const r = await json<Status>(`${survivors[0]?.url}/connectors/${connector}/status`)
      const t = r.body?.tasks?.[0]
      return t?.state === 'RUNNING' && t.worker_id !== victim.workerId ? t : undefined
    })
    const seconds = ((Date.now() - killedAt) / 1000).toFixed(1)
    const to = survivors.find((w) => w.workerId === moved.worker_id) as DistributedWorker
    console.log(
      `kill -9 of ${victim.side} ${victim.workerId}: ${connector} task 0 RUNNING on ${to.side} ${to.workerId} after ${seconds} s`,
    )
    return { victim, to, survivors }
  }

  test('Sluice leads: create on either kind, run on both, a killed worker’s task moves to the other kind, nothing lost', async () => {
    const id = uniqueTopic('dist-a')
    // A Sluice worker first, so Sluice leads the group the Java worker then joins.
    const s1 = await start('sluice', id, 1)
    const j1 = await start('java', id, 1)
    const s2 = await start('sluice', id, 2)
    const all = [s1, j1, s2]

    const input = path.join(dir, `${id}-in.txt`)
    const output = path.join(dir, `${id}-out.txt`)
    const topic = `${id}-data`
    const expected = Array.from({ length: 50 }, (_, i) => `line-${i}`)
    writeFileSync(input, `${expected.join('\n')}\n`)
    // Created on the Java follower (forwarded to the Sluice leader) and on a Sluice worker.
    await create(j1, 'src', {
      'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
      file: input,
      topic,
      'tasks.max': '1',
    })
    await create(s2, 'sink', {
      'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
      file: output,
      topics: topic,
      'tasks.max': '2',
    })
    const src = await runningEverywhere(all, 'src', 1)
    const sink = await runningEverywhere(all, 'sink', 2)
    const owners = [src.connector, ...src.tasks, sink.connector, ...sink.tasks].map((e) => e.worker_id)
    assert.ok(owners.includes(j1.workerId), `the Java worker runs something: ${owners.join(', ')}`)
    assert.ok(
      owners.includes(s1.workerId) || owners.includes(s2.workerId),
      `a Sluice worker runs something: ${owners.join(', ')}`,
    )
    await allLinesArrive(output, expected)

    // kill -9 of the source task's worker, mid-stream; if the task lands on the same kind, kill that one
    // too, so it has to move to the other kind.
    appendFileSync(input, `${Array.from({ length: 30 }, (_, i) => `after-${i}`).join('\n')}\n`)
    let round = await killTaskOwner(all, 'src')
    const firstKind = round.victim.side
    if (round.to.side === firstKind) round = await killTaskOwner(round.survivors, 'src')
    assert.notEqual(round.to.side, firstKind, 'the task moved to the other kind of worker')
    const more = Array.from({ length: 30 }, (_, i) => `later-${i}`)
    appendFileSync(input, `${more.join('\n')}\n`)
    await runningEverywhere(round.survivors, 'src', 1)
    await runningEverywhere(round.survivors, 'sink', 2)
    await allLinesArrive(output, [
      ...expected,
      ...Array.from({ length: 30 }, (_, i) => `after-${i}`),
      ...more,
    ])
    for (const w of all) await w.stop()
  })

  test('Java leads: a connector created on Sluice runs on both kinds; restart and config change cross kinds', async () => {
    const id = uniqueTopic('dist-b')
    const j1 = await start('java', id, 1)
    const s1 = await start('sluice', id, 1)
    const all = [j1, s1]
    const topic = `${id}-data`
    const output = path.join(dir, `${id}-out.txt`)
    const sinkConfig = {
      'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
      file: output,
      topics: topic,
      'tasks.max': '2',
    }
    // Sluice is a follower: the create is forwarded to the Java leader.
    await create(s1, 'sink', sinkConfig)
    const st = await runningEverywhere(all, 'sink', 2)
    const taskOwners = st.tasks.map((t) => t.worker_id).sort()
    assert.deepEqual(taskOwners, [j1.workerId, s1.workerId].sort(), 'one task on each kind')

    // KIP-745 restart issued on Sluice: forwarded to the Java leader, which answers with the plan.
    const restart = await write<Status>(
      `${s1.url}/connectors/sink/restart?includeTasks=true&onlyFailed=false`,
      {
        method: 'POST',
      },
    )
    assert.equal(restart.status, 202, JSON.stringify(restart.body))
    assert.equal(restart.body.connector.state, 'RESTARTING')
    await runningEverywhere(all, 'sink', 2)

    // A config change on Java (tasks.max 2 → 1) takes effect on Sluice's view and assignment.
    const put = await write(`${j1.url}/connectors/sink/config`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...sinkConfig, 'tasks.max': '1' }),
    })
    assert.equal(put.status, 200)
    await runningEverywhere(all, 'sink', 1)
    const tasks = await json<unknown[]>(`${s1.url}/connectors/sink/tasks`)
    assert.equal(tasks.body.length, 1)

    // KIP-875 on a source: stop and reset issued on Sluice (forwarded to the Java leader); Sluice's own
    // offsets view, read from the offsets topic, sees the committed position and then the reset.
    const input = path.join(dir, `${id}-in.txt`)
    writeFileSync(input, 'one\ntwo\nthree\n')
    await create(s1, 'src', {
      'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
      file: input,
      topic,
      'tasks.max': '1',
    })
    await runningEverywhere(all, 'src', 1)
    type Offsets = { offsets: Array<{ partition: Record<string, unknown>; offset: { position?: number } }> }
    await pollUntil('the source position in Sluice’s offsets view', 30_000, async () => {
      const o = await json<Offsets>(`${s1.url}/connectors/src/offsets`)
      return (o.body.offsets[0]?.offset.position ?? 0) > 0 ? true : undefined
    })
    const stop = await write(`${s1.url}/connectors/src/stop`, { method: 'PUT' })
    assert.equal(stop.status, 204, JSON.stringify(stop.body))
    await pollUntil('src STOPPED with no tasks', 30_000, async () => {
      const st = await json<Status>(`${s1.url}/connectors/src/status`)
      return st.body.connector.state === 'STOPPED' && st.body.tasks.length === 0 ? true : undefined
    })
    const reset = await write<{ message: string }>(`${s1.url}/connectors/src/offsets`, { method: 'DELETE' })
    assert.equal(reset.status, 200, JSON.stringify(reset.body))
    assert.equal(reset.body.message, 'The offsets for this connector have been reset successfully')
    await pollUntil('no offsets in Sluice’s view after the reset', 30_000, async () => {
      const o = await json<Offsets>(`${s1.url}/connectors/src/offsets`)
      return o.body.offsets.length === 0 ? true : undefined
    })
    for (const w of all) await w.stop()
  })
})
