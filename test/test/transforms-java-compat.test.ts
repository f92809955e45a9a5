/**
 * Differential corpus: every Kafka transform and predicate × schema/schemaless records × edge cases, run
 * through Kafka 4.4's connect-transforms jar (test/java/TransformsHarness.java, one JVM) and through
 * @sluice/transforms. Compared: the output records as Connect data (topic, partition, key, value,
 * schemas, timestamp, headers), their JsonConverter bytes, errors and their messages, validation
 * messages and every ConfigDef (keys, types, defaults, importance, docs, validator text). Differences
 * are listed deliberately in KNOWN_DIFFERENCES with the reason; anything else fails.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import { test } from 'node:test'
import type { ConnectRecord, PluginDefinition, Predicate, Schema, Transformation } from '@sluice/api'
import { ConfigDef, Headers } from '@sluice/api'
import { JsonConverter } from '@sluice/converters'
// The converter corpus's Java support and data descriptions, shared rather than copied.
import {
  buildSchema,
  buildValue,
  describeSchema,
  describeValue,
  type SD,
  sameDescription,
  type VD,
} from '@sluice/converters/test-support/describe'
import {
  compileHarness,
  findJdks,
  jsonConverterHarnessSource,
  kafkaLib,
  repoRoot,
  runJsonLines,
} from '@sluice/converters/test-support/java'
import { plugins } from '@sluice/transforms'
import { type CorpusOp, RECORD_NAMES, type RecordDesc, transformsCorpus } from '../src/transforms-corpus.js'

/**
 * Deliberate differences, by op id (and record name), with the reason. Messages only: the data must match.
 */
const KNOWN_DIFFERENCES: Readonly<Record<string, string>> = {
  'apply:ts-whole$Key@schemaless':
    "message names java.util.LinkedHashMap (the harness's map class); Sluice cannot know a JS map's Java class and says HashMap",
  'apply:ts-whole$Value@schemaless': 'as above: the Java class of a schemaless map',
  'apply:ts-whole$Value@schemalessLogical': 'as above',
  'apply:timestamprouter@noTimestamp':
    "message embeds Java's ConnectRecord.toString() (with identity hashes of byte[]); Sluice prints topic, partition and timestamp",
  'apply:timestamprouter-format@noTimestamp': 'as above',
  'validate:mask-dup':
    "Kafka reports duplicates in config/validate but its AbstractConfig parse skips that check, so configure() passes; Sluice's rejects them in both",
  'validate:headerfrom-empty':
    "configure() error: Kafka's AbstractConfig throws the first invalid key, Sluice's (packages/api) lists every invalid key",
  'validate:regexrouter-badregex':
    'the regex syntax error text after "Invalid regex: " is JavaScript\'s (Unterminated group), not java.util.regex\'s',
  'validate:topicmatches-badregex': 'as above',
  'validate:insert-static-novalue':
    "Java prints the field spec's identity (InsertField$InsertionSpec@3feb2dda); Sluice prints InsertionSpec@<field name>",
  'validate:topicmatches-missing':
    "Java's RegexValidator also reports a NullPointerException text for the missing pattern; Sluice reports only the missing key",
}

/** The listed differences that showed up: a listed one that no longer happens must leave the list. */
const knownSeen = new Set<string>()

interface JavaResult {
  readonly id: string
  readonly error?: string
  readonly keys?: unknown[]
  readonly errors?: Record<string, string[]>
  readonly configureError?: string
  readonly results?: Array<{
    record?: Record<string, unknown>
    dropped?: boolean
    error?: string
    test?: boolean
  }>
}

const byClass = new Map<string, PluginDefinition>(plugins.map((p) => [p.className, p]))

function create(cls: string): Transformation | Predicate {
  const def = byClass.get(cls)
  if (def === undefined) throw new Error(`Sluice has no plugin ${cls}`)
  return def.create() as Transformation | Predicate
}

/** Java exception text without the class prefix (`org.apache…DataException: msg` → `msg`), causes dropped. */
function javaMessage(m: string): string {
  const first = m.split(' / ')[0]!
  return first.replace(/^[\w.$]+(Exception|Error): /, '')
}

function toRecord(d: RecordDesc): ConnectRecord {
  const keySchema = buildSchema(d.keySchema as SD | null)
  const valueSchema = buildSchema(d.valueSchema as SD | null)
  const headers = new Headers()
  for (const [k, sd, vd] of d.headers) {
    const s = buildSchema(sd as SD | null)
    headers.add(k, buildValue(s, vd as VD), s)
  }
  const base = {
    topic: d.topic,
    kafkaPartition: d.partition,
    keySchema,
    key: buildValue(keySchema, d.key as VD),
    valueSchema,
    value: buildValue(valueSchema, d.value as VD),
    timestamp: d.timestamp,
    headers,
  }
  if (d.offset === undefined) return { ...base, sourcePartition: null, sourceOffset: null } as ConnectRecord
  return {
    ...base,
    kafkaPartition: d.partition ?? 0,
    kafkaOffset: d.offset,
    timestampType: 'CREATE_TIME',
    originalTopic: d.topic,
    originalKafkaPartition: d.partition ?? 0,
    originalKafkaOffset: d.offset,
  } as ConnectRecord
}

const keyJson = new JsonConverter()
keyJson.configure({ 'schemas.enable': 'true' }, true)
const valueJson = new JsonConverter()
valueJson.configure({ 'schemas.enable': 'true' }, false)

function json(c: JsonConverter, r: ConnectRecord, schema: Schema | null, value: unknown): unknown {
  try {
    const b = c.fromConnectData(r.topic, r.headers, schema, value)
    return b === null ? null : Buffer.from(b).toString('utf8')
  } catch (err) {
    return { error: (err as Error).message }
  }
}

function describeRecord(r: ConnectRecord): Record<string, unknown> {
  return {
    topic: r.topic,
    partition: r.kafkaPartition,
    keySchema: describeSchema(r.keySchema),
    key: describeValue(r.keySchema, r.key),
    valueSchema: describeSchema(r.valueSchema),
    value: describeValue(r.valueSchema, r.value),
    timestamp: r.timestamp,
    headers: [...r.headers].map((h) => [h.key, describeSchema(h.schema), describeValue(h.schema, h.value)]),
    keyJson: json(keyJson, r, r.keySchema, r.key),
    valueJson: json(valueJson, r, r.valueSchema, r.value),
  }
}

/** JSON text compared with object keys sorted: schemaless maps are Java HashMaps, whose order is unspecified. */
function sortedJson(x: unknown): unknown {
  if (typeof x !== 'string') return x
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v as object)
              .sort()
              .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
          )
        : v
  try {
    return JSON.stringify(sort(JSON.parse(x)))
  } catch {
    return x
  }
}

function sluiceConfigDef(def: ConfigDef): unknown[] {
  return [...def.configKeys().values()].map((k) => {
    const o: Record<string, unknown> = {
      name: k.name,
      type: k.type,
      importance: k.importance,
      documentation: k.documentation,
      validator: k.validator === undefined ? null : k.validator.toString(),
    }
    if (k.hasDefault) o.default = ConfigDefDefault(k.defaultValue, k.type)
    return o
  })
}

function ConfigDefDefault(v: unknown, type: string): string | null {
  if (v === null || v === undefined) return null
  if (type === 'LIST') return (v as string[]).join(',')
  return String(v)
}

function javaConfigDef(keys: unknown[]): unknown[] {
  // Java prints a missing validator as null; a validator without toString() text as "".
  return keys.map((k) => {
    const o = { ...(k as Record<string, unknown>) }
    if (o.validator === 'null') o.validator = null
    return o
  })
}

function runSluice(op: CorpusOp, problems: string[], java: JavaResult): void {
  const note = (what: string): void => {
    const key = Object.keys(KNOWN_DIFFERENCES).find(
      (k) => what.startsWith(`${k}:`) || what.startsWith(`${k}@`),
    )
    if (key === undefined) problems.push(what)
    else knownSeen.add(key)
  }
  const plugin = create(op.class)
  if (op.op === 'configdef') {
    const ours = sluiceConfigDef(plugin.config())
    const theirs = javaConfigDef(java.keys ?? [])
    try {
      assert.deepEqual(ours, theirs)
    } catch {
      note(
        `${op.id}: configdef differs\n  java:   ${JSON.stringify(theirs)}\n  sluice: ${JSON.stringify(ours)}`,
      )
    }
    return
  }
  if (op.op === 'validate') {
    const errors: Record<string, string[]> = {}
    for (const v of plugin.config().validate(op.config ?? {})) {
      if (v.errorMessages.length > 0) errors[v.name] = [...v.errorMessages]
    }
    let configureError: string | undefined
    try {
      plugin.configure(op.config ?? {})
    } catch (err) {
      configureError = (err as Error).message
    }
    const theirs = {
      errors: java.errors ?? {},
      configureError: java.configureError === undefined ? undefined : javaMessage(java.configureError),
    }
    const ours = { errors, configureError }
    try {
      assert.deepEqual(ours, theirs)
    } catch {
      note(
        `${op.id}: validation differs\n  java:   ${JSON.stringify(theirs)}\n  sluice: ${JSON.stringify(ours)}`,
      )
    }
    return
  }
  if (java.error !== undefined) {
    let ours: string | undefined
    try {
      plugin.configure(op.config ?? {})
    } catch (err) {
      ours = (err as Error).message
    }
    if (ours !== javaMessage(java.error))
      note(`${op.id}: configure: java ${java.error} / sluice ${ours ?? 'ok'}`)
    return
  }
  plugin.configure(op.config ?? {})
  const records = op.records ?? []
  records.forEach((d, i) => {
    const where = `${op.id}@${RECORD_NAMES[i]}`
    const j = java.results?.[i]
    let out: Record<string, unknown>
    try {
      const r = toRecord(d)
      if (op.op === 'test') out = { test: (plugin as Predicate).test(r) }
      else {
        const t = (plugin as Transformation).apply(r)
        out = t === null ? { dropped: true } : { record: describeRecord(t) }
      }
    } catch (err) {
      out = { error: (err as Error).message }
    }
    if (j === undefined) {
      note(`${where}: no java result`)
      return
    }
    if (j.error !== undefined || out.error !== undefined) {
      if (j.error === undefined || out.error === undefined || javaMessage(j.error) !== out.error) {
        note(
          `${where}: java ${j.error ?? JSON.stringify(j)} / sluice ${String(out.error ?? JSON.stringify(out))}`,
        )
      }
      return
    }
    if (op.op === 'test' || j.dropped === true || out.dropped === true) {
      if (JSON.stringify(j) !== JSON.stringify(out))
        note(`${where}: java ${JSON.stringify(j)} / sluice ${JSON.stringify(out)}`)
      return
    }
    const jr = j.record as Record<string, unknown>
    const sr = out.record as Record<string, unknown>
    for (const k of ['topic', 'partition', 'timestamp']) {
      if (jr[k] !== sr[k]) note(`${where}: ${k} java ${String(jr[k])} / sluice ${String(sr[k])}`)
    }
    for (const k of ['keySchema', 'key', 'valueSchema', 'value', 'headers']) {
      if (!sameDescription(jr[k], sr[k])) {
        note(`${where}: ${k}\n  java:   ${JSON.stringify(jr[k])}\n  sluice: ${JSON.stringify(sr[k])}`)
      }
    }
    for (const k of ['keyJson', 'valueJson']) {
      // Both failing to serialize is agreement; the converter's error wording is the converter corpus's concern.
      const bothFail =
        typeof jr[k] === 'object' && jr[k] !== null && typeof sr[k] === 'object' && sr[k] !== null
      if (!bothFail && JSON.stringify(sortedJson(jr[k])) !== JSON.stringify(sortedJson(sr[k]))) {
        note(`${where}: ${k}\n  java:   ${JSON.stringify(jr[k])}\n  sluice: ${JSON.stringify(sr[k])}`)
      }
    }
  })
}

test('every Kafka transform and predicate matches Java connect-transforms 4.4 on the corpus', async () => {
  const lib = await kafkaLib()
  if ('problem' in lib) throw new Error(lib.problem)
  const jdk = findJdks().find((j) => j.javac !== undefined)
  if (jdk === undefined) throw new Error('no JDK with javac found (install openjdk-17-jdk-headless)')
  const harness = path.join(repoRoot, 'test', 'java', 'TransformsHarness.java')
  const classes = compileHarness(jdk, lib.lib, [harness, jsonConverterHarnessSource])
  const ops = transformsCorpus()
  const java = runJsonLines<JavaResult>(jdk, classes, lib.lib, 'TransformsHarness', ops)
  const problems: string[] = []
  let compared = 0
  for (const op of ops) {
    runSluice(op, problems, java.get(op.id)!)
    compared += Math.max(1, op.records?.length ?? 0)
  }
  assert.ok(compared > 1000, `the corpus compares ${compared} cases`)
  assert.deepEqual(problems, [], `${problems.length} differences from Java:\n${problems.join('\n')}`)
  assert.deepEqual(
    Object.keys(KNOWN_DIFFERENCES).filter((k) => !knownSeen.has(k)),
    [],
    'listed differences that no longer occur',
  )
})

void ConfigDef
