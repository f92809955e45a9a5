import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, describe, test } from 'node:test'
import { KafkaLog } from '@sluice/kafka'
import {
  type ConnectorStatusBody,
  type DistributedWorker,
  startSluiceDistributed,
  testGroupProps,
} from '../compat/distributed-servers.js'
import { freePort, pollUntil, sluiceCli } from '../compat/servers.js'
import { ensureBroker, uniqueTopic } from '../src/broker.js'

// Scaling a Sluice cluster: 10 sink connectors × 2 tasks on 2 workers; a third joins, then one leaves
// gracefully. The group converges to a balanced load, and a task that keeps its worker is never restarted
// (counted from the RUNNING records each start writes to the status topic).

type Status = ConnectorStatusBody

const CONNECTORS = Array.from({ length: 10 }, (_, i) => `sink-${i}`)

describe('distributed mode: workers joining and leaving', { timeout: 300_000 }, () => {
  const bootstrap = ensureBroker()
  const cli = sluiceCli()
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-scale-'))
  const workers: DistributedWorker[] = []
  const runs = new Map<string, string[]>()
  let statusLog: KafkaLog | undefined
  after(async () => {
    for (const w of workers) await w.stop().catch(() => undefined)
    await statusLog?.stop()
  })

  test('join and graceful leave move only what must move, and the load ends balanced', async () => {
    assert.ok(cli, 'the sluice CLI is built (pnpm exec tsc -b packages/cli)')
    const id = uniqueTopic('scale')
    const props = testGroupProps(bootstrap, id)
    const start = async (n: number) => {
      const w = await startSluiceDistributed({
        dir: path.join(dir, `w${n}`),
        port: await freePort(),
        cli: cli as string,
        props,
      })
      workers.push(w)
      return w
    }
    const w0 = await start(0)
    const w1 = await start(1)
    const topic = `${id}-data`
    for (const name of CONNECTORS) {
      for (const deadline = Date.now() + 60_000; ; ) {
        const r = await fetch(`${w1.url}/connectors`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({
            name,
            config: {
              'connector.class': 'FileStreamSink',
              file: path.join(dir, `${name}.out`),
              topics: topic,
              'tasks.max': '2',
            },
          }),
        })
        const text = await r.text()
        if (r.status === 201) break
        assert.ok(r.status === 409 && Date.now() < deadline, `create ${name}: ${r.status} ${text}`)
        await new Promise((res) => setTimeout(res, 500))
      }
    }

    // Every RUNNING report per task, in order, from the status topic.
    statusLog = new KafkaLog({
      topic: `${id}-status`,
      client: { 'bootstrap.servers': bootstrap },
      onRecord: (r) => {
        const key = r.key?.toString() ?? ''
        if (!key.startsWith('status-task-') || r.value === null) return
        const v = JSON.parse(r.value.toString()) as { state: string; worker_id: string }
        if (v.state !== 'RUNNING') return
        runs.set(key, [...(runs.get(key) ?? []), v.worker_id])
      },
    })
    await statusLog.start()

    /** Waits until all 20 tasks run and each live worker holds ⌊20/n⌋ or ⌈20/n⌉ of them. */
    const balanced = async (live: readonly DistributedWorker[]) =>
      pollUntil(`20 tasks RUNNING, balanced over ${live.length} workers`, 90_000, async () => {
        const perWorker = new Map(live.map((w) => [w.workerId, 0]))
        for (const name of CONNECTORS) {
          const r = await fetch(`${live[0]?.url}/connectors/${name}/status`)
          if (r.status !== 200) return undefined
          const st = (await r.json()) as Status
          if (st.tasks.length !== 2 || st.tasks.some((t) => t.state !== 'RUNNING')) return undefined
          for (const t of st.tasks) {
            if (!perWorker.has(t.worker_id)) return undefined
            perWorker.set(t.worker_id, (perWorker.get(t.worker_id) ?? 0) + 1)
          }
        }
        const loads = [...perWorker.values()]
        const min = Math.floor(20 / live.length)
        return loads.every((n) => n === min || n === min + 1) ? loads : undefined
      })

    await balanced([w0, w1])
    await statusLog.readToEnd(30_000)
    const before = new Map([...runs].map(([k, v]) => [k, v.length]))

    const w2 = await start(2)
    const loads3 = await balanced([w0, w1, w2])
    await new Promise((res) => setTimeout(res, 3_000))
    await statusLog.readToEnd(30_000)
    // Only tasks that moved to the new worker were started again; the others kept running untouched.
    let moved = 0
    for (const [task, owners] of runs) {
      const extra = owners.slice(before.get(task) ?? 0)
      if (extra.length === 0) continue
      assert.deepEqual(
        extra,
        [w2.workerId],
        `${task} was restarted only to move to the new worker: ${owners.join(' → ')}`,
      )
      moved++
    }
    console.log(`join: ${moved} of 20 tasks moved to the new worker; loads ${loads3.join('/')}`)
    assert.ok(moved >= 6 && moved <= 7, `about a third of the tasks moved (${moved})`)

    // w0 leaves gracefully: LeaveGroup at once, its tasks go to the two others.
    const before2 = new Map([...runs].map(([k, v]) => [k, v.length]))
    const leftAt = Date.now()
    await w0.stop()
    const loads2 = await balanced([w1, w2])
    console.log(
      `graceful leave: balanced again on 2 workers after ${((Date.now() - leftAt) / 1000).toFixed(1)} s; loads ${loads2.join('/')}`,
    )
    await new Promise((res) => setTimeout(res, 3_000))
    await statusLog.readToEnd(30_000)
    for (const [task, owners] of runs) {
      const extra = owners.slice(before2.get(task) ?? 0)
      if (extra.length === 0) continue
      assert.equal(extra.length, 1, `${task} started once after the leave: ${owners.join(' → ')}`)
      assert.equal(owners[(before2.get(task) ?? 0) - 1], w0.workerId, `${task} ran on the worker that left`)
    }
  })
})
