import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, it } from 'node:test'
import { CliError, loadPropertiesFile, parseProperties } from '../src/index.js'

// Expected maps are what java.util.Properties.load returns for the same text (checked with jshell).
describe('parseProperties (java.util.Properties syntax)', () => {
  it('handles comments, separators, continuations and escapes like Java', () => {
    const text =
      '# c\n! c2\na=1\nb : 2\nc 3\nd\\\n  continued\\\n   more\ne=\\t\\u0041\\n\nf\\=g=h\n  k2  =  spaced  \n' +
      'emptykey\n:=colonkey\nx=1\nx=2\n\\#notcomment=1\nunicode=caf\\u00e9\nwin=a\\\r\n  b\r\n'
    assert.deepEqual(
      { ...parseProperties(text) },
      {
        a: '1',
        b: '2',
        c: '3',
        dcontinuedmore: '',
        e: '\tA\n',
        'f=g': 'h',
        k2: 'spaced  ',
        emptykey: '',
        '': '=colonkey',
        x: '2',
        '#notcomment': '1',
        unicode: 'café',
        win: 'ab',
      },
    )
  })

  it('keeps keys such as __proto__ as ordinary keys', () => {
    const props = parseProperties('__proto__=x\nconstructor=y\n')
    const protoKey = '__proto__'
    assert.equal(props[protoKey], 'x')
    assert.equal(Object.getPrototypeOf(props), null)
    assert.equal(props.constructor, 'y')
  })

  it('reads UTF-8 files, and ISO-8859-1 bytes that are not UTF-8 (as Java reads them)', () => {
    assert.equal(parseProperties(Buffer.from('k=café\n', 'utf8')).k, 'café')
    assert.equal(parseProperties(Buffer.from('k=caf\xe9\n', 'latin1')).k, 'café')
  })

  it('names the file and the fix when it cannot be read', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sluice-props-'))
    assert.throws(
      () => loadPropertiesFile(path.join(dir, 'nope.properties'), 'worker properties file', 2),
      (e: unknown) =>
        e instanceof CliError &&
        e.exitCode === 2 &&
        e.message ===
          `cannot read worker properties file ${path.join(dir, 'nope.properties')}: no such file; check the path (relative paths are resolved from the current directory)`,
    )
    assert.throws(
      () => loadPropertiesFile(dir, 'worker properties file', 2),
      /it is a directory; give the path of a file/,
    )
    writeFileSync(path.join(dir, 'w.properties'), 'a=1\n')
    assert.deepEqual({ ...loadPropertiesFile(path.join(dir, 'w.properties'), 'x', 2) }, { a: '1' })
  })
})
