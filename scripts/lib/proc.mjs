import { spawn, spawnSync } from 'node:child_process'

/** Runs a command with inherited stdio; rejects with a message naming the command on failure. */
export function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'inherit', ...opts })
    child.on('error', (err) => reject(new Error(`could not start ${cmd}: ${err.message}`)))
    child.on('exit', (code, signal) => {
      if (code === 0) resolve()
      else reject(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`))
    })
  })
}

/** Runs a command synchronously and returns trimmed stdout, or null if it could not run or failed. */
export function capture(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts })
  if (r.error || r.status !== 0) return null
  return r.stdout.trim()
}

export function log(msg) {
  process.stderr.write(`[sluice] ${msg}\n`)
}
