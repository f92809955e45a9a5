import assert from 'node:assert/strict'
import { execFile, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { after, describe, test } from 'node:test'
import { promisify } from 'node:util'
import { repoRoot } from '../src/broker.js'
import { freePortPair } from '../src/ports.js'

// Exercises `npm run kafka` itself on a port of its own, so the suite's broker is never disturbed; a free
// pair, because a fixed port may hold someone's broker on a shared machine.
const PORT = await freePortPair()
const script = path.join(repoRoot, 'scripts', 'kafka.mjs')
const pidFile = path.join(
  process.env.SLUICE_RUN_DIR ?? path.join(repoRoot, '.run'),
  `kafka-${PORT}`,
  'broker.pid',
)
const run = promisify(execFile)
// This command must manage its own broker even when the suite points at an external cluster.
const env = {
  ...process.env,
  KAFKA_BOOTSTRAP_SERVERS: '',
  SLUICE_KAFKA_PORT: String(PORT),
  KAFKA_HEAP_OPTS: '-Xms256m -Xmx512m',
}
delete (env as Record<string, string | undefined>).KAFKA_BOOTSTRAP_SERVERS

function kafka(...args: string[]) {
  const r = spawnSync(process.execPath, [script, ...args], { env, encoding: 'utf8', timeout: 180_000 })
  return { code: r.status, out: `${r.stdout}${r.stderr}` }
}

function brokerProcesses(): number[] {
  const r = spawnSync('pgrep', ['-f', `kafka-${PORT}/server.properties`], { encoding: 'utf8' })
  return r.stdout.split('\n').filter(Boolean).map(Number)
}

describe('npm run kafka', { timeout: 600_000 }, () => {
  after(() => kafka('stop'))

  test('start twice (also concurrently) runs one broker; status tells', async () => {
    kafka('stop')
    assert.equal(kafka('status').code, 3, 'stopped before the test')
    // Two starts racing each other, then a third after: one broker in the end.
    const [a, b] = await Promise.all([
      run(process.execPath, [script, 'start'], { env, timeout: 180_000 }),
      run(process.execPath, [script, 'start'], { env, timeout: 180_000 }),
    ])
    assert.match(`${a.stderr}${b.stderr}`, new RegExp(`ready on 127\\.0\\.0\\.1:${PORT}`))
    assert.match(`${a.stderr}${b.stderr}`, /already running/)
    const again = kafka('start')
    assert.equal(again.code, 0)
    assert.match(again.out, /already running/)
    assert.equal(brokerProcesses().length, 1)
    const st = kafka('status')
    assert.equal(st.code, 0)
    assert.match(st.out, new RegExp(`^running pid \\d+ on 127\\.0\\.0\\.1:${PORT}: 1 broker\\(s\\)`))
  })

  test('kill -9 then start recovers; stop then status reports stopped', () => {
    const pid = Number(readFileSync(pidFile, 'utf8'))
    process.kill(pid, 'SIGKILL')
    const deadline = Date.now() + 10_000
    while (brokerProcesses().includes(pid) && Date.now() < deadline) spawnSync('sleep', ['0.1'])
    const st = kafka('status')
    assert.equal(st.code, 3)
    assert.match(st.out, /stale pid file/)
    const started = kafka('start')
    assert.equal(started.code, 0, started.out)
    assert.match(started.out, /ready on/)
    assert.equal(kafka('status').code, 0)
    const stopped = kafka('stop')
    assert.match(stopped.out, /stopped the broker/)
    assert.equal(kafka('status').code, 3)
    assert.equal(brokerProcesses().length, 0)
  })

  test('an unreachable KAFKA_BOOTSTRAP_SERVERS fails with the reason instead of starting a broker', () => {
    const r = spawnSync(process.execPath, [script, 'start'], {
      env: { ...env, KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:1' },
      encoding: 'utf8',
    })
    assert.equal(r.status, 1)
    assert.match(r.stderr, /cannot reach 127\.0\.0\.1:1/)
    assert.equal(brokerProcesses().length, 0)
  })
})

describe('npm run kafka failure report', { timeout: 300_000 }, () => {
  test('a broker that cannot start exits non-zero with the tail of its log', async () => {
    const net = await import('node:net')
    // Occupy the controller port so the broker fails to bind.
    const blocker = net.createServer()
    await new Promise<void>((resolve) => blocker.listen(PORT + 1, '127.0.0.1', resolve))
    try {
      kafka('stop')
      const r = kafka('start')
      assert.equal(r.code, 1)
      assert.match(r.out, /--- last lines of .*server\.log ---/)
      assert.equal(brokerProcesses().length, 0)
    } finally {
      blocker.close()
    }
  })
})
