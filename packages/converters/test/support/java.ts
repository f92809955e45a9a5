/**
 * Finds a JDK and Kafka's jars, compiles the Java harness once (cached under `<cache>/java-harness/`,
 * recompiled only when its source, the JDK or the jars change) and runs a whole corpus through one JVM.
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

/** The repository root (this file is packages/converters/dist/test/support/java.js). */
export const repoRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  '..',
  '..',
)
const harnessSource = path.join(
  repoRoot,
  'packages',
  'converters',
  'test',
  'java',
  'JsonConverterHarness.java',
)

export interface Jdk {
  readonly home: string
  readonly major: number
  readonly java: string
  readonly javac: string | undefined
}

function jdkAt(home: string): Jdk | undefined {
  const java = path.join(home, 'bin', 'java')
  if (!existsSync(java)) return undefined
  const r = spawnSync(java, ['-version'], { encoding: 'utf8' })
  const m = /version "(\d+)(?:\.(\d+))?/.exec(`${r.stderr}${r.stdout}`)
  if (m === null) return undefined
  const major = m[1] === '1' ? Number(m[2]) : Number(m[1])
  const javac = path.join(home, 'bin', 'javac')
  return { home, major, java, javac: existsSync(javac) ? javac : undefined }
}

/** Every JDK found: $SLUICE_JAVA_HOME, $SLUICE_JAVA17_HOME, $JAVA_HOME, /usr/lib/jvm/*, the `java` on the PATH. */
export function findJdks(): Jdk[] {
  const homes = new Set<string>()
  for (const v of [process.env.SLUICE_JAVA_HOME, process.env.SLUICE_JAVA17_HOME, process.env.JAVA_HOME]) {
    if (v) homes.add(path.resolve(v))
  }
  const jvmDir = '/usr/lib/jvm'
  if (existsSync(jvmDir)) for (const d of readdirSync(jvmDir).sort()) homes.add(path.join(jvmDir, d))
  const onPath = spawnSync('java', ['-XshowSettings:properties', '-version'], { encoding: 'utf8' })
  const home = /java\.home = (.+)/.exec(onPath.stderr ?? '')?.[1]?.trim()
  if (home) homes.add(home)
  const seen = new Set<string>()
  const out: Jdk[] = []
  for (const h of homes) {
    const jdk = jdkAt(h)
    if (jdk === undefined) continue
    let real = h
    try {
      real = realpathSync(h)
    } catch {
      // keep h
    }
    if (seen.has(real)) continue
    seen.add(real)
    out.push(jdk)
  }
  return out
}

/**
 * Kafka's lib directory, resolved with the project's own script (scripts/lib/kafka-dist.mjs: Maven Central
 * into `<cache>/kafka/<version>/lib`, once; a no-op when already resolved), or a message saying what to run.
 */
export async function kafkaLib(): Promise<{ lib: string } | { problem: string }> {
  const script = path.join(repoRoot, 'scripts', 'lib', 'kafka-dist.mjs')
  const what = `run \`node scripts/kafka.mjs resolve\` from ${repoRoot}`
  if (!existsSync(script)) return { problem: `${script} is missing; cannot locate the Kafka jars (${what})` }
  try {
    const dist = (await import(pathToFileURL(script).href)) as {
      resolveKafka(opts?: { quiet?: boolean }): Promise<string>
    }
    const lib = await dist.resolveKafka()
    const jars = readdirSync(lib)
    if (
      !jars.some((j) => j.startsWith('connect-json-')) ||
      !jars.some((j) => j.startsWith('connect-runtime-'))
    ) {
      return { problem: `the Kafka jars in ${lib} lack connect-json/connect-runtime: ${what}` }
    }
    return { lib }
  } catch (err) {
    return {
      problem: `the Kafka jars are missing and could not be resolved (${(err as Error).message}): ${what}`,
    }
  }
}

/**
 * Compiles a harness with `jdk` (for Java 17 bytecode, so every JDK found can run it); returns its class
 * dir. `sources` defaults to the converter harness; other corpora (the transforms corpus in test/) pass
 * their own harness plus JsonConverterHarness.java, whose schema/value builders they reuse.
 */
export function compileHarness(jdk: Jdk, lib: string, sources: readonly string[] = [harnessSource]): string {
  if (jdk.javac === undefined) throw new Error(`no javac in ${jdk.home}`)
  const jars = readdirSync(lib).sort().join('\n')
  const hash = createHash('sha256')
  for (const s of sources) hash.update(readFileSync(s))
  hash.update(String(jdk.major)).update(jars)
  const digest = hash.digest('hex').slice(0, 16)
  // The per-user cache of scripts/lib/paths.mjs (set for us by kafkaLib()'s import of kafka-dist.mjs).
  const base = path.join(
    process.env.SLUICE_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'sluice'),
    'java-harness',
  )
  const out = path.join(base, digest)
  const marker = `${path.basename(sources[0]!, '.java')}.class`
  if (existsSync(path.join(out, marker))) return out
  const tmp = `${out}.tmp-${process.pid}`
  rmSync(tmp, { recursive: true, force: true })
  mkdirSync(tmp, { recursive: true })
  const r = spawnSync(
    jdk.javac,
    ['--release', '17', '-encoding', 'UTF-8', '-d', tmp, '-cp', path.join(lib, '*'), ...sources],
    { encoding: 'utf8' },
  )
  if (r.status !== 0) {
    rmSync(tmp, { recursive: true, force: true })
    throw new Error(`javac failed:\n${r.stderr}${r.stdout}`)
  }
  try {
    renameSync(tmp, out)
  } catch {
    // Another process compiled it concurrently; use theirs.
    rmSync(tmp, { recursive: true, force: true })
  }
  return out
}

/** The converter harness source, for corpora that compile it together with their own harness. */
export const jsonConverterHarnessSource = harnessSource

/**
 * Runs JSON-line operations through `mainClass` in one JVM (UTC, like a worker) and returns the output
 * lines parsed, by id.
 */
export function runJsonLines<T extends { readonly id: string }>(
  jdk: Jdk,
  classes: string,
  lib: string,
  mainClass: string,
  ops: readonly { readonly id: string }[],
): Map<string, T> {
  const input = `${ops.map((o) => JSON.stringify(o)).join('\n')}\n`
  const r = spawnSync(
    jdk.java,
    ['-Duser.timezone=UTC', '-cp', `${classes}${path.delimiter}${path.join(lib, '*')}`, mainClass],
    { input, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 },
  )
  if (r.status !== 0) throw new Error(`the Java harness failed (exit ${r.status}):\n${r.stderr}`)
  const out = new Map<string, T>()
  for (const line of r.stdout.split('\n')) {
    if (line.trim() === '') continue
    const res = JSON.parse(line) as T
    out.set(res.id, res)
  }
  if (out.size !== ops.length)
    throw new Error(`the Java harness answered ${out.size} of ${ops.length} operations`)
  return out
}

/** One corpus operation for the harness (see JsonConverterHarness.java). */
export interface HarnessOp {
  readonly id: string
  readonly op: 'encode' | 'decode'
  readonly converter: string
  readonly kind: 'key' | 'value' | 'header'
  readonly config: Readonly<Record<string, string>>
  readonly schema?: unknown
  readonly valueSchema?: unknown
  readonly value?: unknown
  readonly bytes?: string | null
}

/** The harness's answer to one operation. */
export interface HarnessResult {
  readonly id: string
  readonly error?: string
  readonly bytes?: string | null
  readonly decoded?: { readonly schema: unknown; readonly value: unknown }
  readonly decodeError?: string
  readonly schema?: unknown
  readonly value?: unknown
}

/** Runs all `ops` through one JVM and returns the results by id. */
export function runHarness(
  jdk: Jdk,
  classes: string,
  lib: string,
  ops: readonly HarnessOp[],
): Map<string, HarnessResult> {
  // UTC: StringConverter prints java.util.Date in the JVM's zone, and Sluice assumes UTC.
  return runJsonLines<HarnessResult>(jdk, classes, lib, 'JsonConverterHarness', ops)
}
