// Process helpers shared by the local servers' commands (Kafka broker, S3 server, MariaDB): liveness of a
// pid, stopping one, and a lock folder so parallel test files never start (or build) the same server twice.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** Whether `pid` runs; a killed child whose parent is gone lingers as a zombie until reaped: dead too. */
export function isAlive(pid) {
  try {
    process.kill(pid, 0)
  } catch (err) {
    return err.code === 'EPERM'
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return true
  }
}

/**
 * Stops `pid`: SIGTERM, then SIGKILL if it still runs after `timeoutMs`; resolves once it is gone.
 * Returns whether it had to be killed.
 */
export async function terminate(pid, timeoutMs, pollMs = 100) {
  process.kill(pid, 'SIGTERM')
  const deadline = Date.now() + timeoutMs
  while (isAlive(pid) && Date.now() < deadline) await sleep(pollMs)
  if (!isAlive(pid)) return false
  process.kill(pid, 'SIGKILL')
  while (isAlive(pid)) await sleep(50)
  return true
}

/**
 * Takes the lock folder `lockDir` (waiting up to `timeoutMs`); resolves with its release function. A lock
 * left by a killed holder (or one that died before writing its pid) is stale and taken over.
 * @param what what the holder is doing, for the timeout message (e.g. `starting the broker`)
 */
export async function acquireLock(lockDir, timeoutMs, what, pollMs = 200) {
  mkdirSync(path.dirname(lockDir), { recursive: true })
  const owner = path.join(lockDir, 'pid')
  const startedAt = Date.now()
  for (;;) {
    try {
      mkdirSync(lockDir)
      writeFileSync(owner, `${process.pid}\n`)
      return () => rmSync(lockDir, { recursive: true, force: true })
    } catch (err) {
      if (err.code !== 'EEXIST') throw err
    }
    const holder = existsSync(owner) ? Number(readFileSync(owner, 'utf8')) : null
    const waited = Date.now() - startedAt
    if ((holder !== null && !isAlive(holder)) || (holder === null && waited > 5000)) {
      rmSync(lockDir, { recursive: true, force: true })
      continue
    }
    if (waited > timeoutMs) throw new Error(`another process (pid ${holder}) is still ${what}`)
    await sleep(pollMs)
  }
}
