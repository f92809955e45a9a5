#!/usr/bin/env node
// `npm run s3 -- start|stop|status|logs|wipe|build [--json]`: the local S3-compatible server (versitygw).
import { parseArgs } from 'node:util'
import { log } from './lib/proc.mjs'
import {
  binaryPaths,
  ensureBinary,
  logTail,
  serverPaths,
  start,
  status,
  stop,
  VERSITYGW_VERSION,
  wipe,
} from './lib/s3-server.mjs'

const USAGE = `usage: npm run s3 -- <start|stop|status|logs|wipe|build> [--json]
  start    start versitygw ${VERSITYGW_VERSION} on a free 127.0.0.1 port with a bucket (builds it first if needed)
  stop     stop the server this checkout started
  status   say whether it runs and answers (exit 0 running, 3 stopped, 1 unresponsive)
  logs     print the last lines of the server log
  wipe     delete the stopped server's objects and state
  build    only build the binary from the Go module proxy into the per-user cache
--json prints the connection (endpoint, accessKeyId, secretAccessKey, region, bucket) on stdout.`

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  })
  const cmd = positionals[0]
  if (values.help || !cmd) {
    console.log(USAGE)
    return values.help ? 0 : 2
  }
  const print = (r) => {
    if (values.json) process.stdout.write(`${JSON.stringify(r)}\n`)
  }
  switch (cmd) {
    case 'start': {
      const r = await start()
      log(
        r.started
          ? `versitygw ${VERSITYGW_VERSION} ready on ${r.endpoint} (pid ${r.pid}, bucket ${r.bucket}) in ${(r.readyMs / 1000).toFixed(1)} s; data: ${serverPaths().data}`
          : `versitygw is already running on ${r.endpoint} (pid ${r.pid})`,
      )
      print(r)
      return 0
    }
    case 'stop': {
      const r = await stop()
      log(
        r.stopped
          ? `stopped versitygw (pid ${r.pid}${r.forced ? ', killed' : ''})`
          : 'no S3 server was running',
      )
      return 0
    }
    case 'status': {
      const r = await status()
      log(
        r.state === 'running'
          ? `running on ${r.endpoint} (pid ${r.pid}, bucket ${r.bucket})`
          : `${r.state}${r.detail ? `: ${r.detail}` : ''}`,
      )
      print(r)
      return r.state === 'running' ? 0 : r.state === 'stopped' ? 3 : 1
    }
    case 'logs':
      console.log(logTail(80))
      return 0
    case 'wipe':
      wipe()
      log(`deleted ${serverPaths().dir}`)
      return 0
    case 'build':
      log(`versitygw binary: ${await ensureBinary()}`)
      print({ binary: binaryPaths().binary })
      return 0
    default:
      console.error(USAGE)
      return 2
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    log(err.message)
    process.exit(1)
  },
)
