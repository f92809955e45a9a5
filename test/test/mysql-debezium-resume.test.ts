import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { copyFileSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import {
  adminConnection,
  startSluiceStandalone,
  type WorkerProcess,
  waitRunning,
  workerBase,
} from '../compat/mysql-fixture.js'
import { freePort, pollUntil, repoRoot, sluiceCli } from '../compat/servers.js'
import { ensureBroker } from '../src/broker.js'
import { connect3Classpath, debeziumPluginPath, ensureMariaDb } from '../src/mariadb.js'
import { readTopic } from '../src/topic-reader.js'

/**
 * The hand-over Sluice → Debezium: Sluice snapshots and streams, stops; Debezium 2.7.4 takes the same
 * connector, offsets file, topics and schema history topic over and goes on from Sluice's offsets — no
 * snapshot, no gap, no repeat. Debezium 2.7.4 cannot restart on Kafka 4.x's clients (its history recovery
 * calls the removed `KafkaConsumer.poll(long)`), so it runs here in Java Connect 3.9.1 (jars from Maven
 * Central, `node scripts/mariadb.mjs connect3`), whose 3.9 clients still have that method, against the same
 * 4.4 broker.
 */
const cli = sluiceCli()

describe('MySQL CDC: Debezium 2.7.4 continues from Sluice', { timeout: 8 * 60_000 }, () => {
  const run = randomUUID().slice(0, 6)
  const base = path.join(repoRoot, '.run', 'mysql-resume', run)
  const workers: WorkerProcess[] = []

  after(async () => {
    await Promise.all(workers.map((w) => w.stop()))
  })

  it("Debezium 2.7.4 (Connect 3.9) resumes from Sluice's offsets and schema history", async () => {
    if (cli === undefined) throw new Error('the sluice CLI is not built (packages/cli)')
    const bootstrap = ensureBroker()
    const db = ensureMariaDb()
    const classpath = connect3Classpath()
    const pluginPath = debeziumPluginPath()
    const database = `resume_${run}`
    const prefix = `resume${run}`
    const c = await adminConnection(db)
    await c.query(`CREATE DATABASE ${database}`)
    await c.query(`CREATE TABLE ${database}.t (id INT PRIMARY KEY, v VARCHAR(10))`)
    await c.query(`INSERT INTO ${database}.t VALUES (1,'a'),(2,'b')`)
    const connector = {
      name: `resume-${run}`,
      'connector.class': 'io.debezium.connector.mysql.MySqlConnector',
      'database.hostname': db.host,
      'database.port': String(db.port),
      'database.user': db.cdc.user,
      'database.password': db.cdc.password,
      'database.server.id': '5620',
      'topic.prefix': prefix,
      'database.include.list': database,
      'schema.history.internal.kafka.bootstrap.servers': bootstrap,
      'schema.history.internal.kafka.topic': `${prefix}-history`,
    }
    const topic = `${prefix}.${database}.t`
    const ops = async (from: number, n: number): Promise<string[]> => {
      const r = await pollUntil(`${from + n} records on ${topic}`, 180_000, async () => {
        const all = await readTopic(bootstrap, topic, { idleMs: 2500 })
        return all.length >= from + n ? all : undefined
      })
      return r.slice(from).map((x) => {
        const v = x.value === null ? null : JSON.parse(x.value)
        const id = JSON.parse(x.key ?? 'null')?.payload?.id
        return v === null ? `tombstone ${id}` : `${v.payload.op} ${id}`
      })
    }

    // Sluice: the snapshot, one streamed change, a clean stop (offsets flushed).
    const sluiceDir = path.join(base, 'sluice')
    const offsetsFile = path.join(sluiceDir, 'connect.offsets')
    const sl = startSluiceStandalone({
      bootstrap,
      dir: sluiceDir,
      port: await freePort(),
      cli,
      connector,
      offsetsFile,
    })
    workers.push(sl)
    await waitRunning(sl, connector.name)
    assert.deepEqual(await ops(0, 2), ['r 1', 'r 2'])
    await c.query(`INSERT INTO ${database}.t VALUES (3,'c')`)
    assert.deepEqual(await ops(2, 1), ['c 3'])
    await new Promise((r) => setTimeout(r, 2500)) // more than one offset flush interval (1 s)
    await sl.stop()

    // Changes while nobody captures; then an ALTER, so Debezium must know the table from the history.
    await c.query(`UPDATE ${database}.t SET v='cc' WHERE id=3`)
    await c.query(`INSERT INTO ${database}.t VALUES (4,'d')`)
    await c.query(`ALTER TABLE ${database}.t ADD COLUMN w INT DEFAULT 5`)
    await c.query(`INSERT INTO ${database}.t VALUES (5,'e',6)`)
    await c.end()

    // Debezium 2.7.4 in Java Connect 3.9.1, on the same connector name, offsets file and topics.
    const javaDir = path.join(base, 'java')
    mkdirSync(javaDir, { recursive: true })
    copyFileSync(offsetsFile, path.join(javaDir, 'connect.offsets'))
    const port = await freePort()
    const props = (file: string, p: Record<string, string>): string => {
      writeFileSync(
        file,
        `${Object.entries(p)
          .map(([k, v]) => `${k}=${v}`)
          .join('\n')}\n`,
      )
      return file
    }
    const w = props(path.join(javaDir, 'worker.properties'), {
      ...workerBase(bootstrap, javaDir, port),
      'plugin.path': pluginPath,
      'plugin.discovery': 'hybrid_warn',
    })
    const cfg = props(path.join(javaDir, 'connector.properties'), connector)
    // Connect 3.9 logs through reload4j (Log4j 1 syntax).
    const log4j = path.join(javaDir, 'log4j.properties')
    writeFileSync(
      log4j,
      [
        'log4j.rootLogger=INFO, stdout',
        'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
        'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
        'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
        '',
      ].join('\n'),
    )
    const logFile = path.join(javaDir, 'connect.log')
    const proc = spawn(
      'java',
      [
        '-Xms128M',
        '-Xmx768M',
        `-Dlog4j.configuration=file:${log4j}`,
        '-cp',
        classpath,
        'org.apache.kafka.connect.cli.ConnectStandalone',
        w,
        cfg,
      ],
      { stdio: ['ignore', openSync(logFile, 'w'), openSync(logFile, 'a')] },
    )
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()))
    const java: WorkerProcess = {
      proc,
      logFile,
      url: `http://127.0.0.1:${port}`,
      workerId: `127.0.0.1:${port}`,
      signal: (sig) => void proc.kill(sig),
      async stop() {
        if (proc.exitCode !== null || proc.signalCode !== null) return
        proc.kill('SIGTERM')
        const t = setTimeout(() => proc.kill('SIGKILL'), 20_000)
        await exited
        clearTimeout(t)
      },
      async kill() {
        proc.kill('SIGKILL')
        await exited
      },
      logTail: (lines = 60) => readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n'),
    }
    workers.push(java)
    await waitRunning(java, connector.name, 180_000)
    const after = await ops(3, 3).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}\n${java.logTail()}`)
    })
    assert.deepEqual(
      after,
      ['u 3', 'c 4', 'c 5'],
      'Debezium goes on where Sluice stopped: no snapshot, no gap',
    )
    const all = await readTopic(bootstrap, topic, { idleMs: 3000 })
    assert.equal(all.length, 6, 'no record repeated')
    const last = JSON.parse(all[5]?.value ?? 'null')
    assert.deepEqual(last.payload.after, { id: 5, v: 'e', w: 6 }, "the ALTER after Sluice's history")
    assert.doesNotMatch(readFileSync(logFile, 'utf8'), /NoSuchMethodError/)
    await java.stop()
  })
})
