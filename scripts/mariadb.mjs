#!/usr/bin/env node
// `npm run mariadb -- start|stop|status|wipe|sql|debezium`: the private MariaDB of the MySQL CDC source.

import { runCommand } from './lib/command.mjs'
import { CONNECT3_VERSION, DEBEZIUM_VERSION, resolveConnect3, resolveDebezium } from './lib/debezium-dist.mjs'
import {
  CDC_USER,
  rootSql,
  SEED_USER,
  serverPaths,
  start,
  status,
  stop,
  wipe,
} from './lib/mariadb-server.mjs'
import { log } from './lib/proc.mjs'

const USAGE = `usage: npm run mariadb -- <start|stop|status|wipe|sql|debezium|connect3>
  start     install MariaDB from Debian if missing, then start a private server (ROW binlog, GTIDs, server_id 1)
            on 127.0.0.1 ($SLUICE_MARIADB_PORT, else 3307 or a free port) unless it runs; creates the users
            ${CDC_USER.user}/${CDC_USER.password} and ${SEED_USER.user}/${SEED_USER.password} with Debezium's grants and inventory.customers
  stop      stop the server this project started
  status    say whether it runs (exit 0 running, 3 stopped)
  wipe      delete the stopped server's data and binlogs
  sql "…"   run SQL as root over the socket and print the result
  debezium  only resolve Debezium ${DEBEZIUM_VERSION}'s MySQL connector from Maven Central into the per-user cache
  connect3  only resolve Java Kafka Connect ${CONNECT3_VERSION} (where Debezium ${DEBEZIUM_VERSION} can restart) into the cache`

runCommand({
  usage: USAGE,
  commands: {
    async start() {
      const r = await start()
      if (r.started)
        log(
          `MariaDB ready on ${r.host}:${r.port} (pid ${r.pid}) in ${(r.readyMs / 1000).toFixed(1)} s; socket ${r.socket}`,
        )
      else log(`MariaDB is already running on ${r.host}:${r.port} (pid ${r.pid})`)
      console.log(`MariaDB on ${r.host}:${r.port}`)
      return 0
    },
    async stop() {
      const r = await stop()
      log(
        r.stopped
          ? `stopped MariaDB (pid ${r.pid}${r.forced ? ', killed after the timeout' : ''})`
          : 'MariaDB was not running',
      )
      return 0
    },
    status() {
      const s = status()
      if (s.state === 'running') {
        console.log(`running pid ${s.pid} on 127.0.0.1:${s.port}, socket ${s.socket}`)
        return 0
      }
      console.log(`stopped (${serverPaths().dir})`)
      return 3
    },
    wipe() {
      wipe()
      log(`deleted ${serverPaths().dir}`)
      return 0
    },
    sql({ args }) {
      process.stdout.write(rootSql(args.join(' ')))
      return 0
    },
    async debezium() {
      const dir = await resolveDebezium()
      console.log(`Debezium plugin path ${dir}`)
      return 0
    },
    async connect3() {
      const cp = await resolveConnect3()
      console.log(`Connect 3 classpath ${cp}`)
      return 0
    },
  },
})
