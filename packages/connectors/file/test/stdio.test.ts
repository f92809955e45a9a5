import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { openSync, writeFileSync } from 'node:fs'
import { after, before, describe, test } from 'node:test'
import { tempDir } from './support.js'

// Real standard input/output need a separate process. The source runs on the child's main thread and
// on a worker thread (where the runtime runs tasks, and where process.stdin is not the process's
// input), with stdin as each kind of descriptor: a socket pair (Node's child_process pipes), a FIFO (a
// shell pipe), a regular file (`< file`) and a terminal (a pty made by `script`).
const INDEX = new URL('../src/index.js', import.meta.url).href
const API = import.meta.resolve('@sluice/api')

const SOURCE_BODY = `
  const { FileStreamSourceTask } = await import(${JSON.stringify(INDEX)})
  const task = new FileStreamSourceTask({ waitMs: 20 })
  task.initialize({
    configs: {},
    offsetStorageReader: { offset: async () => null, offsets: async () => [] },
    transactionContext: () => null,
  })
  task.start({ topic: 't' })
  const got = []
  const signal = new AbortController().signal
  while (got.length < 3) {
    const batch = await task.poll(signal)
    if (batch) for (const r of batch) got.push([r.value, r.sourcePartition, r.sourceOffset])
  }
  await task.stop()
  report(JSON.stringify(got))
`

const SINK_BODY = `
  const { FileStreamSinkTask } = await import(${JSON.stringify(INDEX)})
  const { sinkRecord } = await import(${JSON.stringify(API)})
  const task = new FileStreamSinkTask()
  task.initialize({ configs: {} })
  await task.start({})
  const rec = (value, i) => sinkRecord({ topic: 't', kafkaPartition: 0, kafkaOffset: i, value })
  await task.put([rec('hello', 0), rec('wörld', 1), rec(null, 2)], new AbortController().signal)
  await task.flush([])
  await task.stop()
  report('')
`

/**
 * A child script running `body` on its main thread or on a worker thread. `report` prints the result
 * on stderr and exits; the exit proves nothing (a pending stdin read, say) holds the process.
 */
function childScript(body: string, onWorker: boolean): string {
  if (!onWorker) {
    return `const report = (s) => { process.stderr.write('RESULT ' + s + '\\n'); process.exit(0) }\n(async () => {${body}})()`
  }
  const workerCode = `import { parentPort } from 'node:worker_threads'
const report = (s) => parentPort.postMessage(s)
;(async () => {${body}})()`
  return `import { Worker } from 'node:worker_threads'
const w = new Worker(${JSON.stringify(workerCode)}, { eval: true })
w.on('message', (s) => { process.stderr.write('RESULT ' + s + '\\n'); setTimeout(() => process.exit(0), 50) })
w.on('error', (e) => { process.stderr.write('ERROR ' + e.stack + '\\n'); process.exit(1) })`
}

type StdinKind = 'socket' | 'fifo' | 'file' | 'tty'

let tmp: Awaited<ReturnType<typeof tempDir>>
let scripts = 0

/**
 * Runs `script` with `chunks` arriving on its stdin (100 ms apart) through a descriptor of `kind`;
 * resolves with its stdout and reported result.
 */
function run(script: string, kind: StdinKind, chunks: string[]): Promise<{ stdout: string; result: string }> {
  const file = tmp.file(`child-${scripts++}.mjs`)
  writeFileSync(file, script)
  const node = process.execPath
  let child: ReturnType<typeof spawn>
  if (kind === 'socket') child = spawn(node, [file], { stdio: ['pipe', 'pipe', 'pipe'] })
  else if (kind === 'fifo')
    child = spawn('sh', ['-c', 'cat | "$0" "$1"', node, file], { stdio: ['pipe', 'pipe', 'pipe'] })
  else if (kind === 'file') {
    const input = tmp.file(`input-${scripts}.txt`)
    writeFileSync(input, chunks.join(''))
    child = spawn(node, [file], { stdio: [openSync(input, 'r'), 'pipe', 'pipe'] })
  } else
    child = spawn('script', ['-qec', `"${node}" "${file}"`, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] })
  return new Promise((resolve, reject) => {
    let stdout = ''
    let stderr = ''
    const done = (): void => {
      // Lets `cat`/`script` finish once the child has reported.
      if (`${stdout}${stderr}`.includes('RESULT ')) child.stdin?.end()
    }
    child.stdout?.on('data', (c: Buffer) => {
      stdout += c.toString()
      done()
    })
    child.stderr?.on('data', (c: Buffer) => {
      stderr += c.toString()
      done()
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
    child.on('close', (code) => {
      clearTimeout(timer)
      // Under a pty everything comes out on stdout, with \r\n line ends.
      const line = `${stderr}\n${stdout}`.split(/\r?\n/).find((l) => l.startsWith('RESULT '))
      if (code !== 0 || line === undefined) reject(new Error(`child exited ${code}: ${stderr}${stdout}`))
      else resolve({ stdout, result: line.slice('RESULT '.length) })
    })
    if (kind !== 'file') {
      chunks.forEach((c, i) => {
        setTimeout(() => child.stdin?.write(c), 100 * i)
      })
    }
  })
}

describe('standard input and output through real processes', () => {
  before(async () => {
    tmp = await tempDir()
  })
  after(() => tmp.cleanup())

  const expected = [
    ['first line', { filename: null }, { position: null }],
    ['second', { filename: null }, { position: null }],
    ['third', { filename: null }, { position: null }],
  ]
  const cases: Array<[StdinKind, boolean]> = [
    ['socket', false],
    ['socket', true],
    ['fifo', false],
    ['fifo', true],
    ['file', false],
    ['file', true],
    ['tty', true],
  ]
  for (const [kind, onWorker] of cases) {
    test(`FileStreamSource reads stdin (${kind}) on the ${onWorker ? 'worker thread' : 'main thread'}`, async () => {
      // A terminal turns \r into \n on input, so its lines end with \n only.
      const chunks =
        kind === 'tty' ? ['first line\nsec', 'ond\nthird\n'] : ['first line\r\nsec', 'ond\nthird\n']
      const { result } = await run(childScript(SOURCE_BODY, onWorker), kind, chunks)
      assert.deepEqual(JSON.parse(result), expected)
    })
  }

  for (const onWorker of [false, true]) {
    test(`FileStreamSink writes stdout on the ${onWorker ? 'worker thread' : 'main thread'}`, async () => {
      const { stdout } = await run(childScript(SINK_BODY, onWorker), 'socket', [])
      assert.equal(stdout, 'hello\nwörld\nnull\n')
    })
  }
})
