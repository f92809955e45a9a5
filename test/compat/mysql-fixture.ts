import mysql from 'mysql2/promise'
import type { MariaDb } from '../src/mariadb.js'
import {
  pollUntil,
  spawnJavaWorker,
  spawnSluiceWorker,
  type WorkerChild,
  workerBase,
} from './connect-worker.js'

export { workerBase } from './connect-worker.js'

/**
 * The MySQL CDC differential's database: one table per MySQL type family, the streaming steps run after
 * both connectors finished their snapshots, and the processes (Java Connect with Debezium, `sluice
 * standalone`) that capture it.
 */

/** Tables per type family, with rows covering extremes, NULLs and defaults. `?` is never used: literal SQL. */
export const TYPE_TABLES: readonly string[] = [
  `CREATE TABLE ints (id INT PRIMARY KEY, t TINYINT, tu TINYINT UNSIGNED, s SMALLINT, su SMALLINT UNSIGNED,
    m MEDIUMINT, mu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED, b BIGINT, bu BIGINT UNSIGNED, t1 TINYINT(1),
    bo BOOLEAN, d INT NOT NULL DEFAULT 42)`,
  `INSERT INTO ints VALUES (1,-128,255,-32768,65535,-8388608,16777215,-2147483648,4294967295,-9223372036854775808,
    18446744073709551615,1,0,7),(2,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,DEFAULT),
    (3,127,0,32767,0,8388607,0,2147483647,0,9223372036854775807,9223372036854775808,0,1,0)`,
  `CREATE TABLE decs (id INT PRIMARY KEY, d DECIMAL(10,2), d0 DECIMAL(20,0), dn NUMERIC(5,5), f FLOAT, db DOUBLE,
    r REAL, dd DECIMAL(6,3) DEFAULT 1.5)`,
  `INSERT INTO decs VALUES (1,12345678.91,12345678901234567890,-0.12345,1.5,2.25e100,-3.5,DEFAULT),
    (2,NULL,NULL,NULL,NULL,NULL,NULL,NULL),(3,-0.01,0,0.5,-0.25,1e-300,0,-999.999)`,
  `CREATE TABLE times (id INT PRIMARY KEY, d DATE, t TIME, t3 TIME(3), t6 TIME(6), dt DATETIME, dt3 DATETIME(3),
    dt6 DATETIME(6), ts TIMESTAMP NULL, ts6 TIMESTAMP(6) NULL, y YEAR, dflt DATETIME DEFAULT '2020-01-02 03:04:05')`,
  `INSERT INTO times VALUES (1,'2024-02-29','-12:34:56','23:59:59.123','838:59:59.000000','1999-12-31 23:59:59',
    '2024-01-01 00:00:00.123','1970-01-01 00:00:00.000001','2024-06-01 12:00:00','2038-01-19 03:14:07.999999',2155,
    DEFAULT),(2,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL),(3,'1900-01-01','00:00:00','00:00:00.5',
    '-00:00:01.000001','1000-01-01 00:00:00','9999-12-31 23:59:59.999','2000-02-29 12:00:00.5','1970-01-01 00:00:01',
    '2000-01-01 00:00:00.120000',1901,'2000-01-01 00:00:00')`,
  `CREATE TABLE strs (id INT PRIMARY KEY, c CHAR(5), v VARCHAR(20), tx TEXT, lt LONGTEXT,
    l1 VARCHAR(10) CHARACTER SET latin1, u8 VARCHAR(10) CHARACTER SET utf8mb3, asc1 CHAR(3) CHARACTER SET ascii,
    dv VARCHAR(10) DEFAULT 'abc') DEFAULT CHARSET=utf8mb4`,
  `INSERT INTO strs VALUES (1,'ab','héllo wörld','long text ✓','😀 emoji','café','naïve','xyz',DEFAULT),
    (2,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL),(3,'','','','','','','','')`,
  'CREATE TABLE bins (id INT PRIMARY KEY, b BINARY(4), vb VARBINARY(10), bl BLOB, tb TINYBLOB, lb LONGBLOB)',
  `INSERT INTO bins VALUES (1,X'01020304',X'00FF',X'DEADBEEF',X'',X'CAFE'),(2,NULL,NULL,NULL,NULL,NULL),
    (3,X'01',X'',X'00',X'00',X'00')`,
  "CREATE TABLE enums (id INT PRIMARY KEY, e ENUM('a','b','c d'), s SET('x','y','z'), ed ENUM('p','q') NOT NULL DEFAULT 'q')",
  "INSERT INTO enums VALUES (1,'c d','x,z','p'),(2,NULL,NULL,DEFAULT),(3,'a','','q')",
  'CREATE TABLE bits (id INT PRIMARY KEY, b1 BIT(1), b8 BIT(8), b12 BIT(12), b64 BIT(64))',
  `INSERT INTO bits VALUES (1,b'1',b'10000001',b'101010101010',
    b'1000000000000000000000000000000000000000000000000000000000000001'),(2,NULL,NULL,NULL,NULL),(3,b'0',b'0',b'1',b'0')`,
  'CREATE TABLE jsons (id INT PRIMARY KEY, j JSON)',
  `INSERT INTO jsons VALUES (1,'{"a":1,"b":[true,null,"x"]}'),(2,NULL),(3,'[]')`,
  'CREATE TABLE geoms (id INT PRIMARY KEY, g GEOMETRY, p POINT)',
  `INSERT INTO geoms VALUES (1,ST_GeomFromText('POINT(1 2)'),ST_GeomFromText('POINT(3.5 -4)')),(2,NULL,NULL),
    (4,ST_GeomFromText('LINESTRING(0 0,1 1,2 0)',4326),ST_GeomFromText('POINT(10 20)',3857))`,
  'CREATE TABLE nopk (a INT, b VARCHAR(5))',
  "INSERT INTO nopk VALUES (1,'x')",
  'CREATE TABLE cpk (a INT, b VARCHAR(5), c INT, PRIMARY KEY (b, a))',
  "INSERT INTO cpk VALUES (1,'x',5),(2,'y',6)",
  'CREATE TABLE empty_t (id INT PRIMARY KEY)',
]

/** The tables of {@link TYPE_TABLES}, in Debezium's snapshot order (by name). */
export const TYPE_TABLE_NAMES = [
  'bins',
  'bits',
  'cpk',
  'decs',
  'empty_t',
  'enums',
  'geoms',
  'ints',
  'jsons',
  'nopk',
  'strs',
  'times',
]

/** Streaming steps after both snapshots: inserts, updates, deletes, a PK change, an ALTER mid-stream, multi-row transactions. */
export const STREAM_STEPS: readonly string[] = [
  'UPDATE ints SET t=5, bu=1 WHERE id=1',
  'DELETE FROM ints WHERE id=2',
  'INSERT INTO ints (id) VALUES (4)',
  'INSERT INTO decs VALUES (4,-12.34,1,0.00001,3.25,-1.5e-10,7,DEFAULT)',
  "UPDATE times SET dt6='2020-05-05 05:05:05.123456', ts='2021-03-04 05:06:07', t='01:02:03' WHERE id=1",
  "INSERT INTO times (id,d,ts6) VALUES (4,'2000-01-01','2001-02-03 04:05:06.5')",
  "INSERT INTO times (id,ts6,dt3,t3) VALUES (5,'2001-02-03 04:05:06','2001-02-03 04:05:06.7','00:00:00.25')",
  "UPDATE strs SET v='ünïcödé', l1='ÀÉÎ' WHERE id=1",
  "INSERT INTO bins VALUES (4,X'FF',X'0102',X'00',NULL,X'')",
  "UPDATE enums SET e='b', s='y,z' WHERE id=1",
  "INSERT INTO bits VALUES (4,b'1',b'11111111',b'111100001111',b'1')",
  `UPDATE jsons SET j='{"k":"v"}' WHERE id=3`,
  "INSERT INTO geoms VALUES (3,ST_GeomFromText('POINT(-1 -1)'),ST_GeomFromText('POINT(0 0)'))",
  // SRIDs in the binlog: Debezium reports each value's own SRID (srid, and wkb without it).
  "INSERT INTO geoms VALUES (5,ST_GeomFromText('POLYGON((0 0,4 0,4 4,0 0))',4326),ST_GeomFromText('POINT(1.5 2.5)',4326))",
  "UPDATE geoms SET g=ST_GeomFromText('MULTIPOINT(1 1,2 2)',3857) WHERE id=4",
  "INSERT INTO nopk VALUES (2,'y')",
  'DELETE FROM nopk WHERE a=1',
  "UPDATE cpk SET a=3 WHERE b='x'",
  'ALTER TABLE strs ADD COLUMN extra INT DEFAULT 9 AFTER c',
  'INSERT INTO strs (id, extra) VALUES (4, 10)',
  "UPDATE strs SET extra=11, dv='z' WHERE id=1",
  'BEGIN',
  'INSERT INTO decs (id,d) VALUES (5,1.1),(6,2.2)',
  'UPDATE decs SET d=3.3 WHERE id IN (5,6)',
  'DELETE FROM decs WHERE id IN (5,6)',
  'COMMIT',
  'INSERT INTO empty_t VALUES (1)',
]

/** An admin connection (all privileges) to write the fixture. */
export async function adminConnection(db: MariaDb, database?: string): Promise<mysql.Connection> {
  return mysql.createConnection({
    host: db.host,
    port: db.port,
    user: db.admin.user,
    password: db.admin.password,
    charset: 'utf8mb4',
    multipleStatements: false,
    ...(database === undefined ? {} : { database }),
  })
}

/** Creates `database` with the type tables. */
export async function createTypeDatabase(db: MariaDb, database: string): Promise<void> {
  const c = await adminConnection(db)
  try {
    await c.query(`DROP DATABASE IF EXISTS \`${database}\``)
    await c.query(`CREATE DATABASE \`${database}\``)
    await c.query(`USE \`${database}\``)
    for (const sql of TYPE_TABLES) await c.query(sql)
  } finally {
    await c.end()
  }
}

export async function runSteps(db: MariaDb, database: string, steps: readonly string[]): Promise<void> {
  const c = await adminConnection(db, database)
  try {
    for (const sql of steps) await c.query(sql)
  } finally {
    await c.end()
  }
}

/** A Connect worker process running one connector from properties files. */
export type WorkerProcess = WorkerChild

/** Waits until the connector's task reports RUNNING (or throws with the worker log on FAILED). */
export async function waitRunning(w: WorkerProcess, name: string, timeoutMs = 120_000): Promise<void> {
  await pollUntil(`${name} RUNNING on ${w.url}`, timeoutMs, async () => {
    if (w.proc.exitCode !== null) throw new Error(`worker exited (${w.proc.exitCode}):\n${w.logTail()}`)
    const r = await fetch(`${w.url}/connectors/${name}/status`)
    if (r.status !== 200) return undefined
    const s = (await r.json()) as { tasks: Array<{ state: string; trace?: string }> }
    const t = s.tasks[0]
    if (t?.state === 'FAILED') throw new Error(`task failed: ${t.trace}\n${w.logTail()}`)
    return t?.state === 'RUNNING' ? true : undefined
  })
}

/** Java Kafka Connect standalone with Debezium's plugin folder, running `connector`. */
export function startJavaDebezium(opts: {
  bootstrap: string
  dir: string
  port: number
  classpath: string
  pluginPath: string
  connector: Record<string, string>
}): WorkerProcess {
  return spawnJavaWorker({
    ...opts,
    mode: 'standalone',
    workerProps: {
      ...workerBase(opts.bootstrap, opts.dir, opts.port),
      'plugin.path': opts.pluginPath,
      // Debezium 2.7's jars have no ServiceLoader manifests for Connect's plugin scanning.
      'plugin.discovery': 'hybrid_warn',
    },
    connectorProps: opts.connector,
    jvmFlags: ['-Xms128M', '-Xmx768M', '-XX:+UseG1GC'],
  })
}

/** `sluice standalone worker.properties connector.properties`. */
export function startSluiceStandalone(opts: {
  bootstrap: string
  dir: string
  port: number
  cli: string
  connector: Record<string, string>
  offsetsFile?: string
}): WorkerProcess {
  const base = workerBase(opts.bootstrap, opts.dir, opts.port)
  if (opts.offsetsFile !== undefined) base['offset.storage.file.filename'] = opts.offsetsFile
  return spawnSluiceWorker({
    ...opts,
    mode: 'standalone',
    workerProps: base,
    connectorProps: opts.connector,
    // A restarted worker (same folder) keeps the log of the one before.
    appendLog: true,
  })
}
