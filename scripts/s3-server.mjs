#!/usr/bin/env node
// `npm run s3 -- start|stop|status|logs|wipe|build [--json]`: the local S3-compatible server (versitygw).

import { runCommand } from './lib/command.mjs'
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

/** `--json`: the result on stdout as one JSON line. */
const print = (values, r) => {
  if (values.json) process.stdout.write(`${JSON.stringify(r)}\n`)
}

runCommand({
  usage: USAGE,
  options: { json: { type: 'boolean' } },
  commands: {
    async start({ values }) {
      const r = await start()
      log(
        r.started
          ? `versitygw ${VERSITYGW_VERSION} ready on ${r.endpoint} (pid ${r.pid}, bucket ${r.bucket}) in ${(r.readyMs / 1000).toFixed(1)} s; data: ${serverPaths().data}`
          : `versitygw is already running on ${r.endpoint} (pid ${r.pid})`,
      )
      print(values, r)
      return 0
    },
    async stop() {
      const r = await stop()
      log(
        r.stopped
          ? `stopped versitygw (pid ${r.pid}${r.forced ? ', killed' : ''})`
          : 'no S3 server was running',
      )
      return 0
    },
    async status({ values }) {
      const r = await status()
      log(
        r.state === 'running'
          ? `running on ${r.endpoint} (pid ${r.pid}, bucket ${r.bucket})`
          : `${r.state}${r.detail ? `: ${r.detail}` : ''}`,
      )
      print(values, r)
      return r.state === 'running' ? 0 : r.state === 'stopped' ? 3 : 1
    },
    logs() {
      console.log(logTail(80))
      return 0
    },
    wipe() {
      wipe()
      log(`deleted ${serverPaths().dir}`)
      return 0
    },
    async build({ values }) {
      log(`versitygw binary: ${await ensureBinary()}`)
      print(values, { binary: binaryPaths().binary })
      return 0
    },
  },
})
