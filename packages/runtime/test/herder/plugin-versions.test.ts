import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { javaPatchedConfig } from '../../src/herder/java-format.js'
import { compareVersions, javaHashMapToString, javaHashOrder, VersionRange } from '../../src/index.js'

// Expected values are what Maven's VersionRange (maven-artifact 3.9.6, shipped with Kafka 4.1) and Java's
// HashMap print for the same inputs (checked with jshell).
describe('VersionRange (Maven ranges of KIP-891)', () => {
  it('parses like Kafka: bare versions are exact, latest/null mean any', () => {
    assert.equal(VersionRange.requirement('1.2')?.toString(), '[1.2,1.2]')
    assert.equal(VersionRange.requirement('[1.2]')?.toString(), '[1.2,1.2]')
    assert.equal(VersionRange.requirement(' [1.0,2.0) ')?.toString(), '[1.0,2.0)')
    assert.equal(VersionRange.requirement('(,1.0],[1.2,)')?.toString(), '(,1.0],[1.2,)')
    assert.equal(VersionRange.requirement('latest'), null)
    assert.equal(VersionRange.requirement(undefined), null)
  })

  it("rejects invalid specs with Maven's messages", () => {
    const cases: Array<[string, string]> = [
      ['[1.0', 'Unbounded range: [1.0'],
      ['(1.0)', 'Single version must be surrounded by []: (1.0)'],
      ['[2.0,1.0]', 'Range defies version ordering: [2.0,1.0]'],
      ['[1.0,2.0),x', 'Only fully-qualified sets allowed in multiple set scenario: [1.0,2.0),x'],
      ['[1.0,2.0),[1.5,3.0)', 'Ranges overlap: [1.0,2.0),[1.5,3.0)'],
    ]
    for (const [spec, message] of cases) assert.throws(() => VersionRange.requirement(spec), { message })
  })

  it('contains versions by Maven ordering', () => {
    assert.equal(VersionRange.requirement('[1.0,2.0)')?.containsVersion('1.5.3'), true)
    assert.equal(VersionRange.requirement('[1.0,2.0)')?.containsVersion('2.0'), false)
    assert.equal(VersionRange.requirement('[0.1.0]')?.containsVersion('0.1'), true)
    assert.equal(VersionRange.requirement('(,1.0],[1.2,)')?.containsVersion('1.1'), false)
    assert.equal(compareVersions('1.0', '1.0.0'), 0)
    assert.equal(compareVersions('1.0-SNAPSHOT', '1.0'), -1)
    assert.equal(compareVersions('1.10', '1.9'), 1)
  })
})

describe('Java collection formatting', () => {
  it('iterates like a HashMap built by puts', () => {
    assert.deepEqual(
      javaHashOrder([
        'name',
        'connector.class',
        'tasks.max',
        'file',
        'topic',
        'key.converter',
        'value.converter',
        'transforms',
        'errors.tolerance',
        'a',
        'b',
        'c',
        'd',
        'e',
      ]),
      [
        'connector.class',
        'a',
        'b',
        'c',
        'd',
        'e',
        'tasks.max',
        'transforms',
        'file',
        'name',
        'topic',
        'errors.tolerance',
        'value.converter',
        'key.converter',
      ],
    )
    assert.deepEqual(javaHashOrder(['snk', 'src', 'a-long-name']), ['a-long-name', 'snk', 'src'])
  })

  it('prints a copied HashMap (small table) like Java', () => {
    // new HashMap<>(Map.of-in-order("name","v","topics","a")) has 4 buckets, not 16.
    assert.equal(javaHashMapToString({ name: 'v', topics: 'a' }), '{name=v, topics=a}')
    assert.equal(javaHashMapToString({ 'tasks.max': '0', name: 'bad' }), '{name=bad, tasks.max=0}')
    // A HashMap grown by puts (16 buckets) orders the same keys differently.
    assert.deepEqual(javaHashOrder(['name', 'topics']), ['topics', 'name'])
  })

  it('orders a patched config like ConnectUtils.patchConfig (a HashMap copy, then puts and removes)', () => {
    const config = { 'connector.class': 'v', 'tasks.max': 'v', file: 'v', topics: 'v', name: 'v' }
    assert.deepEqual(Object.keys(javaPatchedConfig(config, { 'errors.log.enable': 'true' })), [
      'connector.class',
      'name',
      'file',
      'errors.log.enable',
      'tasks.max',
      'topics',
    ])
    assert.deepEqual(javaPatchedConfig({ a: '1', b: '2', c: '3' }, { dddd: '4', eeee: '5', a: null }), {
      b: '2',
      c: '3',
      dddd: '4',
      eeee: '5',
    })
  })
})
