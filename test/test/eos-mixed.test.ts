import assert from 'node:assert/strict'
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { KafkaAdmin } from '@sluice/kafka'
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
import { exactlyOnceSequence, readCommitted } from '../src/committed-reader.js'

// KIP-618 in a mixed group: Sluice workers and a Java Kafka Connect 4.4 worker, all with
// exactly.once.source.support=enabled, share one group and its topics. A FileStreamSource task (both
// kinds have it, with the same offsets) is killed with -9 until it has moved from one kind to the
// other and back; a read_committed consumer then sees every line it delivered exactly once. The transactional
// id `<group.id>-<connector>-<task>` is the same on both kinds, so each new instance fences the last.

type Status = ConnectorStatusBody

describe('exactly-once source in a mixed Sluice/Java group', { timeout: 600_000 }, () => {
  const bootstrap = ensureBroker()
  const cli = sluiceCli()
  const { classpath, reason } = javaClasspath()
  const workers: DistributedWorker[] = []
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-eos-mixed-'))

  before(() => {
    assert.ok(cli, 'the sluice CLI is built (pnpm exec tsc -b packages/cli)')
    assert.ok(classpath, `Java Kafka Connect is available: ${reason}`)
  })
  after(async () => {
    for (const w of workers) await w.stop().catch(() => undefined)
  })

  test('a task moves between a Java and a Sluice worker by kill -9; no duplicate under read_committed', async () => {
    const id = uniqueTopic('eos-mixed')
    const props = {
      ...testGroupProps(bootstrap, id),
      'exactly.once.source.support': 'enabled',
      'scheduled.rebalance.max.delay.ms': '0',
    }
    const start = async (side: 'java' | 'sluice', n: number) => {
      const port = await freePort()
      const where = path.join(dir, `${side}-${n}`)
      const w =
        side === 'java'
          ? await startJavaDistributed({ dir: where, port, classpath: classpath as string, props })
          : await startSluiceDistributed({ dir: where, port, cli: cli as string, props })
      workers.push(w)
      return w
    }
    // One worker of each kind at any time, so a killed owner's task must move to the other kind. Sluice
    // first: it leads, so its transactional config writes and fencing serve the Java worker.
    const s1 = await start('sluice', 1)
    const j1 = await start('java', 1)
    let live = [s1, j1]

    const topic = `${id}-data`
    const admin = KafkaAdmin.create({ 'bootstrap.servers': bootstrap })
    await admin.createTopic({ topic, partitions: 1, replicationFactor: 1 }, { ifNotExists: true })
    admin.close()
    const input = path.join(dir, 'in.txt')
    let next = 0
    const append = (n: number) => {
      const lines = Array.from({ length: n }, () => `0-${next++}:line`)
      appendFileSync(input, `${lines.join('\n')}\n`)
    }
    writeFileSync(input, '')
    append(500)
    const appender = setInterval(() => append(50), 50)
    const kinds: string[] = []
    try {
      await pollUntil('the source created', 60_000, async () => {
        const r = await fetch(`${j1.url}/connectors`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({
            name: 'eos-file',
            config: {
              'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
              file: input,
              topic,
              'tasks.max': '1',
              'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
              'exactly.once.support': 'required',
            },
          }),
        })
        const text = await r.text()
        if (r.status === 409) return undefined
        assert.equal(r.status, 201, text)
        return true
      })
      const owner = async (among: readonly DistributedWorker[]) =>
        pollUntil('eos-file task 0 RUNNING on a live worker', 90_000, async () => {
          for (const w of among) {
            const s = await restJson<Status>(`${w.url}/connectors/eos-file/status`).catch(() => undefined)
            const t = s?.body?.tasks?.[0]
            if (t?.state === 'RUNNING') return among.find((x) => x.workerId === t.worker_id)
          }
          return undefined
        })
      let current = await owner(live)
      kinds.push(current.side)
      // kill -9 of the task's worker, twice; the task must move to the one live worker of the other kind,
      // and a replacement of the killed kind joins after that, so the task moves both ways.
      const moves = new Set<string>()
      for (let kill = 0; kill < 2; kill++) {
        await new Promise((r) => setTimeout(r, 1500))
        const victim = current
        const t0 = Date.now()
        await victim.kill()
        live = live.filter((w) => w !== victim)
        const movedId = await pollUntil('eos-file task 0 RUNNING off the killed worker', 90_000, async () => {
          for (const w of live) {
            const st = await restJson<Status>(`${w.url}/connectors/eos-file/status`).catch(() => undefined)
            const t = st?.body?.tasks?.[0]
            if (t?.state === 'RUNNING' && t.worker_id !== victim.workerId) return t.worker_id
          }
          return undefined
        })
        // The replacement starts only now: one joining earlier could take the task itself (same kind).
        live.push(await start(victim.side, kill + 3))
        current = live.find((w) => w.workerId === movedId) as DistributedWorker
        console.log(
          `kill -9 of ${victim.side} ${victim.workerId}: task RUNNING on ${current.side} ${current.workerId} after ${((Date.now() - t0) / 1000).toFixed(1)} s`,
        )
        kinds.push(current.side)
        if (victim.side !== current.side) moves.add(`${victim.side}→${current.side}`)
      }
      assert.deepEqual(
        [...moves].sort(),
        ['java→sluice', 'sluice→java'],
        `the task moved both ways: ${kinds}`,
      )
      await new Promise((r) => setTimeout(r, 2000))
    } finally {
      clearInterval(appender)
    }
    const leader = live[0] as DistributedWorker
    await pollUntil('eos-file stopped', 60_000, async () => {
      const r = await fetch(`${leader.url}/connectors/eos-file/stop`, { method: 'PUT' })
      await r.text()
      if (r.status >= 300) return undefined
      const s = await restJson<Status>(`${leader.url}/connectors/eos-file/status`)
      return s.body.connector.state === 'STOPPED' && s.body.tasks.length === 0 ? true : undefined
    })
    const records = await readCommitted(bootstrap, topic, { idleMs: 2000, timeoutMs: 120_000 })
    const { perTask, problems } = exactlyOnceSequence(records.map((m) => String(m.value)))
    assert.deepEqual(problems, [], 'every line exactly once under read_committed')
    const n = perTask.get(0) ?? 0
    console.log(`mixed: ${n} of ${next} lines delivered, each exactly once, task on ${kinds.join(' → ')}`)
    assert.equal(records.length, n)
    assert.ok(n > 500, 'the task made progress')
  })
})
