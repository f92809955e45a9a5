import type { ConnectionOptions } from '@platformatic/kafka'
import { describeConfigsV4, findCoordinatorV6, metadataV12, offsetDeleteV0 } from '@platformatic/kafka'
import { codeOf, withBootstrapConnection } from './group-client.js'

/**
 * The admin requests `@confluentinc/kafka-javascript` does not expose (DescribeConfigs with every entry,
 * per-partition OffsetDelete, the cluster id), sent with `@platformatic/kafka`'s raw APIs on short-lived
 * connections (ADR 0021; this file used to hand-encode them). They back admin and REST calls, never data
 * paths.
 */

const CLIENT_ID = 'sluice-admin'
const OPTIONS = { connectTimeout: 10_000, requestTimeout: 30_000 }

/** Connection options with the cluster's TLS/SASL settings (see `connectionSecurity`). */
const withSecurity = (security: ConnectionOptions | undefined): ConnectionOptions => ({
  ...OPTIONS,
  ...security,
})

/** Kafka error names for the codes these requests return. */
const ERROR_NAMES: Record<number, string> = {
  3: 'UNKNOWN_TOPIC_OR_PARTITION',
  14: 'COORDINATOR_LOAD_IN_PROGRESS',
  15: 'COORDINATOR_NOT_AVAILABLE',
  16: 'NOT_COORDINATOR',
  29: 'TOPIC_AUTHORIZATION_FAILED',
  30: 'GROUP_AUTHORIZATION_FAILED',
  69: 'GROUP_ID_NOT_FOUND',
  86: 'GROUP_SUBSCRIBED_TO_TOPIC',
}

export function errorName(code: number): string {
  return ERROR_NAMES[code] ?? `error code ${code}`
}

export class KafkaProtocolError extends Error {
  constructor(
    message: string,
    readonly errorCode: number,
  ) {
    super(message)
    this.name = 'KafkaProtocolError'
  }
}

/**
 * Deletes committed offsets of `partitions` for an empty consumer group (the admin client's
 * `deleteConsumerGroupOffsets`). A group that does not exist has nothing to delete.
 */
export async function deleteGroupPartitionOffsets(
  servers: string,
  groupId: string,
  partitions: ReadonlyArray<{ topic: string; partition: number }>,
  security?: ConnectionOptions,
): Promise<void> {
  const byTopic = new Map<string, number[]>()
  for (const p of partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition])
  let coordinator: { host: string; port: number } | undefined
  for (let attempt = 0; coordinator === undefined; attempt++) {
    const found = await withBootstrapConnection(servers, CLIENT_ID, withSecurity(security), (c) =>
      findCoordinatorV6.api.async(c, 0, [groupId]).catch((err: unknown) => {
        const code = codeOf(err)
        if (code === undefined) throw err
        return { throttleTimeMs: 0, coordinators: [{ errorCode: code, host: '', port: 0 }] }
      }),
    )
    const co = found.coordinators[0]
    if (co !== undefined && co.errorCode === 0) coordinator = { host: co.host, port: co.port }
    // The coordinator may still be loading right after the broker starts.
    else if ((co?.errorCode === 14 || co?.errorCode === 15) && attempt < 20)
      await new Promise((res) => setTimeout(res, 250))
    else
      throw new KafkaProtocolError(
        `FindCoordinator for group ${groupId} failed: ${errorName(co?.errorCode ?? -1)}`,
        co?.errorCode ?? -1,
      )
  }
  const topics = [...byTopic].map(([name, parts]) => ({
    name,
    partitions: parts.map((partitionIndex) => ({ partitionIndex })),
  }))
  let response: Awaited<ReturnType<typeof offsetDeleteV0.api.async>>
  try {
    response = await withBootstrapConnection(
      `${coordinator.host}:${coordinator.port}`,
      CLIENT_ID,
      withSecurity(security),
      (c) => offsetDeleteV0.api.async(c, groupId, topics),
    )
  } catch (err) {
    const code = codeOf(err)
    if (code === 69) return
    const failed = (err as { response?: typeof response }).response
    if (code === undefined || failed === undefined) throw err
    response = failed
  }
  if (response.errorCode === 69) return
  if (response.errorCode !== 0)
    throw new KafkaProtocolError(
      `deleting offsets of group ${groupId} failed: ${errorName(response.errorCode)}`,
      response.errorCode,
    )
  for (const t of response.topics)
    for (const p of t.partitions)
      if (p.errorCode !== 0)
        throw new KafkaProtocolError(
          `deleting offset of ${t.name}-${p.partitionIndex} in group ${groupId} failed: ${errorName(p.errorCode)}`,
          p.errorCode,
        )
}

export interface ConfigEntry {
  readonly name: string
  readonly value: string | null
  readonly readOnly: boolean
  readonly source: number
  readonly sensitive: boolean
}

/** Kafka's `ConfigResource.Type` codes. */
export const RESOURCE_TOPIC = 2
export const RESOURCE_BROKER = 4

/** DescribeConfigs for one resource; resolves with every entry (defaults included). */
export async function describeConfigs(
  servers: string,
  resourceType: number,
  name: string,
  security?: ConnectionOptions,
): Promise<ConfigEntry[]> {
  let results: Awaited<ReturnType<typeof describeConfigsV4.api.async>>['results']
  try {
    results = (
      await withBootstrapConnection(servers, CLIENT_ID, withSecurity(security), (c) =>
        describeConfigsV4.api.async(
          c,
          [{ resourceType: resourceType as 2, resourceName: name }],
          false,
          false,
        ),
      )
    ).results
  } catch (err) {
    const code = codeOf(err)
    if (code === undefined) throw err
    const message = (err as { response?: { results?: Array<{ errorMessage?: string | null }> } }).response
      ?.results?.[0]?.errorMessage
    throw new KafkaProtocolError(`DescribeConfigs ${name} failed: ${errorName(code)} ${message ?? ''}`, code)
  }
  const res = results[0]
  if (res === undefined) throw new Error(`DescribeConfigs returned no result for ${name}`)
  if (res.errorCode !== 0)
    throw new KafkaProtocolError(
      `DescribeConfigs ${name} failed: ${errorName(res.errorCode)} ${res.errorMessage ?? ''}`,
      res.errorCode,
    )
  return res.configs.map((c) => ({
    name: c.name,
    value: c.value ?? null,
    readOnly: c.readOnly,
    source: c.configSource,
    sensitive: c.isSensitive,
  }))
}

/**
 * The cluster id (Kafka Connect's `lookupKafkaClusterId` for `GET /`), from a Metadata request with no
 * topics to the first bootstrap broker that answers; librdkafka's binding does not expose it.
 */
export async function clusterId(servers: string, security?: ConnectionOptions): Promise<string | null> {
  const r = await withBootstrapConnection(servers, CLIENT_ID, withSecurity(security), (c) =>
    metadataV12.api.async(c, [], false, false),
  )
  return r.clusterId ?? null
}
