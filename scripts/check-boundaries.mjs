#!/usr/bin/env node
// Enforces the one-way package layering of DEVELOPERS.md: each workspace package may depend only on the
// workspace packages its layer allows, both in package.json and in the imports of its sources. Runs inside
// `npm test`; exits non-zero naming every violation.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { root } from './lib/paths.mjs'

const CONNECTOR = /^@sluice\/connector-/

/** Which workspace packages each package may use; a function gets the dependency name. */
export const RULES = {
  '@sluice/api': () => false,
  '@sluice/converters': (d) => d === '@sluice/api',
  '@sluice/transforms': (d) => d === '@sluice/api',
  '@sluice/kafka': (d) => d === '@sluice/api',
  '@sluice/telemetry': (d) => d === '@sluice/api',
  '@sluice/test-plugins': (d) => d === '@sluice/api',
  '@sluice/runtime': (d) =>
    [
      '@sluice/api',
      '@sluice/converters',
      '@sluice/transforms',
      '@sluice/kafka',
      '@sluice/telemetry',
    ].includes(d) || CONNECTOR.test(d),
  '@sluice/testkit': (d) =>
    ['@sluice/api', '@sluice/runtime', '@sluice/kafka', '@sluice/converters'].includes(d),
  '@sluice/rest': (d) => ['@sluice/api', '@sluice/runtime'].includes(d),
  '@sluice/ui': (d) => ['@sluice/api'].includes(d),
  '@sluice/cli': () => true,
  '@sluice/integration-tests': () => true,
  '@sluice/benchmarks': () => true,
}

/** The only package allowed to import the Kafka binding (it cannot load in worker threads). */
const KAFKA_BINDING = '@confluentinc/kafka-javascript'

function workspacePackages() {
  const dirs = []
  const add = (d) => existsSync(path.join(root, d, 'package.json')) && dirs.push(d)
  for (const group of ['packages', 'packages/connectors', 'examples/plugins']) {
    const base = path.join(root, group)
    if (!existsSync(base)) continue
    for (const name of readdirSync(base)) add(path.join(group, name))
  }
  add('test')
  add('benchmarks')
  return dirs.map((dir) => ({
    dir,
    manifest: JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8')),
  }))
}

function* sourceFiles(dir) {
  if (!existsSync(dir)) return
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue
    const p = path.join(dir, name)
    if (statSync(p).isDirectory()) yield* sourceFiles(p)
    else if (/\.(ts|mts|js|mjs)$/.test(name) && !name.endsWith('.d.ts')) yield p
  }
}

const IMPORT =
  /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g

export function check() {
  const problems = []
  const pkgs = workspacePackages()
  const names = new Set(pkgs.map((p) => p.manifest.name))
  for (const { dir, manifest } of pkgs) {
    const name = manifest.name
    const rule =
      RULES[name] ?? (CONNECTOR.test(name) || dir.startsWith('examples') ? (d) => d === '@sluice/api' : null)
    if (rule === null) {
      problems.push(
        `${dir}: package ${name} has no layering rule; add it to scripts/check-boundaries.mjs and DEVELOPERS.md`,
      )
      continue
    }
    const deps = { ...manifest.dependencies, ...manifest.devDependencies, ...manifest.peerDependencies }
    for (const dep of Object.keys(deps)) {
      if (names.has(dep) && !rule(dep))
        problems.push(`${dir}/package.json: ${name} must not depend on ${dep}`)
      if (
        dep === KAFKA_BINDING &&
        name !== '@sluice/kafka' &&
        name !== '@sluice/integration-tests' &&
        name !== '@sluice/benchmarks'
      ) {
        problems.push(`${dir}/package.json: only @sluice/kafka may depend on ${KAFKA_BINDING}`)
      }
    }
    for (const sub of ['src', 'test']) {
      for (const file of sourceFiles(path.join(root, dir, sub))) {
        const text = readFileSync(file, 'utf8')
        for (const m of text.matchAll(IMPORT)) {
          const spec = m[1] ?? m[2] ?? m[3]
          const target = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]
          const rel = path.relative(root, file)
          if (names.has(target) && target !== name && !rule(target))
            problems.push(`${rel}: ${name} must not import ${target}`)
          if (names.has(target) && target !== name && !(target in deps)) {
            problems.push(`${rel}: imports ${target}, which is not a dependency in ${dir}/package.json`)
          }
          if (target === KAFKA_BINDING && name !== '@sluice/kafka')
            problems.push(`${rel}: only @sluice/kafka may import ${KAFKA_BINDING}`)
        }
      }
    }
  }
  return problems
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const problems = check()
  if (problems.length > 0) {
    console.error(`dependency boundaries violated (see DEVELOPERS.md):\n  ${problems.join('\n  ')}`)
    process.exit(1)
  }
  console.error('[sluice] dependency boundaries: ok')
}
