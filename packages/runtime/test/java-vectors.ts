import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Vectors captured from a real Java Kafka Connect 4.4.0 distributed worker (group `sluice-dist-vec`,
 * REST 127.0.0.1:18183) on the local broker: its internal topics after create, pause, resume,
 * restart?includeTasks, stop, offsets alter and reset, a cluster-scope logger level, a sink with two tasks
 * and a config update, then a delete; and its group member metadata/assignment from DescribeGroups.
 * Files under test/fixtures (this module compiles to dist/test/).
 */
const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'fixtures')

export interface JavaTopicRecord {
  readonly topic: string
  readonly p: number
  readonly o: string
  readonly key: string
  readonly value: string | null
}

export function javaTopicRecords(topicSuffix: 'configs' | 'status' | 'offsets'): JavaTopicRecord[] {
  return readFileSync(path.join(fixtures, 'java-4.4-internal-topics.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as JavaTopicRecord)
    .filter((r) => r.topic === `dist-vec-${topicSuffix}`)
    .sort((a, b) => a.p - b.p || Number(a.o) - Number(b.o))
}

export interface JavaGroupMember {
  readonly memberId: string
  readonly metadata: string
  readonly assignment: string
}

export function javaGroupMembers(): JavaGroupMember[] {
  return readFileSync(path.join(fixtures, 'java-4.4-group-members.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.includes('"memberId"'))
    .map((l) => JSON.parse(l) as JavaGroupMember)
}

/** Partition counts of the Java worker's internal topics (its defaults: 1, 5, 25). */
export const JAVA_PARTITIONS = { configs: 1, status: 5, offsets: 25 } as const
