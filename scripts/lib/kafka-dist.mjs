// Apache Kafka from Maven Central: resolves the jars named in scripts/kafka/pom.xml into
// <cache>/kafka/<version>/lib with the Maven repository in <cache>/m2 (scripts/lib/paths.mjs), once. Shared by the broker
// command, the Java Connect oracle in tests and the benchmarks.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { kafkaDir, mavenRepo, root } from './paths.mjs'
import { capture, log, run } from './proc.mjs'

export const POM = path.join(root, 'scripts', 'kafka', 'pom.xml')

export const KAFKA_VERSION = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(readFileSync(POM, 'utf8'))?.[1]
if (!KAFKA_VERSION) throw new Error(`${POM} does not declare <kafka.version>`)

export const distDir = path.join(kafkaDir, KAFKA_VERSION)
export const libDir = path.join(distDir, 'lib')
const stampFile = path.join(distDir, '.resolved')

// Our own Java shim for the FileStream connectors' jar (see its header comment): compiled into the lib
// folder at resolve time, part of the stamp so a change recompiles it.
const SHIM_DIR = path.join(root, 'scripts', 'kafka', 'shim')
const SHIM_SOURCE = path.join(SHIM_DIR, 'org', 'apache', 'kafka', 'common', 'utils', 'AppInfoParser.java')

function pomStamp() {
  return createHash('sha256').update(readFileSync(POM)).update(readFileSync(SHIM_SOURCE)).digest('hex')
}

/** Compiles the AppInfoParser shim against the resolved jars into lib/sluice-connect-file-shim.jar. */
async function buildShim() {
  const classes = path.join(distDir, 'shim-classes')
  rmSync(classes, { recursive: true, force: true })
  mkdirSync(classes, { recursive: true })
  if (capture('javac', ['-version']) === null) {
    throw new Error(
      'javac was not found on PATH; the Java oracle needs a JDK: apt-get install openjdk-17-jdk-headless',
    )
  }
  await run('javac', ['--release', '17', '-d', classes, '-cp', path.join(libDir, '*'), SHIM_SOURCE], {
    cwd: root,
  })
  await run(
    'jar',
    ['--create', '--file', path.join(libDir, 'sluice-connect-file-shim.jar'), '-C', classes, '.'],
    {
      cwd: root,
    },
  )
  rmSync(classes, { recursive: true, force: true })
}

/** True when the jars for the current pom.xml are already in the cache (no Maven run needed). */
export function isResolved() {
  return existsSync(stampFile) && readFileSync(stampFile, 'utf8') === pomStamp()
}

function checkJava() {
  // `java -version` writes to stderr; capture() returns null only when it could not run or failed.
  if (capture('java', ['-version']) === null) {
    throw new Error(
      'Java was not found on PATH. Kafka needs Java 17 or newer: apt-get install openjdk-17-jre-headless',
    )
  }
}

/** Resolves the Kafka jars with Maven if the cache is missing or the pom changed; returns the lib dir. */
export async function resolveKafka({ quiet = false } = {}) {
  if (isResolved()) return libDir
  checkJava()
  if (capture('mvn', ['-v']) === null) {
    throw new Error('Maven (mvn) was not found on PATH; install it (apt-get install maven) and run again')
  }
  if (!quiet) log(`resolving Apache Kafka ${KAFKA_VERSION} from Maven Central into ${distDir}`)
  rmSync(libDir, { recursive: true, force: true })
  mkdirSync(libDir, { recursive: true })
  await copyDependencies(POM, libDir)
  const jars = readdirSync(libDir)
  for (const needed of [
    `kafka_2.13-${KAFKA_VERSION}.jar`,
    `connect-runtime-${KAFKA_VERSION}.jar`,
    'log4j-slf4j-impl-',
  ]) {
    if (!jars.some((j) => j.startsWith(needed)))
      throw new Error(`Maven did not bring ${needed} into ${libDir}`)
  }
  if (jars.some((j) => /^slf4j-api-2\./.test(j))) {
    throw new Error(
      'slf4j-api 2.x was resolved; Kafka would log nothing. Pin slf4j-api 1.7.x in scripts/kafka/pom.xml',
    )
  }
  await buildShim()
  writeFileSync(stampFile, pomStamp())
  return libDir
}

/**
 * MirrorMaker 2's connectors (connect-mirror, connect-mirror-client; not in the oracle's lib folder, so
 * resolving them never touches it): a Java topic-to-topic hop that keeps headers, for the telemetry test
 * of a trace crossing a Java worker. 4.3.1, as connect-file: 4.4.0 is not served by Maven Central here.
 * Returns the folder, `<cache>/kafka/<version>/mirror-lib`, to add to the classpath after lib/.
 */
export const MIRROR_VERSION = '4.3.1'
export async function resolveMirror({ quiet = false } = {}) {
  const dir = path.join(distDir, 'mirror-lib')
  const jars = ['connect-mirror', 'connect-mirror-client'].map((a) => [a, `${a}-${MIRROR_VERSION}.jar`])
  if (jars.every(([, jar]) => existsSync(path.join(dir, jar)))) return dir
  checkJava()
  if (!quiet) log(`resolving MirrorMaker 2 ${MIRROR_VERSION} from Maven Central into ${dir}`)
  mkdirSync(dir, { recursive: true })
  for (const [artifact] of jars)
    await run(
      'mvn',
      [
        '-B',
        '-q',
        `-Dmaven.repo.local=${mavenRepo}`,
        'dependency:copy',
        `-Dartifact=org.apache.kafka:${artifact}:${MIRROR_VERSION}`,
        `-DoutputDirectory=${dir}`,
      ],
      { cwd: distDir },
    )
  return dir
}

/** `mvn dependency:copy-dependencies` of `pom` (runtime scope) into `outDir`, with the per-user Maven repository. */
export function copyDependencies(pom, outDir) {
  return run(
    'mvn',
    [
      '-B',
      '-q',
      `-Dmaven.repo.local=${mavenRepo}`,
      '-f',
      pom,
      'dependency:copy-dependencies',
      `-DoutputDirectory=${outDir}`,
      '-DincludeScope=runtime',
    ],
    { cwd: root },
  )
}

/** The classpath for `java -cp`. */
export function classpath() {
  return path.join(libDir, '*')
}

/** Writes a Log4j2 properties config (Kafka's own config files are in no jar) and returns its path. */
export function writeLog4jConfig(file, { level = 'INFO', quiet = [] } = {}) {
  const lines = [
    'status = warn',
    'appender.out.type = Console',
    'appender.out.name = STDOUT',
    'appender.out.layout.type = PatternLayout',
    'appender.out.layout.pattern = [%d] %p %m (%c)%n',
    `rootLogger.level = ${level}`,
    'rootLogger.appenderRef.out.ref = STDOUT',
  ]
  quiet.forEach((name, i) => {
    lines.push(`logger.q${i}.name = ${name}`, `logger.q${i}.level = WARN`)
  })
  mkdirSync(path.dirname(file), { recursive: true })
  writeFileSync(file, `${lines.join('\n')}\n`)
  return file
}

/** JVM flags Kafka's scripts use (kafka-run-class.sh's KAFKA_JVM_PERFORMANCE_OPTS). */
export const JVM_PERFORMANCE_OPTS = [
  '-server',
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:InitiatingHeapOccupancyPercent=35',
  '-XX:+ExplicitGCInvokesConcurrent',
  '-XX:MaxInlineLevel=15',
  '-Djava.awt.headless=true',
]
