// Where the project keeps its caches and run state. Everything lives inside the checkout
// (ignored by git) so CI can cache it and a clean `git clean -xdf` resets the machine state.

import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const cacheDir = path.join(root, '.cache')
export const runDir = process.env.SLUICE_RUN_DIR ?? path.join(root, '.run')
export const toolsDir = path.join(cacheDir, 'tools')
export const mavenRepo = path.join(cacheDir, 'm2')
export const kafkaDir = path.join(cacheDir, 'kafka')
