// Where the project keeps its caches and run state.
//
// Caches (pnpm itself, the pnpm store with the built Kafka client, the Maven repository, Kafka's jars,
// compiled Java harnesses, server binaries built from the Go module proxy) live in a per-user folder
// *outside* the checkout, so that a fresh clone — which is what CI runs — reuses them instead of
// downloading and compiling everything again. Run state (broker data, logs, pid files) stays in the
// checkout's ignored .run/ folder: it belongs to one checkout.
//
// SLUICE_CACHE_DIR overrides the cache folder; otherwise $XDG_CACHE_HOME/sluice or ~/.cache/sluice.
// The scripts export SLUICE_CACHE_DIR to every child they start, so TypeScript tests read one value.

import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const cacheDir = path.resolve(
  process.env.SLUICE_CACHE_DIR ??
    path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'sluice'),
)
process.env.SLUICE_CACHE_DIR = cacheDir
export const runDir = process.env.SLUICE_RUN_DIR ?? path.join(root, '.run')
export const toolsDir = path.join(cacheDir, 'tools')
export const pnpmStore = path.join(cacheDir, 'pnpm-store')
export const mavenRepo = path.join(cacheDir, 'm2')
export const kafkaDir = path.join(cacheDir, 'kafka')
