import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
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
import { freePort, pollUntil, sluiceCli, writeProps } from '../compat/servers.js'
import { ensureBroker, uniqueTopic } from '../src/broker.js'

// Three `sluice distributed` workers in one group: a connector created on a follower is readable from
// every worker; kill -9 of the worker running the source task mid-stream moves the task, and every line
// of the input reaches the sink file (FileStreamSource → Kafka → FileStreamSink, at least once).

type Status = ConnectorStatusBody
const get = restJson

describe('distributed mode: three Sluice workers', { timeout: 300_000 }, () => {
  const bootstrap = ensureBroker()
  const cli = sluiceCli()
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-dist3-'))
  const workers: DistributedWorker[] = []
  after(async () => {
    for (const w of workers) await w.stop().catch(() => undefined)
  })

  test('create on a follower, read everywhere, kill -9 mid-stream loses nothing', async () => {
    assert.ok(cli, 'the sluice CLI is built (pnpm exec tsc -b packages/cli)')
    const id = uniqueTopic('dist3')
    const props = testGroupProps(bootstrap, id)
    for (let n = 0; n < 3; n++) {
      const port = await freePort()
      workers.push(
        await startSluiceDistributed({ dir: path.join(dir, `w${n}`), port, cli: cli as string, props }),
      )
    }
    const [w0, w1, w2] = workers as [DistributedWorker, DistributedWorker, DistributedWorker]
    const input = path.join(dir, 'in.txt')
    const output = path.join(dir, 'out.txt')
    const first = Array.from({ length: 2000 }, (_, i) => `first-${i}`)
    writeFileSync(input, `${first.join('\n')}\n`)
    const topic = `${id}-data`
    // Retried on 409 (the worker has not joined the group yet, or a rebalance is under way).
    const post = async (w: DistributedWorker, name: string, config: Record<string, string>) => {
      const deadline = Date.now() + 60_000
      for (;;) {
        const res = await fetch(`${w.url}/connectors`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ name, config }),
        })
        if (res.status !== 409 || Date.now() > deadline) return res
        await res.text()
        await new Promise((done) => setTimeout(done, 500))
      }
    }
    // The last worker to join is a follower: its creates go to the leader.
    let r = await post(w2, 'src', {
      'connector.class': 'FileStreamSource',
      file: input,
      topic,
      'tasks.max': '1',
    })
    assert.equal(r.status, 201, await r.text())
    r = await post(w1, 'sink', {
      'connector.class': 'FileStreamSink',
      file: output,
      topics: topic,
      'tasks.max': '1',
    })
    assert.equal(r.status, 201, await r.text())

    for (const name of ['src', 'sink'])
      await pollUntil(`${name} RUNNING, alike on every worker`, 60_000, async () => {
        const seen = await Promise.all(workers.map((w) => get<Status>(`${w.url}/connectors/${name}/status`)))
        const ok = seen.every(
          (s) =>
            s.status === 200 && s.body.connector.state === 'RUNNING' && s.body.tasks[0]?.state === 'RUNNING',
        )
        return ok && seen.every((s) => JSON.stringify(s.body) === JSON.stringify(seen[0]?.body))
          ? true
          : undefined
      })
    for (const w of workers) {
      const list = await get<string[]>(`${w.url}/connectors`)
      assert.deepEqual([...list.body].sort(), ['sink', 'src'], `GET /connectors on ${w.workerId}`)
      const cfg = await get<Record<string, string>>(`${w.url}/connectors/src/config`)
      assert.equal(cfg.body.file, input)
    }

    // Mid-stream: more lines go in while the source task's worker is killed.
    const st = await get<Status>(`${w0.url}/connectors/src/status`)
    const victim = workers.find((w) => w.workerId === st.body.tasks[0]?.worker_id) as DistributedWorker
    const second = Array.from({ length: 2000 }, (_, i) => `second-${i}`)
    appendFileSync(input, `${second.slice(0, 1000).join('\n')}\n`)
    await victim.kill()
    const killedAt = Date.now()
    appendFileSync(input, `${second.slice(1000).join('\n')}\n`)
    const survivors = workers.filter((w) => w !== victim)
    const moved = await pollUntil('the source task RUNNING on a survivor', 60_000, async () => {
      const s = await get<Status>(`${survivors[0]?.url}/connectors/src/status`)
      const t = s.body?.tasks?.[0]
      return t?.state === 'RUNNING' && t.worker_id !== victim.workerId ? t : undefined
    })
    console.log(
      `kill -9 of ${victim.workerId}: source task RUNNING on ${moved.worker_id} after ${((Date.now() - killedAt) / 1000).toFixed(1)} s (session.timeout.ms 6000, scheduled.rebalance.max.delay.ms 2000)`,
    )
    const expected = [...first, ...second]
    await pollUntil(`all ${expected.length} lines in the sink file`, 90_000, async () => {
      if (!existsSync(output)) return undefined
      const got = new Set(readFileSync(output, 'utf8').split('\n'))
      return expected.every((l) => got.has(l)) ? true : undefined
    })
  })

  test('a config topic with more than one partition stops the worker at start, naming the topic and the fix', async () => {
    assert.ok(cli, 'the sluice CLI is built (pnpm exec tsc -b packages/cli)')
    const id = uniqueTopic('dist-bad')
    const props = testGroupProps(bootstrap, id)
    const admin = KafkaAdmin.create({ 'bootstrap.servers': bootstrap })
    try {
      await admin.createTopic({
        topic: props['config.storage.topic'] as string,
        partitions: 2,
        replicationFactor: 1,
        config: { 'cleanup.policy': 'compact' },
      })
    } finally {
      admin.close()
    }
    const dirBad = path.join(dir, 'bad')
    mkdirSync(dirBad, { recursive: true })
    const file = writeProps(path.join(dirBad, 'worker.properties'), {
      ...props,
      listeners: `http://127.0.0.1:${await freePort()}`,
    })
    const proc = spawn(process.execPath, [cli as string, 'distributed', file], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    proc.stdout.on('data', (b: Buffer) => {
      output += b.toString()
    })
    proc.stderr.on('data', (b: Buffer) => {
      output += b.toString()
    })
    const code = await new Promise<number | null>((resolve) => proc.once('exit', (c) => resolve(c)))
    assert.equal(code, 2, output)
    assert.match(
      output,
      new RegExp(
        `Topic '${id}-configs' supplied via the 'config.storage.topic' property is required to have a single partition`,
      ),
    )
  })
})
