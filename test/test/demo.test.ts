import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { test } from 'node:test'
import { repoRoot } from '../src/broker.js'
import { freePort, freePortPair } from '../src/ports.js'

// The README promises `npm run demo` works for a new user: that means on a brand-new broker (whose group
// coordinator is not ready yet: the demo used to die with "Broker: Not coordinator"), on the broker port
// SLUICE_KAFKA_PORT names, telling the REST address the worker really serves. So this starts its own
// brand-new broker on a free port (never the shared one) and runs the demo end to end against it.
test('npm run demo runs the quickstart on a brand-new broker at SLUICE_KAFKA_PORT and shows the real REST address', {
  timeout: 400_000,
}, async () => {
  const kafkaPort = await freePortPair()
  const restPort = await freePort()
  const runDir = mkdtempSync(path.join(tmpdir(), 'sluice-demo-'))
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SLUICE_KAFKA_PORT: String(kafkaPort),
    SLUICE_RUN_DIR: runDir,
    SLUICE_REST_PORT: String(restPort),
  }
  // The demo must start its own broker, not reuse the suite's.
  delete env.KAFKA_BOOTSTRAP_SERVERS
  delete env.SLUICE_TEST_BOOTSTRAP
  try {
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'demo.mjs'), '--once'], {
      cwd: repoRoot,
      env,
      encoding: 'utf8',
      timeout: 360_000,
    })
    const out = `${r.stdout}${r.stderr}`
    assert.equal(r.status, 0, out)
    assert.match(out, new RegExp(`Kafka is up on 127\\.0\\.0\\.1:${kafkaPort}`))
    assert.match(out, /3 lines arrived in .*test\.sink\.txt:\n\s+hello from Sluice/)
    assert.match(out, /appended 5 lines while running/)
    assert.match(out, /appended line 5 at /)
    assert.match(
      out,
      new RegExp(`Try next:[\\s\\S]*curl -s 'http://127\\.0\\.0\\.1:${restPort}/connectors\\?expand=status'`),
    )
    assert.match(out, new RegExp(`SLUICE_KAFKA_PORT=${kafkaPort} npm run kafka -- logs`))
  } finally {
    spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'kafka.mjs'), 'stop'], {
      env,
      stdio: 'inherit',
    })
    rmSync(runDir, { recursive: true, force: true })
  }
})
