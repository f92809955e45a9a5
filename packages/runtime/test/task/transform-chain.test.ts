import assert from 'node:assert/strict'
import path from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import type { ConnectRecord, Predicate, SourceRecord, Transformation } from '@sluice/api'
import { ConnectError, Headers, Schemas, sourceRecord } from '@sluice/api'
import { plugins } from '@sluice/transforms'
import { loadPluginRegistry } from '../../src/plugins/registry.js'
import { applyChain, type ChainLink, closeTaskPlugins } from '../../src/task/record-conversion.js'

function make<T>(className: string, configs: Record<string, string>): T {
  const def = plugins.find((p) => p.className === className)
  assert.ok(def, className)
  const p = def.create() as unknown as { configure(c: Record<string, string>): void }
  p.configure(configs)
  return p as T
}

const T = 'org.apache.kafka.connect.transforms.'
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', '..')

function link(alias: string, transform: Transformation, predicate?: Predicate, negate = false): ChainLink {
  return {
    alias,
    className: transform.constructor.name,
    predicateClassName: predicate?.constructor.name,
    transform,
    predicate,
    negate,
  }
}

const rec = (topic: string, value: unknown, headers = new Headers()): SourceRecord =>
  sourceRecord({
    topic,
    value,
    valueSchema: value === null ? Schemas.OPTIONAL_STRING : Schemas.STRING,
    headers,
    sourcePartition: { f: 1 },
    sourceOffset: { p: 1 },
  })

describe('transform chain (Kafka TransformationChain)', () => {
  const router = (): Transformation => make(`${T}RegexRouter`, { regex: '(.*)', replacement: '$1-r' })
  const isTombstone = (): Predicate => make(`${T}predicates.RecordIsTombstone`, {})

  test('links run in order, each on the previous output', () => {
    const chain = [
      link('a', router()),
      link('b', make(`${T}InsertHeader`, { header: 'h', 'value.literal': '1' })),
      link('c', make(`${T}RegexRouter`, { regex: '(.*)-r', replacement: 'x.$1' })),
    ]
    const out = applyChain(chain, rec('t', 'v'))
    assert.equal(out?.topic, 'x.t')
    assert.equal(out?.headers.lastWithName('h')?.value, 1)
    // The source position travels with the record.
    assert.deepEqual(out?.sourceOffset, { p: 1 })
  })

  test('a predicate guards its link; negate inverts it', () => {
    const guarded = [link('r', router(), isTombstone())]
    assert.equal(applyChain(guarded, rec('t', 'v'))?.topic, 't')
    assert.equal(applyChain(guarded, rec('t', null))?.topic, 't-r')
    const negated = [link('r', router(), isTombstone(), true)]
    assert.equal(applyChain(negated, rec('t', 'v'))?.topic, 't-r')
    assert.equal(applyChain(negated, rec('t', null))?.topic, 't')
  })

  test('Filter drops the record and ends the chain', () => {
    let later = 0
    const counting: Transformation = {
      configure() {},
      apply: (r: ConnectRecord) => {
        later++
        return r
      },
      config: () => make<Transformation>(`${T}Filter`, {}).config(),
      close() {},
    }
    const chain = [link('drop', make(`${T}Filter`, {}), isTombstone(), true), link('count', counting)]
    assert.equal(applyChain(chain, rec('t', 'v')), null)
    assert.equal(later, 0)
    assert.notEqual(applyChain(chain, rec('t', null)), null)
    assert.equal(later, 1)
  })

  test('a failing transform or predicate is a transform-stage error naming the alias', () => {
    const bad = [link('extract', make(`${T}ExtractField$Value`, { field: 'x' }))]
    assert.throws(
      () => applyChain(bad, rec('t', 'v')),
      (e: unknown) =>
        ConnectError.is(e) &&
        e.stage === 'transform' &&
        /transform "extract" failed on a record of topic t: Only Struct objects supported/.test(e.message),
    )
    const throwing: Predicate = {
      configure() {},
      test: () => {
        throw new Error('boom')
      },
      config: () => isTombstone().config(),
      close() {},
    }
    assert.throws(
      () => applyChain([link('r', router(), throwing)], rec('t', 'v')),
      (e: unknown) =>
        ConnectError.is(e) && e.stage === 'transform' && /predicate of transform "r"/.test(e.message),
    )
  })

  test('closing the chain closes every transform and predicate once', () => {
    const closed: string[] = []
    const t = router()
    const p = isTombstone()
    t.close = () => closed.push('t')
    p.close = () => closed.push('p')
    closeTaskPlugins({ chain: [link('r', t, p)] } as unknown as Parameters<typeof closeTaskPlugins>[0])
    assert.deepEqual(closed, ['t', 'p'])
  })

  test("every built-in transform and predicate resolves by Kafka's class name (and simple name when unique)", async () => {
    const r = await loadPluginRegistry()
    assert.equal(r.list('transformation').filter((e) => e.className.startsWith(T)).length, 26)
    assert.equal(r.list('predicate').filter((e) => e.className.startsWith(`${T}predicates.`)).length, 3)
    assert.equal(r.resolve('RegexRouter', 'transformation').className, `${T}RegexRouter`)
    assert.equal(r.resolve(`${T}MaskField$Value`, 'transformation').className, `${T}MaskField$Value`)
    assert.equal(r.resolve('TopicNameMatches', 'predicate').className, `${T}predicates.TopicNameMatches`)
  })

  test('a third-party transform from plugin.path chains with the built-in ones and their predicates', async () => {
    const r = await loadPluginRegistry([path.join(repo, 'examples', 'plugins')])
    const upper = r.resolve('UppercaseValue', 'transformation').definition.create() as Transformation
    upper.configure({})
    const matches = r.resolve('TopicNameMatches', 'predicate').definition.create() as Predicate
    matches.configure({ pattern: 'in-.*' })
    const chain = [link('upper', upper, matches), link('route', router())]
    assert.equal(applyChain(chain, rec('in-1', 'abc'))?.value, 'ABC')
    assert.equal(applyChain(chain, rec('in-1', 'abc'))?.topic, 'in-1-r')
    assert.equal(applyChain(chain, rec('other', 'abc'))?.value, 'abc')
  })
})
