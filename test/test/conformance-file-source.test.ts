import { appendFileSync } from 'node:fs'
import path from 'node:path'
import { Schemas } from '@sluice/api'
import { sourceConformance } from '@sluice/testkit'
import { ensureBroker } from '../src/broker.js'

/**
 * Line `seq` of the input: unique (it carries its number) and varied — JSON-special and multi-byte text,
 * tabs and a backslash — so content, not only counts, is checked through the JsonConverter.
 */
function line(seq: number): string {
  if (seq % 50 === 7) return `${seq} "quoted" \\ back\tslash é ü 漢字 😀 {"json":[1,2]}`
  if (seq % 10 === 3) return String(seq)
  return `${seq} the quick brown fox ${seq % 97}`
}

sourceConformance({
  name: 'FileStreamSource',
  connectorClass: 'FileStreamSource',
  bootstrapServers: ensureBroker,
  fixture: ({ dir, topic }) => {
    const file = path.join(dir, 'input.txt')
    return {
      config: { file, topic, 'tasks.max': '1' },
      append: (from, count) => {
        let text = ''
        for (let seq = from; seq < from + count; seq++) text += `${line(seq)}\n`
        // One append per chunk: the task may read any prefix of it, but never half a line as a line.
        appendFileSync(file, text)
      },
      // Kafka's FileStreamSourceTask: null key, STRING value (the JsonConverter carries the schema).
      expected: (seq) => ({ key: null, keySchema: null, value: line(seq), valueSchema: Schemas.STRING }),
    }
  },
  badConfigs: [
    {
      description: 'topic missing',
      props: ({ topic: _topic, ...rest }) => rest,
      key: 'topic',
      fix: /Missing required configuration "topic"/,
    },
    {
      description: 'two topics (a source writes to exactly one)',
      props: (valid) => ({ ...valid, topic: 'first,second' }),
      key: 'topic',
      fix: /requires definition of a single topic/,
    },
    {
      description: 'batch.size not a number',
      props: (valid) => ({ ...valid, 'batch.size': 'lots' }),
      key: 'batch.size',
      fix: /Not a number of type INT/,
    },
  ],
})
