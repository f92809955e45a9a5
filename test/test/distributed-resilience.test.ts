import assert from 'node:assert/strict'
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, describe, test } from 'node:test'
import { KafkaLog } from '@sluice/kafka'
import {
  type ConnectorStatusBody,
  type DistributedWorker,
  restJson,
  startSluiceDistributed,
  testGroupProps,
} from '../compat/distributed-servers.js'
import { type PrivateBroker, startPrivateBroker } from '../compat/private-broker.js'
import { freePort, pollUntil, sluiceCli } from '../compat/servers.js'
import { ensureBroker, uniqueTopic } from '../src/broker.js'

// A Sluice cluster (three `sluice distributed` workers) under the failures operators meet:
// - the broker restarts mid-stream (a private broker, so the shared one keeps serving other tests);
// - every worker is restarted in turn (a rolling upgrade);
// - a rebalance storm: 20 connectors while workers join and leave, converging without task thrash.
// FileStreamSource → Kafka → FileStreamSink is at least once: "nothing lost" = every input line is in
// the sink file.

type Status = ConnectorStatusBody

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** POST /connectors, retried on 409 (the worker has not joined yet, or a rebalance is under way). */
async function create(w: DistributedWorker, name: string, config: Record<string, string>): Promise<void> {
  const deadline = Date.now() + 60_000
  for (;;) {
    const res = await fetch(`${w.url}/connectors`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name, config }),
    }).catch((err: unknown) => ({ status: 0, text: async () => String(err) }))
    const text = await res.text()
    if (res.status === 201) return
    assert.ok(
      (res.status === 409 || res.status === 0 || res.status >= 500) && Date.now() < deadline,
      `create ${name}: ${res.status} ${text}`,
    )
    await sleep(500)
  }
}

/** Every connector and its tasks RUNNING, as `via` reports them; resolves with the statuses. */
function allRunning(via: () => DistributedWorker, names: readonly string[], timeoutMs: number) {
  return pollUntil(`${names.join(', ')} and their tasks RUNNING`, timeoutMs, async () => {
    const out: Status[] = []
    for (const name of names) {
      const s = await restJson<Status>(`${via().url}/connectors/${name}/status`)
      if (s.status !== 200 || s.body.connector.state !== 'RUNNING') return undefined
      if (s.body.tasks.length === 0 || s.body.tasks.some((t) => t.state !== 'RUNNING')) return undefined
      out.push(s.body)
    }
    return out
  })
}

/** Appends numbered lines to the source file in the background until stopped. */
function streamLines(file: string, prefix: string) {
  let n = 0
  let running = true
  const done = (async () => {
    while (running) {
      const batch = Array.from({ length: 50 }, () => `${prefix}-${n++}`)
      appendFileSync(file, `${batch.join('\n')}\n`)
      await sleep(100)
    }
  })()
  return {
    stop: async () => {
      running = false
      await done
      return Array.from({ length: n }, (_, i) => `${prefix}-${i}`)
    },
  }
}

async function allLinesArrive(output: string, expected: readonly string[], timeoutMs: number) {
  await pollUntil(`all ${expected.length} lines in the sink file`, timeoutMs, async () => {
    if (!existsSync(output)) return undefined
    const got = new Set(readFileSync(output, 'utf8').split('\n'))
    return expected.every((l) => got.has(l)) ? true : undefined
  })
}

describe('distributed mode: failures of the broker and the workers', { timeout: 600_000 }, () => {
  const cli = sluiceCli()
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-resilience-'))
  const workers: DistributedWorker[] = []
  let broker: PrivateBroker | undefined
  const logs: KafkaLog[] = []
  after(async () => {
    for (const w of workers) await w.stop().catch(() => undefined)
    for (const l of logs) await l.stop().catch(() => undefined)
    await broker?.destroy().catch(() => undefined)
  })

  const startWorker = async (
    name: string,
    props: Record<string, string>,
    port?: number,
  ): Promise<DistributedWorker> => {
    const w = await startSluiceDistributed({
      dir: path.join(dir, name),
      port: port ?? (await freePort()),
      cli: cli as string,
      props,
    })
    workers.push(w)
    return w
  }

  const pipeline = async (w: DistributedWorker, id: string) => {
    const input = path.join(dir, `${id}-in.txt`)
    const output = path.join(dir, `${id}-out.txt`)
    writeFileSync(input, '')
    const topic = `${id}-data`
    await create(w, `${id}-src`, {
      'connector.class': 'FileStreamSource',
      file: input,
      topic,
      'tasks.max': '1',
    })
    await create(w, `${id}-sink`, {
      'connector.class': 'FileStreamSink',
      file: output,
      topics: topic,
      'tasks.max': '1',
    })
    return { input, output, names: [`${id}-src`, `${id}-sink`] }
  }

  test('a broker restart mid-stream loses nothing and every connector runs again', async () => {
    assert.ok(cli, 'the sluice CLI is built (pnpm exec tsc -b packages/cli)')
    broker = await startPrivateBroker()
    const id = uniqueTopic('distributed-brk')
    const props = testGroupProps(broker.bootstrap, id)
    const ws = [
      await startWorker(`${id}-w0`, props),
      await startWorker(`${id}-w1`, props),
      await startWorker(`${id}-w2`, props),
    ]
    const { input, output, names } = await pipeline(ws[2] as DistributedWorker, id)
    await allRunning(() => ws[0] as DistributedWorker, names, 60_000)
    const stream = streamLines(input, 'brk')
    await sleep(2_000)
    const t0 = Date.now()
    await broker.restart()
    const downMs = Date.now() - t0
    await sleep(2_000)
    const expected = await stream.stop()
    await allLinesArrive(output, expected, 120_000)
    const recoveredMs = Date.now() - t0
    // Each worker answers and reports both connectors and their tasks RUNNING again.
    for (const w of ws) await allRunning(() => w, names, 60_000)
    console.log(
      `broker restart: down/up in ${(downMs / 1000).toFixed(1)} s; all ${expected.length} lines in the sink ${(recoveredMs / 1000).toFixed(1)} s after the stop began`,
    )
    for (const w of ws) await w.stop()
    await broker.destroy()
    broker = undefined
  })

  test('a rolling restart of every worker loses nothing and ends with every connector RUNNING', async () => {
    assert.ok(cli, 'the sluice CLI is built (pnpm exec tsc -b packages/cli)')
    const bootstrap = ensureBroker()
    const id = uniqueTopic('distributed-roll')
    const props = testGroupProps(bootstrap, id)
    const ports = [await freePort(), await freePort(), await freePort()]
    const live: DistributedWorker[] = []
    for (let n = 0; n < 3; n++) live.push(await startWorker(`${id}-w${n}-0`, props, ports[n]))
    const { input, output, names } = await pipeline(live[1] as DistributedWorker, id)
    await allRunning(() => live[0] as DistributedWorker, names, 60_000)
    const stream = streamLines(input, 'roll')
    const t0 = Date.now()
    for (let n = 0; n < 3; n++) {
      // Graceful stop (LeaveGroup at once), then the same worker (port = worker id) comes back.
      await (live[n] as DistributedWorker).stop()
      live[n] = await startWorker(`${id}-w${n}-1`, props, ports[n])
      const other = live[(n + 1) % 3] as DistributedWorker
      await allRunning(() => other, names, 60_000)
    }
    const expected = await stream.stop()
    await allLinesArrive(output, expected, 60_000)
    for (const w of live) await allRunning(() => w, names, 30_000)
    console.log(
      `rolling restart of 3 workers: ${((Date.now() - t0) / 1000).toFixed(1)} s; all ${expected.length} lines in the sink`,
    )
    for (const w of live) await w.stop()
  })

  test('a rebalance storm of 20 connectors converges without restarting tasks that keep their worker', async () => {
    assert.ok(cli, 'the sluice CLI is built (pnpm exec tsc -b packages/cli)')
    const bootstrap = ensureBroker()
    const id = uniqueTopic('distributed-storm')
    const props = testGroupProps(bootstrap, id)
    const names = Array.from({ length: 20 }, (_, i) => `${id}-c${i}`)
    const topic = `${id}-data`
    const w0 = await startWorker(`${id}-w0`, props)
    const w1 = await startWorker(`${id}-w1`, props)
    for (const name of names)
      await create(w1, name, {
        'connector.class': 'FileStreamSink',
        file: path.join(dir, `${name}.out`),
        topics: topic,
        'tasks.max': '1',
      })
    await allRunning(() => w0, names, 90_000)

    // Every task's RUNNING reports, in order, with the worker that wrote them.
    const runs = new Map<string, string[]>()
    const statusLog = new KafkaLog({
      topic: `${id}-status`,
      client: { 'bootstrap.servers': bootstrap },
      onRecord: (r) => {
        const key = r.key?.toString() ?? ''
        if (!key.startsWith('status-task-') || r.value === null) return
        const v = JSON.parse(r.value.toString()) as { state: string; worker_id: string }
        if (v.state === 'RUNNING') runs.set(key, [...(runs.get(key) ?? []), v.worker_id])
      },
    })
    logs.push(statusLog)
    await statusLog.start()
    await statusLog.readToEnd(30_000)

    // The storm: two workers join at once, one of the first leaves, another joins, a joiner leaves.
    const t0 = Date.now()
    const [w2, w3] = await Promise.all([startWorker(`${id}-w2`, props), startWorker(`${id}-w3`, props)])
    await w0.stop()
    const w4 = await startWorker(`${id}-w4`, props)
    await w2.stop()
    const live = [w1, w3, w4]
    const liveIds = new Set(live.map((w) => w.workerId))
    const loads = await pollUntil(
      '20 connectors RUNNING, tasks balanced over the 3 live workers',
      120_000,
      async () => {
        const per = new Map([...liveIds].map((w) => [w, 0]))
        for (const name of names) {
          const s = await restJson<Status>(`${w1.url}/connectors/${name}/status`)
          if (s.status !== 200 || s.body.connector.state !== 'RUNNING') return undefined
          const t = s.body.tasks[0]
          if (t?.state !== 'RUNNING' || !liveIds.has(t.worker_id) || !liveIds.has(s.body.connector.worker_id))
            return undefined
          per.set(t.worker_id, (per.get(t.worker_id) ?? 0) + 1)
        }
        const counts = [...per.values()]
        return counts.every((c) => c === 6 || c === 7) ? counts : undefined
      },
    )
    const convergedMs = Date.now() - t0
    // Settled: nothing moves any more.
    await sleep(4_000)
    await statusLog.readToEnd(30_000)
    let restartsInPlace = 0
    let moves = 0
    for (const [task, owners] of runs)
      for (let i = 1; i < owners.length; i++) {
        if (owners[i] === owners[i - 1]) {
          restartsInPlace++
          console.log(`${task} restarted on the worker it already ran on: ${owners.join(' → ')}`)
        } else moves++
      }
    console.log(
      `rebalance storm (2 join, 1 leaves, 1 joins, 1 leaves): converged in ${(convergedMs / 1000).toFixed(1)} s; task loads ${loads.join('/')}; ${moves} task moves; ${restartsInPlace} restarts of tasks that kept their worker`,
    )
    assert.equal(restartsInPlace, 0, 'no task was restarted on the worker that kept it')
    for (const w of live) await w.stop()
  })
})
