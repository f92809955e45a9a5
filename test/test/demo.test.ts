import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { test } from 'node:test'
import { ensureBroker, repoRoot } from '../src/broker.js'

// The README promises `npm run demo` works; this runs it end to end (with --once so it stops by itself).
test('npm run demo runs the quickstart pipeline and says where to look', { timeout: 300_000 }, () => {
  ensureBroker()
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'demo.mjs'), '--once'], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 280_000,
  })
  const out = `${r.stdout}${r.stderr}`
  assert.equal(r.status, 0, out)
  assert.match(out, /3 lines arrived in .*test\.sink\.txt:\n\s+hello from Sluice/)
  assert.match(out, /appended 5 lines while running/)
  assert.match(out, /appended line 5 at /)
  assert.match(out, /Try next:[\s\S]*curl -s localhost:8083\/connectors/)
})
