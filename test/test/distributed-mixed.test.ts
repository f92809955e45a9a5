import assert from 'node:assert/strict'
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import {
  type DistributedWorker,
  startJavaDistributed,
  startSluiceDistributed,
} from '../compat/distributed-servers.js'
import { freePort, javaClasspath, pollUntil, sluiceCli } from '../compat/servers.js'
import { ensureBroker, uniqueTopic } from '../src/broker.js'

// A mixed Connect group: Sluice workers and a Java Kafka Connect 4.4 worker in one group.id, sharing the
// internal topics. Connectors created on either kind run on both kinds; statuses read alike from every
// worker; kill -9 of the worker running a task moves the task to the other kind with nothing lost.
// Short session timeouts and scheduled.rebalance.max.delay.ms keep it to about a minute.

interface StateEntry {
  readonly state: string
  readonly worker_id: string
}
interface Status {
  readonly name: string
  readonly connector: StateEntry
  readonly tasks: ReadonlyArray<StateEntry & { readonly id: number }>
}

async function json<T>(url: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const r = await fetch(url, init)
  const text = await r.text()
  return { status: r.status, body: (text === '' ? null : JSON.parse(text)) as T }
}

async function create(worker: DistributedWorker, name: string, config: Record<string, string>) {
  const r = await json<{ name: string }>(`${worker.url}/connectors`, {
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
  const id = uniqueTopic('dist')
  const props: Record<string, string> = {
    'bootstrap.servers': bootstrap,
    'group.id': `${id}-group`,
    'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'config.storage.topic': `${id}-configs`,
    'offset.storage.topic': `${id}-offsets`,
    'status.storage.topic': `${id}-status`,
    'config.storage.replication.factor': '1',
    'offset.storage.replication.factor': '1',
    'status.storage.replication.factor': '1',
    'offset.storage.partitions': '5',
    'status.storage.partitions': '3',
    'session.timeout.ms': '6000',
    'heartbeat.interval.ms': '1000',
    'scheduled.rebalance.max.delay.ms': '2000',
    'offset.flush.interval.ms': '500',
  }

  before(() => {
    assert.ok(cli, 'the sluice CLI is built (pnpm exec tsc -b packages/cli)')
    assert.ok(classpath, `Java Kafka Connect is available: ${reason}`)
  })

  after(async () => {
    for (const w of workers) await w.stop().catch(() => undefined)
  })

  const start = async (side: 'java' | 'sluice', n: number) => {
    const port = await freePort()
    const w =
      side === 'java'
        ? await startJavaDistributed({
            dir: path.join(dir, `java-${n}`),
            port,
            classpath: classpath as string,
            props,
          })
        : await startSluiceDistributed({
            dir: path.join(dir, `sluice-${n}`),
            port,
            cli: cli as string,
            props,
          })
    workers.push(w)
    return w
  }

  test('create on either kind, run on both, move a killed worker’s task to the other kind, lose nothing', async () => {
    // A Sluice worker first, so Sluice leads the group the Java worker then joins.
    const s1 = await start('sluice', 1)
    const j1 = await start('java', 1)
    const s2 = await start('sluice', 2)
    const all = [s1, j1, s2]

    const input = path.join(dir, 'in.txt')
    const output = path.join(dir, 'out.txt')
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

    // kill -9 the worker that runs the source task; the task must come back on a worker of the other kind
    // (or any survivor), RUNNING, and the lines written meanwhile must all reach the sink.
    const srcOwner = src.tasks[0]?.worker_id
    const victim = all.find((w) => w.workerId === srcOwner) as DistributedWorker
    await victim.kill()
    const killedAt = Date.now()
    const more = Array.from({ length: 30 }, (_, i) => `after-${i}`)
    appendFileSync(input, `${more.join('\n')}\n`)
    const survivors = all.filter((w) => w !== victim)
    const moved = await pollUntil('the source task RUNNING on a surviving worker', 90_000, async () => {
      const r = await json<Status>(`${survivors[0]?.url}/connectors/src/status`)
      const t = r.body?.tasks?.[0]
      return t?.state === 'RUNNING' && t.worker_id !== victim.workerId ? t : undefined
    })
    const seconds = (Date.now() - killedAt) / 1000
    console.log(
      `kill -9 of ${victim.side} ${victim.workerId}: source task RUNNING on ${moved.worker_id} after ${seconds.toFixed(1)} s`,
    )
    assert.ok(survivors.some((w) => w.workerId === moved.worker_id))
    await runningEverywhere(survivors, 'src', 1)
    await runningEverywhere(survivors, 'sink', 2)
    await allLinesArrive(output, [...expected, ...more])
  })
})
