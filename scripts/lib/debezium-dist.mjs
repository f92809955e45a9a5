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

export const CONNECT3_POM = path.join(root, 'scripts', 'debezium', 'connect3-pom.xml')
export const CONNECT3_VERSION = /<connect3\.version>([^<]+)<\/connect3\.version>/.exec(
  readFileSync(CONNECT3_POM, 'utf8'),
)?.[1]
const connect3Dir = path.join(cacheDir, 'kafka-connect', CONNECT3_VERSION ?? 'unknown')
const connect3Lib = path.join(connect3Dir, 'lib')
const connect3Stamp = path.join(connect3Dir, '.resolved')

/**
 * Java Connect 3.9 (scripts/debezium/connect3-pom.xml), resolved once into the per-user cache; returns
 * its `java -cp` classpath. Only the Debezium-continues-from-Sluice test runs it (see the pom).
 */
export async function resolveConnect3({ quiet = false } = {}) {
  const stamp = createHash('sha256').update(readFileSync(CONNECT3_POM)).digest('hex')
  if (existsSync(connect3Stamp) && readFileSync(connect3Stamp, 'utf8') === stamp)
    return path.join(connect3Lib, '*')
  if (capture('mvn', ['-v']) === null) {
    throw new Error('Maven (mvn) was not found on PATH; install it (apt-get install maven) and run again')
  }
  if (!quiet) log(`resolving Java Kafka Connect ${CONNECT3_VERSION} from Maven Central into ${connect3Lib}`)
  rmSync(connect3Lib, { recursive: true, force: true })
  mkdirSync(connect3Lib, { recursive: true })
  await copyDependencies(CONNECT3_POM, connect3Lib)
  if (!existsSync(path.join(connect3Lib, `connect-runtime-${CONNECT3_VERSION}.jar`)))
    throw new Error(`Maven did not bring connect-runtime-${CONNECT3_VERSION}.jar into ${connect3Lib}`)
  writeFileSync(connect3Stamp, stamp)
  return path.join(connect3Lib, '*')
}
