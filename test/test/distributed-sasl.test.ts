import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, describe, test } from 'node:test'
import {
  type ConnectorStatusBody,
  type DistributedWorker,
  restJson,
  startSluiceDistributed,
  testGroupProps,
} from '../compat/distributed-servers.js'
import { type PrivateBroker, SASL_TEST_USER, startPrivateBroker } from '../compat/private-broker.js'
import { freePort, pollUntil, sluiceCli } from '../compat/servers.js'
import { uniqueTopic } from '../src/broker.js'

// Distributed mode over SASL_PLAINTEXT (PLAIN): a private broker whose only listener the workers know is
// the SASL one, and a worker file written as for Java (security.protocol, sasl.mechanism,
// sasl.jaas.config; producer.* and consumer.* for the tasks' clients). The Connect group requests
// (@platformatic/kafka), the internal topics and the data plane (librdkafka) all authenticate.

type Status = ConnectorStatusBody

describe('distributed mode over SASL_PLAINTEXT', { timeout: 300_000 }, () => {
  const cli = sluiceCli()
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-sasl-'))
  const workers: DistributedWorker[] = []
  let broker: PrivateBroker | undefined
  after(async () => {
    for (const w of workers) await w.stop().catch(() => undefined)
    await broker?.destroy().catch(() => undefined)
  })

  test('two workers form a group and move data with PLAIN credentials from sasl.jaas.config', async () => {
    assert.ok(cli, 'the sluice CLI is built (pnpm exec tsc -b packages/cli)')
    broker = await startPrivateBroker({ sasl: true })
    const bootstrap = broker.saslBootstrap as string
    const jaas = `org.apache.kafka.common.security.plain.PlainLoginModule required username="${SASL_TEST_USER.username}" password="${SASL_TEST_USER.password}";`
    const security: Record<string, string> = {}
    for (const prefix of ['', 'producer.', 'consumer.']) {
      security[`${prefix}security.protocol`] = 'SASL_PLAINTEXT'
      security[`${prefix}sasl.mechanism`] = 'PLAIN'
      security[`${prefix}sasl.jaas.config`] = jaas
    }
    const id = uniqueTopic('distributed-sasl')
    const props = { ...testGroupProps(bootstrap, id), ...security }
    for (let n = 0; n < 2; n++)
      workers.push(
        await startSluiceDistributed({
          dir: path.join(dir, `w${n}`),
          port: await freePort(),
          cli: cli as string,
          props,
        }),
      )
    const [w0, w1] = workers as [DistributedWorker, DistributedWorker]
    const input = path.join(dir, 'in.txt')
    const output = path.join(dir, 'out.txt')
    const lines = Array.from({ length: 3000 }, (_, i) => `sasl-${i}`)
    writeFileSync(input, `${lines.join('\n')}\n`)
    const create = async (w: DistributedWorker, name: string, config: Record<string, string>) =>
      pollUntil(`create ${name}`, 60_000, async () => {
        const r = await fetch(`${w.url}/connectors`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ name, config }),
        })
        const text = await r.text()
        if (r.status === 201) return true
        assert.equal(r.status, 409, `create ${name}: ${r.status} ${text}`)
        return undefined
      })
    const topic = `${id}-data`
    await create(w1, 'src', { 'connector.class': 'FileStreamSource', file: input, topic, 'tasks.max': '1' })
    await create(w0, 'sink', {
      'connector.class': 'FileStreamSink',
      file: output,
      topics: topic,
      'tasks.max': '1',
    })
    await pollUntil(`all ${lines.length} lines in the sink file`, 90_000, async () => {
      if (!existsSync(output)) return undefined
      const got = new Set(readFileSync(output, 'utf8').split('\n'))
      return lines.every((l) => got.has(l)) ? true : undefined
    })
    // Both workers see the same statuses from the status topic (read over SASL), and the work is spread.
    const seen = await pollUntil('both connectors RUNNING, alike on both workers', 60_000, async () => {
      const all = await Promise.all(
        workers.flatMap((w) =>
          ['src', 'sink'].map((c) => restJson<Status>(`${w.url}/connectors/${c}/status`)),
        ),
      )
      const ok = all.every(
        (s) =>
          s.status === 200 && s.body.connector.state === 'RUNNING' && s.body.tasks[0]?.state === 'RUNNING',
      )
      return ok && JSON.stringify(all[0]?.body) === JSON.stringify(all[2]?.body) ? all : undefined
    })
    const owners = new Set(seen.map((s) => s.body.tasks[0]?.worker_id))
    assert.ok(owners.size >= 1)
  })
})
