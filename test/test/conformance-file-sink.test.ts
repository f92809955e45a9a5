import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { Schemas } from '@sluice/api'
import { sinkConformance } from '@sluice/testkit'
import { ensureBroker } from '../src/broker.js'

/** Value `seq`: unique and varied (JSON-special and multi-byte text), written as one line by the sink. */
function line(seq: number): string {
  if (seq % 50 === 7) return `${seq} "quoted" \\ back\tslash é ü 漢字 😀 {"json":[1,2]}`
  if (seq % 10 === 3) return String(seq)
  return `${seq} jumps over the lazy dog ${seq % 89}`
}

/** The sink file's complete lines (a line still being written, without its newline, is not one yet). */
function linesOf(file: string): string[] {
  if (!existsSync(file)) return []
  const lines = readFileSync(file, 'utf8').split('\n')
  lines.pop()
  return lines
}

sinkConformance({
  name: 'FileStreamSink',
  connectorClass: 'FileStreamSink',
  bootstrapServers: ensureBroker,
  fixture: ({ dir, topic }) => {
    const file = path.join(dir, 'output.txt')
    return {
      config: { file, topics: topic, 'tasks.max': '1' },
      record: (seq) => ({
        key: `k${seq}`,
        keySchema: Schemas.STRING,
        value: line(seq),
        valueSchema: Schemas.STRING,
      }),
      expected: (seq) => line(seq),
      read: () => linesOf(file),
    }
  },
  badConfigs: [
    {
      // The framework's sink keys, checked when the task starts as Kafka's WorkerSinkTask does.
      description: 'neither topics nor topics.regex',
      props: ({ topics: _topics, ...rest }) => rest,
      key: 'topics',
      rejectedBy: 'start',
      trace: /Must configure one of topics or topics\.regex/,
    },
    {
      description: 'both topics and topics.regex',
      props: (valid) => ({ ...valid, 'topics.regex': 'conformance-.*' }),
      key: 'topics',
      rejectedBy: 'start',
      trace: /topics and topics\.regex are mutually exclusive/,
    },
    {
      // Kafka's FileStreamSink has no check for this either: it shows when the task opens the file.
      description: 'file is a directory',
      props: (valid, { dir }) => ({ ...valid, file: dir }),
      key: 'file',
      rejectedBy: 'start',
      trace: /Couldn't find or create file '.+' for FileStreamSinkTask/,
    },
  ],
})
