/**
 * Byte compatibility of Sluice's converters with Kafka Connect's own (Java), the acceptance test of
 * JsonConverter: the corpus in support/corpus.ts runs through Sluice and, in one JVM, through Kafka's
 * converters (test/java/JsonConverterHarness.java compiled against the Kafka jars). For every encode case
 * the bytes must be identical, and the bytes of each side decoded by both sides must give the same schema
 * and value; decode cases compare both sides' reading of hand-written bytes.
 *
 * Needs a JDK 19 or newer (since JDK 19 `Double.toString` prints the shortest decimal; Sluice does the
 * same) and the Kafka jars (resolved on first use like `node scripts/kafka.mjs resolve`, which needs Maven
 * and network). Without them the test fails with what to do, never skips.
 * A JDK 17 (Kafka Connect's baseline) is required as well: its output must be identical except for
 * doubles/floats that JDK 17's older algorithm prints with other digits for the same value.
 */
import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import type { Converter, HeaderConverter, PluginKind, SchemaAndValue } from '@sluice/api'
import { plugins } from '../src/index.js'
import { JsonNumber, JsonReader, type JsonValue } from '../src/json/json-text.js'
import { DECODE_CASES, ENCODE_CASES, type EncodeCase, type Kind } from './support/corpus.js'
import {
  buildSchema,
  buildValue,
  describeSchema,
  describeValue,
  sameDescription,
} from './support/describe.js'
import {
  compileHarness,
  findJdks,
  type HarnessOp,
  type HarnessResult,
  type Jdk,
  kafkaLib,
  runHarness,
} from './support/java.js'

const TOPIC = 'topic'

type AnyConverter = Converter & HeaderConverter

/** Sluice converters by class, kind and config, configured once like a worker's. */
const sluiceConverters = new Map<string, AnyConverter>()

function sluiceConverter(
  className: string,
  kind: Kind,
  config: Readonly<Record<string, string>>,
): AnyConverter {
  const key = `${className}|${kind}|${JSON.stringify(config)}`
  let c = sluiceConverters.get(key)
  if (c !== undefined) return c
  const pluginKind: PluginKind = kind === 'header' ? 'header_converter' : 'converter'
  const def = plugins.find((p) => p.className === className && p.kind === pluginKind)
  if (def === undefined) throw new Error(`no ${pluginKind} plugin ${className}`)
  c = def.create() as AnyConverter
  if (kind === 'header') c.configure(config)
  else c.configure(config, kind === 'key')
  sluiceConverters.set(key, c)
  return c
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: string }

function attempt<T>(f: () => T): Outcome<T> {
  try {
    return { ok: true, value: f() }
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) }
  }
}

function b64(bytes: Uint8Array | null): string | null {
  return bytes === null ? null : Buffer.from(bytes).toString('base64')
}

function fromB64(s: string | null | undefined): Uint8Array | null {
  return s === null || s === undefined ? null : new Uint8Array(Buffer.from(s, 'base64'))
}

function text(s: string | null | undefined): string {
  return s === null || s === undefined ? '<null>' : Buffer.from(s, 'base64').toString('utf8')
}

function sluiceEncode(c: EncodeCase): Outcome<Uint8Array | null> {
  return attempt(() => {
    const schema = buildSchema(c.schema)
    const value = buildValue(c.valueSchema === undefined ? schema : buildSchema(c.valueSchema), c.value)
    const conv = sluiceConverter(c.converter, c.kind, c.config)
    return c.kind === 'header'
      ? conv.fromConnectHeader(TOPIC, 'h', schema, value)
      : conv.fromConnectData(TOPIC, undefined, schema, value)
  })
}

interface Decoded {
  readonly schema: unknown
  readonly value: unknown
}

function sluiceDecode(
  converter: string,
  kind: Kind,
  config: Readonly<Record<string, string>>,
  bytes: Uint8Array | null,
): Outcome<Decoded> {
  return attempt(() => {
    const conv = sluiceConverter(converter, kind, config)
    const sv: SchemaAndValue =
      kind === 'header'
        ? conv.toConnectHeader(TOPIC, 'h', bytes)
        : conv.toConnectData(TOPIC, undefined, bytes)
    return { schema: describeSchema(sv.schema), value: describeValue(sv.schema, sv.value) }
  })
}

function javaDecoded(r: HarnessResult | undefined): Outcome<Decoded> {
  if (r === undefined) return { ok: false, error: 'no answer from the harness' }
  if (r.error !== undefined) return { ok: false, error: r.error }
  if (r.decodeError !== undefined) return { ok: false, error: r.decodeError }
  if (r.decoded !== undefined) return { ok: true, value: r.decoded }
  return { ok: true, value: { schema: r.schema ?? null, value: r.value ?? null } }
}

/** Both sides failed, or both decoded the same schema and value. */
function assertSameDecoding(label: string, java: Outcome<Decoded>, sluice: Outcome<Decoded>): void {
  if (!java.ok || !sluice.ok) {
    assert.equal(
      sluice.ok,
      java.ok,
      `${label}: Java ${java.ok ? 'decoded' : `failed (${java.error})`}, Sluice ${sluice.ok ? `decoded ${JSON.stringify(sluice.value)}` : `failed (${sluice.error})`}`,
    )
    return
  }
  assert.ok(
    sameDescription(java.value, sluice.value),
    `${label}: decoded differently\n  Java:   ${JSON.stringify(java.value)}\n  Sluice: ${JSON.stringify(sluice.value)}`,
  )
}

/** A description's float/double value is Java's 0.0 (how Java reads "NaN"/"Infinity"). */
function isZeroFloat(d: Decoded): boolean {
  const v = d.value as Record<string, string> | null
  return v !== null && (v.f32 === '0' || v.f64 === '0')
}

interface EncodeRun {
  readonly sluice: Outcome<Uint8Array | null>
}

const encodeRuns = new Map<string, EncodeRun>()
let javaResults: Map<string, HarnessResult>
let primary: Jdk
let legacy: Jdk | undefined
let classes: string
let lib: string

/** The harness op that encodes case `c` in Java. */
function encodeOp(c: EncodeCase): HarnessOp {
  return {
    id: c.id,
    op: 'encode',
    converter: c.converter,
    kind: c.kind,
    config: c.config,
    schema: c.schema,
    ...(c.valueSchema !== undefined && { valueSchema: c.valueSchema }),
    value: c.value,
  }
}

function harnessOps(): HarnessOp[] {
  const ops: HarnessOp[] = []
  for (const c of ENCODE_CASES) {
    const run = { sluice: sluiceEncode(c) }
    encodeRuns.set(c.id, run)
    ops.push(encodeOp(c))
    if (run.sluice.ok) {
      ops.push({
        id: `${c.id} #sluice-bytes`,
        op: 'decode',
        converter: c.converter,
        kind: c.kind,
        config: c.config,
        bytes: b64(run.sluice.value),
      })
    }
  }
  for (const c of DECODE_CASES) {
    ops.push({
      id: c.id,
      op: 'decode',
      converter: c.converter,
      kind: c.kind,
      config: c.config,
      bytes: c.bytes,
    })
  }
  return ops
}

describe('byte compatibility with Kafka Connect (Java)', () => {
  before(async () => {
    const found = await kafkaLib()
    if ('problem' in found) throw new Error(found.problem)
    lib = found.lib
    const jdks = findJdks()
    const modern = jdks
      .filter((j) => j.major >= 19 && j.javac !== undefined)
      .sort((a, b) => b.major - a.major)[0]
    legacy = jdks.find((j) => j.major === 17 && j.javac !== undefined)
    // Sluice prints doubles as JDK 19+ does (shortest form). Without such a JDK the corpus still runs
    // on JDK 17, where only those digit strings may differ (checked to be the same numbers).
    const chosen = modern ?? legacy
    if (chosen === undefined) {
      throw new Error(
        `no JDK 17 or newer with javac found (found: ${jdks.map((j) => `${j.home} (${j.major})`).join(', ') || 'none'}). ` +
          'Install openjdk-17-jdk-headless or point SLUICE_JAVA_HOME at a JDK',
      )
    }
    primary = chosen
    classes = compileHarness(primary, lib)
    javaResults = runHarness(primary, classes, lib, harnessOps())
  })

  test('the corpus is large, its ids unique, and it covers every converter', () => {
    const ids = [...ENCODE_CASES, ...DECODE_CASES].map((c) => c.id)
    assert.equal(new Set(ids).size, ids.length, 'duplicate case ids')
    assert.ok(ENCODE_CASES.length > 300, `${ENCODE_CASES.length} encode cases`)
    assert.ok(DECODE_CASES.length > 200, `${DECODE_CASES.length} decode cases`)
    const classes = new Set([...ENCODE_CASES, ...DECODE_CASES].map((c) => c.converter))
    for (const p of plugins) assert.ok(classes.has(p.className), `no case for ${p.className}`)
  })

  describe('encode: Sluice bytes == Java bytes, and each side decodes both', () => {
    for (const c of ENCODE_CASES) {
      test(c.id, () => {
        const java = javaResults.get(c.id)
        const sluice = encodeRuns.get(c.id)?.sluice
        assert.ok(java !== undefined && sluice !== undefined)
        if (c.expect === 'error') {
          assert.ok(java.error !== undefined, `Java did not fail: ${text(java.bytes)}`)
          assert.ok(!sluice.ok, `Sluice did not fail: ${sluice.ok ? text(b64(sluice.value)) : ''}`)
          return
        }
        if (java.error !== undefined || !sluice.ok) {
          assert.equal(
            sluice.ok,
            java.error === undefined,
            `Java ${java.error === undefined ? `wrote ${text(java.bytes)}` : `failed: ${java.error}`}; Sluice ${sluice.ok ? `wrote ${text(b64(sluice.value))}` : `failed: ${sluice.error}`}`,
          )
          return
        }
        const sluiceBytes = b64(sluice.value)
        if (primary.major < 19 && sluiceBytes !== java.bytes) {
          // JDK 17's Double.toString may print longer digits for the same value (JDK-4511638).
          assert.ok(
            sameNumbersJson(parseLoosely(text(sluiceBytes)), parseLoosely(text(java.bytes))),
            `bytes differ beyond JDK 17 double digits\n  Java:   ${text(java.bytes)}\n  Sluice: ${text(sluiceBytes)}`,
          )
        } else {
          assert.equal(
            sluiceBytes,
            java.bytes ?? null,
            `bytes differ\n  Java:   ${text(java.bytes)}\n  Sluice: ${text(sluiceBytes)}`,
          )
        }

        const javaOfJava = javaDecoded(java)
        const sluiceOfJava = sluiceDecode(c.converter, c.kind, c.config, fromB64(java.bytes))
        const javaOfSluice = javaDecoded(javaResults.get(`${c.id} #sluice-bytes`))
        const sluiceOfSluice = sluiceDecode(c.converter, c.kind, c.config, sluice.value)
        if (c.expect === 'java-nan-zero') {
          assert.ok(
            javaOfJava.ok && isZeroFloat(javaOfJava.value),
            `Java read back ${JSON.stringify(javaOfJava)}`,
          )
          assert.ok(sluiceOfJava.ok, `Sluice failed: ${sluiceOfJava.ok ? '' : sluiceOfJava.error}`)
          assert.ok(
            sameDescription(
              { schema: c.schema, value: c.value },
              { schema: c.schema, value: (sluiceOfJava.value as Decoded).value },
            ),
            `Sluice read back ${JSON.stringify(sluiceOfJava.value)}`,
          )
          return
        }
        if (c.expect === 'sluice-stricter') {
          for (const [label, java, sluice] of [
            ['Java bytes', javaOfJava, sluiceOfJava],
            ['Sluice bytes', javaOfSluice, sluiceOfSluice],
          ] as const) {
            assert.ok(java.ok, `${label}: Java failed: ${java.ok ? '' : java.error}`)
            assert.ok(
              !sluice.ok,
              `${label}: Sluice accepted what Java reads leniently: ${JSON.stringify(sluice)}`,
            )
          }
          return
        }
        assertSameDecoding('Java bytes', javaOfJava, sluiceOfJava)
        assertSameDecoding('Sluice bytes', javaOfSluice, sluiceOfSluice)
      })
    }
  })

  describe('decode: both sides read the same bytes the same way', () => {
    for (const c of DECODE_CASES) {
      test(c.id, () => {
        const java = javaDecoded(javaResults.get(c.id))
        const sluice = sluiceDecode(c.converter, c.kind, c.config, fromB64(c.bytes))
        switch (c.expect) {
          case 'sluice-stricter':
            assert.ok(java.ok, `Java failed: ${java.ok ? '' : java.error}`)
            assert.ok(!sluice.ok, `Sluice accepted what Java reads leniently: ${JSON.stringify(sluice)}`)
            assert.match(sluice.error, /topic "topic"/)
            return
          case 'java-nan-zero':
            assert.ok(java.ok && isZeroFloat(java.value), `Java read ${JSON.stringify(java)}`)
            assert.ok(sluice.ok && !isZeroFloat(sluice.value), `Sluice read ${JSON.stringify(sluice)}`)
            return
          case 'error':
            assert.ok(
              !java.ok && !sluice.ok,
              `expected both to fail: Java ${JSON.stringify(java)}, Sluice ${JSON.stringify(sluice)}`,
            )
            return
          default:
            assertSameDecoding('bytes', java, sluice)
        }
      })
    }
  })

  test('JDK 17 (legacy Double.toString): identical except for longer digit strings of the same numbers', (t) => {
    // Kafka 4.x runs on JDK 17 too, so its output is checked as well; the project machine has one.
    if (primary.major < 19) {
      t.diagnostic('no JDK 19+ here: the main corpus already ran on JDK 17 with the digit tolerance')
      return
    }
    if (legacy === undefined) {
      assert.fail(
        "no JDK 17 found (Kafka Connect's baseline JDK): install openjdk-17-jdk-headless or set SLUICE_JAVA17_HOME",
      )
    }
    const ops = ENCODE_CASES.map(encodeOp)
    const results = runHarness(legacy as Jdk, classes, lib, ops)
    let identical = 0
    const numeric: string[] = []
    for (const c of ENCODE_CASES) {
      const r = results.get(c.id)
      const modern = javaResults.get(c.id)
      assert.ok(r !== undefined && modern !== undefined)
      assert.equal(
        r.error === undefined,
        modern.error === undefined,
        `${c.id}: JDK 17 ${r.error ?? 'succeeded'}`,
      )
      if (r.error !== undefined || r.bytes === modern.bytes) {
        identical++
        continue
      }
      const a = parseLoosely(text(r.bytes))
      const b = parseLoosely(text(modern.bytes))
      assert.ok(
        sameNumbersJson(a, b),
        `${c.id}: JDK 17 wrote ${text(r.bytes)}, JDK ${primary.major} ${text(modern.bytes)}`,
      )
      numeric.push(c.id)
    }
    t.diagnostic(
      `JDK 17: ${identical} of ${ENCODE_CASES.length} cases byte-identical; ${numeric.length} differ only in float/double digits: ${numeric.join('; ')}`,
    )
  })
})

function parseLoosely(s: string): JsonValue | undefined {
  try {
    return new JsonReader(s).readRoot()
  } catch {
    return s
  }
}

/** Equal JSON trees where numbers may be written differently but denote the same double or float. */
function sameNumbersJson(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  const num = (v: unknown): number | undefined =>
    typeof v === 'number' ? v : v instanceof JsonNumber ? Number(v.text) : undefined
  const x = num(a)
  const y = num(b)
  if (x !== undefined || y !== undefined) {
    return x !== undefined && y !== undefined && (x === y || Math.fround(x) === Math.fround(y))
  }
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((v, i) => sameNumbersJson(v, b[i]))
  if (a instanceof Map && b instanceof Map) {
    const ka = [...a.keys()]
    const kb = [...b.keys()]
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameNumbersJson(a.get(k), b.get(k)))
  }
  return a === b
}
