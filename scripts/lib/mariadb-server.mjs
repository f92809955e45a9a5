// One private MariaDB server for tests, demos and benchmarks of the MySQL CDC source: Debian's MariaDB
// (installed with apt-get when missing), a data directory under .run/mariadb, a free port, a ROW binlog with
// full row images (what Debezium requires), GTIDs (always on in MariaDB), a fixed server_id, and the users
// Debezium's documentation asks for. Start is idempotent: a live server we started is reused.
import { spawn, spawnSync } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { runDir } from './paths.mjs'
import { capture, log } from './proc.mjs'
import { isAlive, sleep, terminate } from './process-lock.mjs'

export const HOST = '127.0.0.1'
/** The binlog's originating server id (Debezium's `source.server_id`). */
export const SERVER_ID = 1
/** The capture user, with the grants of Debezium's MySQL docs (plus LOCK TABLES for the table-lock fallback). */
export const CDC_USER = { user: 'debezium', password: 'dbz' }
/** The seed config's user (`database.user=user`, `database.password=pass`), with the same grants. */
export const SEED_USER = { user: 'user', password: 'pass' }
const CDC_GRANTS = 'SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT, LOCK TABLES'

export function serverPaths() {
  const dir = path.join(runDir, 'mariadb')
  return {
    dir,
    data: path.join(dir, 'data'),
    binlog: path.join(dir, 'binlog'),
    cnf: path.join(dir, 'my.cnf'),
    socket: path.join(dir, 'mysqld.sock'),
    // Ours (written by the starter, as root); mariadbd writes its own mysqld.pid as the `mysql` user.
    pidFile: path.join(dir, 'sluice-mariadbd.pid'),
    serverPidFile: path.join(dir, 'mysqld.pid'),
    portFile: path.join(dir, 'port'),
    log: path.join(dir, 'mysqld.log'),
  }
}

function readPid(p) {
  if (!existsSync(p.pidFile)) return null
  const pid = Number(readFileSync(p.pidFile, 'utf8').trim())
  return Number.isInteger(pid) && pid > 0 ? pid : null
}

function binary(name) {
  return capture('sh', ['-c', `command -v ${name}`])
}

/** Installs Debian's MariaDB server and client when `mariadbd` is missing (needs root, like apt-get). */
export function ensureInstalled() {
  if (binary('mariadbd') && binary('mariadb-install-db') && binary('mariadb')) return
  if (process.getuid?.() !== 0) {
    throw new Error(
      'MariaDB is not installed and this is not root: run `sudo apt-get install -y mariadb-server mariadb-client`',
    )
  }
  log('installing MariaDB from Debian (apt-get install mariadb-server mariadb-client)')
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  for (const args of [
    ['update', '-q'],
    ['install', '-y', '-q', 'mariadb-server', 'mariadb-client'],
  ]) {
    const r = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env })
    if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${r.status})`)
  }
  // mariadbd is in /usr/sbin, which a non-login PATH may lack.
  if (!binary('mariadbd') && !existsSync('/usr/sbin/mariadbd'))
    throw new Error('apt-get installed MariaDB but mariadbd is not on PATH')
}

function sbin(name) {
  return binary(name) ?? `/usr/sbin/${name}`
}

async function freePort(preferred) {
  const tryPort = (port) =>
    new Promise((resolve) => {
      const s = net.createServer()
      s.once('error', () => resolve(undefined))
      s.listen(port, HOST, () => {
        const p = s.address().port
        s.close(() => resolve(p))
      })
    })
  return (await tryPort(preferred)) ?? (await tryPort(0))
}

function myCnf(p, port) {
  const asRoot = process.getuid?.() === 0
  return `${[
    '# Written by scripts/lib/mariadb-server.mjs: a private MariaDB for the MySQL CDC source.',
    '[mysqld]',
    // mariadbd refuses to run as root; as root it drops to the Debian package's `mysql` user.
    ...(asRoot ? ['user=mysql'] : []),
    `datadir=${p.data}`,
    `socket=${p.socket}`,
    `port=${port}`,
    `bind-address=${HOST}`,
    `pid-file=${p.serverPidFile}`,
    `log-error=${p.log}`,
    `server_id=${SERVER_ID}`,
    `log_bin=${path.join(p.binlog, 'mysql-bin')}`,
    // Debezium needs row events with full before/after images; MariaDB defaults to MIXED.
    'binlog_format=ROW',
    'binlog_row_image=FULL',
    // Column names and types in the table-map events, so a binlog reader needs no extra query per table.
    'binlog_row_metadata=FULL',
    // The statement text as an annotate event (Debezium's include.query).
    'binlog_annotate_row_events=ON',
    'character-set-server=utf8mb4',
    'collation-server=utf8mb4_general_ci',
    'skip-name-resolve',
    // Small: tests and demos hold little data, and eight people share the machine.
    'innodb_buffer_pool_size=64M',
    'innodb_log_file_size=48M',
    'performance_schema=OFF',
    'max_connections=200',
  ].join('\n')}\n`
}

/** `{state:'running'|'stopped', pid?, port?}` of the server this project started. */
export function status() {
  const p = serverPaths()
  const pid = readPid(p)
  const port = existsSync(p.portFile) ? Number(readFileSync(p.portFile, 'utf8')) : null
  if (pid !== null && isAlive(pid)) return { state: 'running', pid, port, socket: p.socket }
  return { state: 'stopped', port }
}

/** Runs SQL as root over the socket (root has no password on this private server). */
export function rootSql(sql) {
  const p = serverPaths()
  const r = spawnSync(
    binary('mariadb') ?? 'mariadb',
    ['--socket', p.socket, '-uroot', '--default-character-set=utf8mb4', '-N', '-B', '-e', sql],
    {
      encoding: 'utf8',
    },
  )
  if (r.status !== 0) throw new Error(`mariadb -e failed: ${r.stderr.trim()}\n  SQL: ${sql.slice(0, 300)}`)
  return r.stdout
}

async function waitReady(pid, timeoutMs) {
  const deadline = Date.now() + timeoutMs
  let last = ''
  while (Date.now() < deadline) {
    if (!isAlive(pid)) throw new Error(`mariadbd (pid ${pid}) exited during start-up`)
    try {
      rootSql('SELECT 1')
      return
    } catch (err) {
      last = err.message
    }
    await sleep(150)
  }
  throw new Error(`mariadbd did not answer within ${timeoutMs / 1000} s: ${last}`)
}

// The users and the seed's sample database (Debezium's tutorial `inventory.customers`), idempotently.
const BOOTSTRAP_SQL = [
  ...[CDC_USER, SEED_USER].flatMap(({ user, password }) => [
    `CREATE USER IF NOT EXISTS '${user}'@'%' IDENTIFIED BY '${password}'`,
    `CREATE USER IF NOT EXISTS '${user}'@'localhost' IDENTIFIED BY '${password}'`,
    `GRANT ${CDC_GRANTS} ON *.* TO '${user}'@'%'`,
    `GRANT ${CDC_GRANTS} ON *.* TO '${user}'@'localhost'`,
  ]),
  // A user that writes test data over TCP (root is socket-only).
  "CREATE USER IF NOT EXISTS 'sluice'@'%' IDENTIFIED BY 'sluice'",
  "GRANT ALL PRIVILEGES ON *.* TO 'sluice'@'%' WITH GRANT OPTION",
  'CREATE DATABASE IF NOT EXISTS inventory',
  `CREATE TABLE IF NOT EXISTS inventory.customers (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
     first_name VARCHAR(255) NOT NULL, last_name VARCHAR(255) NOT NULL, email VARCHAR(255) NOT NULL UNIQUE)
     AUTO_INCREMENT=1001`,
  `INSERT IGNORE INTO inventory.customers VALUES (1001,'Sally','Thomas','sally.thomas@acme.com'),
     (1002,'George','Bailey','gbailey@foobar.com'),(1003,'Edward','Walker','ed@walker.com'),
     (1004,'Anne','Kretchmar','annek@noanswer.org')`,
].join(';\n')

/**
 * Starts the server unless it runs; resolves with `{started, pid, port, host, socket, readyMs}`.
 * The port is `$SLUICE_MARIADB_PORT`, else 3307 when free, else any free port (kept in .run/mariadb/port).
 */
export async function start({ timeoutMs = 60_000 } = {}) {
  const p = serverPaths()
  const st = status()
  if (st.state === 'running')
    return { started: false, pid: st.pid, port: st.port, host: HOST, socket: p.socket }
  ensureInstalled()
  mkdirSync(p.dir, { recursive: true })
  rmSync(p.pidFile, { force: true })
  const wanted = Number(process.env.SLUICE_MARIADB_PORT ?? st.port ?? 3307)
  const port = await freePort(wanted)
  if (process.env.SLUICE_MARIADB_PORT && port !== wanted)
    throw new Error(`SLUICE_MARIADB_PORT=${wanted} is in use by something else`)
  mkdirSync(p.binlog, { recursive: true })
  writeFileSync(p.cnf, myCnf(p, port))
  writeFileSync(p.portFile, `${port}\n`)
  const asRoot = process.getuid?.() === 0
  if (asRoot) spawnSync('chown', ['-R', 'mysql:mysql', p.dir])
  const t0 = Date.now()
  if (!existsSync(path.join(p.data, 'mysql'))) {
    const r = spawnSync(
      binary('mariadb-install-db') ?? 'mariadb-install-db',
      [`--defaults-file=${p.cnf}`, '--auth-root-authentication-method=normal', '--skip-test-db'],
      { encoding: 'utf8' },
    )
    if (r.status !== 0) throw new Error(`mariadb-install-db failed: ${r.stderr || r.stdout}`)
    if (asRoot) spawnSync('chown', ['-R', 'mysql:mysql', p.dir])
  }
  const out = openSync(path.join(p.dir, 'mariadbd.out'), 'a')
  const child = spawn(sbin('mariadbd'), [`--defaults-file=${p.cnf}`], {
    detached: true,
    stdio: ['ignore', out, out],
  })
  closeSync(out)
  child.unref()
  writeFileSync(p.pidFile, `${child.pid}\n`)
  try {
    await waitReady(child.pid, timeoutMs)
  } catch (err) {
    if (isAlive(child.pid)) process.kill(child.pid, 'SIGKILL')
    const tail = existsSync(p.log) ? readFileSync(p.log, 'utf8').split('\n').slice(-20).join('\n') : ''
    err.message += `\n--- ${p.log} ---\n${tail}`
    throw err
  }
  rootSql(BOOTSTRAP_SQL)
  return { started: true, pid: child.pid, port, host: HOST, socket: p.socket, readyMs: Date.now() - t0 }
}

/** Stops the server we started (SIGTERM = clean shutdown, SIGKILL after `timeoutMs`). */
export async function stop({ timeoutMs = 30_000 } = {}) {
  const p = serverPaths()
  const pid = readPid(p)
  if (pid === null || !isAlive(pid)) {
    rmSync(p.pidFile, { force: true })
    return { stopped: false }
  }
  const forced = await terminate(pid, timeoutMs)
  rmSync(p.pidFile, { force: true })
  return { stopped: true, pid, forced }
}

/** Deletes the stopped server's data and binlogs (the next start creates a fresh instance). */
export function wipe() {
  if (status().state === 'running') throw new Error('stop MariaDB before wiping it')
  rmSync(serverPaths().dir, { recursive: true, force: true })
}
