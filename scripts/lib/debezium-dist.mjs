// Debezium's MySQL connector from Maven Central (scripts/debezium/pom.xml), resolved once into
// <cache>/debezium/<version>/debezium-connector-mysql with the shared Maven repository. It is the Java oracle
// of packages/connectors/mysql: Java Connect loads it from plugin.path with plugin.discovery=hybrid_warn
// (Debezium 2.7's jars carry no ServiceLoader manifests for Connect's service_load mode).
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { copyDependencies } from './kafka-dist.mjs'
import { cacheDir, root } from './paths.mjs'
import { capture, log } from './proc.mjs'

export const DEBEZIUM_POM = path.join(root, 'scripts', 'debezium', 'pom.xml')
export const DEBEZIUM_VERSION = /<debezium\.version>([^<]+)<\/debezium\.version>/.exec(
  readFileSync(DEBEZIUM_POM, 'utf8'),
)?.[1]
if (!DEBEZIUM_VERSION) throw new Error(`${DEBEZIUM_POM} does not declare <debezium.version>`)

/** The plugin.path folder (it holds one plugin folder, debezium-connector-mysql). */
export const debeziumPluginPath = path.join(cacheDir, 'debezium', DEBEZIUM_VERSION)
const pluginDir = path.join(debeziumPluginPath, 'debezium-connector-mysql')
const stampFile = path.join(debeziumPluginPath, '.resolved')

// Java Connect brings these. kafka-clients stays only in the pinned compat version of the pom (see there).
const PROVIDED = [/^connect-api-/, /^kafka-clients-(?!3\.7\.1\.jar)/, /^slf4j-api-/]

function pomStamp() {
  return createHash('sha256').update(readFileSync(DEBEZIUM_POM)).digest('hex')
}

/** Resolves the jars if the cache is missing or the pom changed; returns the plugin.path folder. */
export async function resolveDebezium({ quiet = false } = {}) {
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === pomStamp()) return debeziumPluginPath
  if (capture('mvn', ['-v']) === null) {
    throw new Error('Maven (mvn) was not found on PATH; install it (apt-get install maven) and run again')
  }
  if (!quiet)
    log(`resolving Debezium ${DEBEZIUM_VERSION} (MySQL connector) from Maven Central into ${pluginDir}`)
  rmSync(pluginDir, { recursive: true, force: true })
  mkdirSync(pluginDir, { recursive: true })
  await copyDependencies(DEBEZIUM_POM, pluginDir)
  for (const jar of readdirSync(pluginDir)) {
    if (PROVIDED.some((re) => re.test(jar))) rmSync(path.join(pluginDir, jar))
  }
  if (!readdirSync(pluginDir).some((j) => j.startsWith(`debezium-connector-mysql-${DEBEZIUM_VERSION}`)))
    throw new Error(`Maven did not bring debezium-connector-mysql-${DEBEZIUM_VERSION}.jar into ${pluginDir}`)
  writeFileSync(stampFile, pomStamp())
  return debeziumPluginPath
}
