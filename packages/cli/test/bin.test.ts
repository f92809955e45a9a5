import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

// The README's "Using Sluice" step: `export PATH="$PWD/bin:$PATH"` from the checkout puts `sluice`,
// `connect-standalone` and `connect-distributed` on PATH. These run the wrappers as a user's shell would.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..')
const binDir = path.join(root, 'bin')
const manifest = JSON.parse(readFileSync(path.join(root, 'packages', 'cli', 'package.json'), 'utf8')) as {
  bin: Record<string, string>
}

function shell(script: string, dir = binDir) {
  const cwd = mkdtempSync(path.join(tmpdir(), 'sluice-bin-'))
  return spawnSync('sh', ['-c', script], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${dir}:${process.env.PATH ?? ''}` },
  })
}

describe('bin/ wrappers on PATH', () => {
  it('each runs the file its package.json bin entry names', () => {
    for (const [name, target] of Object.entries(manifest.bin)) {
      const wrapper = readFileSync(path.join(binDir, name), 'utf8')
      assert.ok(
        wrapper.includes(`"$root/packages/cli/${target.replace(/^\.\//, '')}"`),
        `${name} → ${target}`,
      )
    }
  })

  it('sluice and connect-standalone answer from any directory, also through a symlink', () => {
    const version = shell('sluice --version')
    assert.equal(version.status, 0, version.stderr)
    assert.match(version.stdout, /^\d+\.\d+\.\d+/)
    const help = shell('connect-standalone --help')
    assert.equal(help.status, 0, help.stderr)
    assert.match(help.stdout, /^Usage: connect-standalone worker.properties/)
    const linked = mkdtempSync(path.join(tmpdir(), 'sluice-link-'))
    symlinkSync(path.join(binDir, 'sluice'), path.join(linked, 'sluice'))
    const viaLink = shell('sluice standalone', linked)
    assert.equal(viaLink.status, 1)
    assert.match(viaLink.stderr, /missing required argument 'worker.properties'/)
  })

  it('connect-distributed runs distributed mode, or says it is not in this build yet (exit 1)', () => {
    if (manifest.bin['connect-distributed'] !== undefined) {
      const help = shell('connect-distributed --help')
      assert.equal(help.status, 0, help.stderr)
      assert.match(help.stdout, /^Usage: connect-distributed/)
      return
    }
    const r = shell('connect-distributed worker.properties')
    assert.equal(r.status, 1)
    assert.match(r.stderr, /connect-distributed: distributed mode is not in this build of Sluice yet/)
  })
})
