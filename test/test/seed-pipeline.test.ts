import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { mkdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import type { S3Client } from '@aws-sdk/client-s3'
import { KafkaAdmin } from '@sluice/kafka'
import { adminConnection, workerBase } from '../compat/mysql-fixture.js'
import { freePort, pollUntil, repoRoot, writeProps } from '../compat/servers.js'
import { ensureBroker } from '../src/broker.js'
import { ensureMariaDb } from '../src/mariadb.js'
import { ensureS3, freshBucket, getObject, listKeys, s3Client, s3SinkProps } from '../src/s3.js'
import { startStandalone, type Worker } from '../src/standalone.js'
import { readTopic } from '../src/topic-reader.js'

// The seed pipeline of issue 13 end to end in one `sluice standalone` worker: the seed's MySQL source
// (Debezium's config keys) on the project's MariaDB, the real broker, and Confluent's S3 sink with
// Debezium's ExtractNewRecordState on the local S3 server. The bucket must hold the unwrapped row states
// (snapshot, then an insert and an update), in order, each exactly once, under Confluent's object names.

describe('seed pipeline: MySQL CDC → Kafka → S3 with ExtractNewRecordState', { timeout: 180_000 }, () => {
  const run = randomUUID().slice(0, 6)
  const dir = path.join(repoRoot, '.run', 'seed-pipeline', run)
  let worker: Worker | undefined
  let client: S3Client | undefined

  after(async () => {
    if (worker !== undefined && worker.child.exitCode === null && worker.child.signalCode === null) {
      worker.child.kill('SIGTERM')
      const t = setTimeout(() => worker?.child.kill('SIGKILL'), 20_000)
      await worker.exited
      clearTimeout(t)
    }
    client?.destroy()
  })

  it('writes snapshot rows, an insert and an update as unwrapped JSON lines, each once', async () => {
    const bootstrap = ensureBroker()
    const db = ensureMariaDb()
    const s3 = ensureS3()
    client = s3Client(s3)
    const bucket = await freshBucket(client, 'seed-pipeline')

    // A fresh database with the seed's table and rows (inventory.customers is shared with other tests).
    const database = `seed_${run}`
    const c = await adminConnection(db)
    await c.query(`CREATE DATABASE ${database}`)
    await c.query(
      `CREATE TABLE ${database}.customers (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
         first_name VARCHAR(255) NOT NULL, last_name VARCHAR(255) NOT NULL, email VARCHAR(255) NOT NULL UNIQUE)
         AUTO_INCREMENT=1001`,
    )
    await c.query(
      `INSERT INTO ${database}.customers VALUES (1001,'Sally','Thomas','sally.thomas@acme.com'),
         (1002,'George','Bailey','gbailey@foobar.com'),(1003,'Edward','Walker','ed@walker.com'),
         (1004,'Anne','Kretchmar','annek@noanswer.org')`,
    )
    await c.end()

    const prefix = `seed${run}`
    const topic = `${prefix}.${database}.customers`
    // One partition, so the object names are known (the broker's auto-create default may differ).
    const admin = KafkaAdmin.create({ 'bootstrap.servers': bootstrap })
    try {
      await admin.createTopic({ topic, partitions: 1, replicationFactor: 1 })
    } finally {
      admin.close()
    }

    mkdirSync(dir, { recursive: true })
    const port = await freePort()
    const workerFile = writeProps(path.join(dir, 'worker.properties'), workerBase(bootstrap, dir, port))
    // The seed's source config (issue 12), with host, port, server name, table and history topic changed.
    const sourceFile = writeProps(path.join(dir, 'mysql-source.properties'), {
      name: 'mysql-source',
      'connector.class': 'io.debezium.connector.mysql.MySqlConnector',
      'database.hostname': db.host,
      'database.port': String(db.port),
      'database.user': 'user',
      'database.password': 'pass',
      'database.server.id': String(10_000 + (Number.parseInt(run, 16) % 50_000)),
      'database.server.name': prefix,
      'table.include.list': `${database}.customers`,
      'database.history.kafka.bootstrap.servers': bootstrap,
      'database.history.kafka.topic': `${prefix}-history`,
    })
    // The seed's S3 sink config (issue 13) with the unwrap transform, pointed at the local server.
    const sinkFile = writeProps(path.join(dir, 's3-sink.properties'), {
      name: 's3-sink',
      'connector.class': 'io.confluent.connect.s3.S3SinkConnector',
      topics: topic,
      's3.bucket.name': bucket,
      'format.class': 'io.confluent.connect.s3.format.json.JsonFormat',
      'flush.size': '2',
      ...s3SinkProps(s3),
      transforms: 'unwrap',
      'transforms.unwrap.type': 'io.debezium.transforms.ExtractNewRecordState',
    })
    const w = startStandalone(dir, [workerFile, sourceFile, sinkFile], 'sluice.log')
    worker = w
    const logTail = () => readFileSync(w.logFile, 'utf8').split('\n').slice(-30).join('\n')

    // Waits for `n` objects in the bucket; a timeout fails with the worker log's tail.
    const objects = (n: number, what: string) =>
      pollUntil(what, 60_000, async () =>
        (await listKeys(client!, bucket)).length >= n ? true : undefined,
      ).catch((err: unknown) => {
        throw new Error(`${String(err)}\n--- worker log ---\n${logTail()}`)
      })

    const url = `http://127.0.0.1:${port}`
    for (const name of ['mysql-source', 's3-sink']) {
      await pollUntil(`${name} RUNNING`, 60_000, async () => {
        if (w.child.exitCode !== null) return 'exited'
        const r = await fetch(`${url}/connectors/${name}/status`)
        if (r.status !== 200) return undefined
        const s = (await r.json()) as { tasks: Array<{ state: string; trace?: string }> }
        const t = s.tasks[0]
        if (t?.state === 'FAILED') return `FAILED: ${t.trace}`
        return t?.state === 'RUNNING' ? 'RUNNING' : undefined
      }).then((state) => assert.equal(state, 'RUNNING', `${name}: ${state}\n${logTail()}`))
    }

    const row = (id: number, first: string, last: string, email: string) => ({
      id,
      first_name: first,
      last_name: last,
      email,
    })
    const snapshot = [
      row(1001, 'Sally', 'Thomas', 'sally.thomas@acme.com'),
      row(1002, 'George', 'Bailey', 'gbailey@foobar.com'),
      row(1003, 'Edward', 'Walker', 'ed@walker.com'),
      row(1004, 'Anne', 'Kretchmar', 'annek@noanswer.org'),
    ]
    const objectKey = (offset: number) =>
      `topics/${topic}/partition=0/${topic}+0+${String(offset).padStart(10, '0')}.json`

    // The snapshot first: two complete objects of flush.size 2.
    await objects(2, 'the snapshot objects')

    // Then an insert and an update, streamed from the binlog: one more complete object.
    const inserted = row(1005, 'Ada', 'Lovelace', `ada.${run}@example.com`)
    const updated = row(1001, 'Sally', 'Thomas', `sally.${run}@acme.com`)
    const m = await adminConnection(db, database)
    await m.query('INSERT INTO customers VALUES (?, ?, ?, ?)', [
      inserted.id,
      inserted.first_name,
      inserted.last_name,
      inserted.email,
    ])
    await m.query('UPDATE customers SET email = ? WHERE id = 1001', [updated.email])
    await m.end()
    await objects(3, 'the streamed object')

    // Exactly once on the topic too: six change events, none repeated (offsets 0…5, as the names say).
    const events = await readTopic(bootstrap, topic, { idleMs: 1500 })
    assert.equal(events.length, 6, `${topic} holds the 4 snapshot rows, the insert and the update`)
    const keys = await listKeys(client, bucket)
    assert.deepEqual(keys, [objectKey(0), objectKey(2), objectKey(4)], "Confluent's object names")
    const expected = [[...snapshot.slice(0, 2)], [...snapshot.slice(2, 4)], [inserted, updated]]
    for (const [i, key] of keys.entries()) {
      const text = (await getObject(client, bucket, key)).toString('utf8')
      assert.ok(text.endsWith('\n'), `${key}: one record per line`)
      const lines = text.slice(0, -1).split('\n')
      assert.deepEqual(
        lines.map((l) => JSON.parse(l)),
        expected[i],
        `${key}: the unwrapped row states, in order`,
      )
      assert.deepEqual(
        lines,
        expected[i]?.map((r) => JSON.stringify(r)),
        `${key}: compact JSON lines`,
      )
    }
  })
})
