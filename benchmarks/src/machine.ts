import { spawnSync } from 'node:child_process'
import os from 'node:os'
import { kafkaBinding } from '@sluice/kafka'
import { kafkaDist, repoRoot } from './env.js'

/** The facts a reader needs to compare these figures with others: hardware, versions, load. */
export async function machineFacts(): Promise<Record<string, string | number>> {
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' })
  const javaVersion = (java.stderr || java.stdout).split('\n').slice(0, 2).join(' / ').trim()
  const git = spawnSync('git', ['describe', '--always', '--dirty'], { cwd: repoRoot, encoding: 'utf8' })
  const cpus = os.cpus()
  const binding = kafkaBinding() as unknown as { librdkafkaVersion?: string }
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    kernel: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    java: javaVersion,
    kafka: (await kafkaDist()).KAFKA_VERSION,
    librdkafka: binding.librdkafkaVersion ?? 'unknown',
    sluiceCommit: git.status === 0 ? git.stdout.trim() : 'unknown',
    loadAverage1mAtStart: Math.round(os.loadavg()[0]! * 100) / 100,
  }
}
