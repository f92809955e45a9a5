#!/usr/bin/env node
// One idempotent setup step shared by `npm test`, `npm run demo` and `npm run bench`:
// system packages for the Kafka client, a pinned pnpm, the workspace install and the build.
// A second run must be cheap: it checks stamps and lets pnpm/turbo/tsc skip up-to-date work.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { pnpmStore, root, toolsDir } from './lib/paths.mjs'
import { capture, log, run } from './lib/proc.mjs'

// Debian packages librdkafka links against when built with CKJS_LINKING=dynamic. Without them the
// Kafka client's build tries to download zlib/OpenSSL/zstd/curl sources and fails offline.
export const APT_PACKAGES = [
  'zlib1g-dev',
  'libssl-dev',
  'libzstd-dev',
  'liblz4-dev',
  'libcurl4-openssl-dev',
  'libsasl2-dev',
]

const PNPM_VERSION = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).packageManager.split(
  '@',
)[1]

function missingAptPackages() {
  return APT_PACKAGES.filter(
    (p) => capture('dpkg-query', ['-W', '-f=${Status}', p]) !== 'install ok installed',
  )
}

async function ensureAptPackages() {
  const missing = missingAptPackages()
  if (missing.length === 0) return
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  const cmd = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`
  if (!isRoot) {
    throw new Error(
      `the Kafka client needs these Debian packages: ${missing.join(' ')}.\n` +
        `Install them, then run this command again:\n  sudo sh -c '${cmd}'`,
    )
  }
  log(`installing Debian packages: ${missing.join(' ')}`)
  await run('sh', ['-c', cmd], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
}

/** Returns the path of a pnpm binary of the pinned version, installing it into the cache's tools/ if needed. */
export async function ensurePnpm() {
  const local = path.join(toolsDir, 'node_modules', '.bin', 'pnpm')
  if (existsSync(local) && capture(local, ['--version']) === PNPM_VERSION) return local
  if (capture('pnpm', ['--version']) === PNPM_VERSION) return 'pnpm'
  log(`installing pnpm ${PNPM_VERSION} into ${toolsDir}`)
  mkdirSync(toolsDir, { recursive: true })
  await run('npm', [
    'install',
    '--prefix',
    toolsDir,
    '--no-save',
    '--no-package-lock',
    `pnpm@${PNPM_VERSION}`,
  ])
  return local
}

function installStamp() {
  const h = createHash('sha256')
  for (const f of ['pnpm-lock.yaml', 'package.json', 'pnpm-workspace.yaml']) {
    const p = path.join(root, f)
    if (existsSync(p)) h.update(readFileSync(p))
  }
  const workspaceManifests =
    capture('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*package.json'], {
      cwd: root,
    }) ?? ''
  for (const f of workspaceManifests.split('\n').filter(Boolean)) {
    const p = path.join(root, f)
    if (existsSync(p)) h.update(f).update(readFileSync(p))
  }
  return h.digest('hex')
}

export function buildEnv() {
  // turbo looks up the package manager binary on PATH, so the pinned pnpm's folder goes first.
  const bin = path.join(toolsDir, 'node_modules', '.bin')
  const env = {
    ...process.env,
    CKJS_LINKING: 'dynamic',
    // The store lives in the per-user cache (scripts/lib/paths.mjs), so a fresh clone reuses the
    // built Kafka client from pnpm's side-effects cache instead of compiling librdkafka again.
    npm_config_store_dir: pnpmStore,
    PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`,
  }
  // node-gyp must find headers locally: downloading them is not possible on this network.
  if (!env.npm_config_nodedir && existsSync('/usr/include/node/node.h')) env.npm_config_nodedir = '/usr'
  return env
}

async function install(pnpm) {
  const stampFile = path.join(root, 'node_modules', '.sluice-install-stamp')
  const stamp = installStamp()
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return
  const frozen = existsSync(path.join(root, 'pnpm-lock.yaml')) && process.env.CI ? ['--frozen-lockfile'] : []
  log('installing workspace dependencies (builds librdkafka on the first run, about a minute)')
  await run(pnpm, ['install', ...frozen], { cwd: root, env: buildEnv() })
  writeFileSync(stampFile, stamp)
}

export async function setup({ build = true } = {}) {
  await ensureAptPackages()
  const pnpm = await ensurePnpm()
  await install(pnpm)
  if (build) {
    await run(pnpm, ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only'], {
      cwd: root,
      env: buildEnv(),
    })
  }
  return { pnpm }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  setup({ build: !process.argv.includes('--no-build') }).catch((err) => {
    log(`setup failed: ${err.message}`)
    process.exit(1)
  })
}
