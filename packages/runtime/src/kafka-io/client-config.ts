import { ConfigError } from '@sluice/api'

type ClientConfig = Record<string, string | number | boolean>

// Java client keys that have no librdkafka equivalent: serdes are always bytes here, and the
// buffering/blocking knobs are librdkafka's own (queue.buffering.*). Dropping them lets Kafka Connect
// worker files work unchanged.
const JAVA_ONLY = new Set([
  'key.serializer',
  'value.serializer',
  'key.deserializer',
  'value.deserializer',
  'buffer.memory',
  'max.block.ms',
  'max.poll.records',
  'interceptor.classes',
  'metric.reporters',
  'metrics.num.samples',
  'metrics.sample.window.ms',
  'metrics.recording.level',
  'auto.include.jmx.reporter',
  'client.dns.lookup',
  'default.api.timeout.ms',
  'exclude.internal.topics',
  'max.poll.interval.ms.java',
  'internal.leave.group.on.close',
  'security.providers',
  'ssl.endpoint.identification.algorithm.java',
])

// Same meaning, different name in librdkafka.
const RENAMED: Record<string, string> = {
  'max.in.flight.requests.per.connection': 'max.in.flight',
  'max.request.size': 'message.max.bytes',
  'request.timeout.ms': 'request.timeout.ms',
}

const ASSIGNORS: Record<string, string> = {
  'org.apache.kafka.clients.consumer.RangeAssignor': 'range',
  'org.apache.kafka.clients.consumer.RoundRobinAssignor': 'roundrobin',
  'org.apache.kafka.clients.consumer.CooperativeStickyAssignor': 'cooperative-sticky',
  'org.apache.kafka.clients.consumer.StickyAssignor': 'cooperative-sticky',
}

/** JAAS login modules whose username/password librdkafka takes as `sasl.username`/`sasl.password`. */
const CREDENTIAL_MODULES = [
  'org.apache.kafka.common.security.plain.PlainLoginModule',
  'org.apache.kafka.common.security.scram.ScramLoginModule',
]

/**
 * Java's `sasl.jaas.config` as librdkafka keys. librdkafka has no JAAS: PLAIN and SCRAM credentials become
 * `sasl.username`/`sasl.password`; any other login module cannot be expressed and is a config error
 * naming the key, never passed through for librdkafka to reject with a less helpful message.
 */
function jaasToLibrdkafka(jaas: string): ClientConfig {
  const module = /^\s*([\w.$]+)\s+(required|requisite|sufficient|optional)\b/.exec(jaas)?.[1]
  const opt = (name: string) => new RegExp(`\\b${name}\\s*=\\s*"([^"]*)"`).exec(jaas)?.[1]
  const username = opt('username')
  const password = opt('password')
  if (
    module === undefined ||
    !CREDENTIAL_MODULES.includes(module) ||
    username === undefined ||
    password === undefined
  )
    throw new ConfigError(
      `Invalid value for configuration sasl.jaas.config: Sluice's Kafka clients take PLAIN or SCRAM credentials (${CREDENTIAL_MODULES.join(' or ')} required username="…" password="…";), not ${module ?? 'this JAAS text'}`,
      { 'sasl.jaas.config': [`unsupported login module ${module ?? '(none)'} or missing username/password`] },
    )
  return { 'sasl.username': username, 'sasl.password': password }
}

/**
 * Turns Kafka Connect client settings (worker `producer.*`/`consumer.*`, connector
 * `*.override.*`) into a librdkafka config map, keeping every key librdkafka knows.
 */
export function toLibrdkafkaConfig(props: Readonly<Record<string, string>>): ClientConfig {
  const out: ClientConfig = {}
  for (const [k, v] of Object.entries(props)) {
    if (JAVA_ONLY.has(k)) continue
    if (k === 'sasl.jaas.config') {
      Object.assign(out, jaasToLibrdkafka(v))
      continue
    }
    if (k === 'partition.assignment.strategy') {
      out[k] = v
        .split(',')
        .map((s) => ASSIGNORS[s.trim()] ?? s.trim())
        .join(',')
      continue
    }
    out[RENAMED[k] ?? k] = v
  }
  return out
}

/** Keys under `prefix` with the prefix removed (`producer.linger.ms` → `linger.ms`). */
export function withPrefix(props: Readonly<Record<string, string>>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(props)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v
  return out
}

/** Wraps a client construction so a bad setting names the key and where it came from. */
export function createClient<T>(what: string, create: () => T): T {
  try {
    return create()
  } catch (err) {
    const msg = (err as Error).message
    const m = /property "?([\w.]+)"?/i.exec(msg)
    const key = m?.[1] ?? 'unknown'
    throw new ConfigError(
      `Invalid ${what} configuration: ${msg}. Fix or remove "${key}" (worker producer./consumer./admin. keys or connector *.override.* keys).`,
      { [key]: [msg] },
    )
  }
}
