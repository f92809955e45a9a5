import type { ConfigInfos, ConfigKeyInfo } from '@sluice/api'
import type {
  ConnectorInfo,
  ConnectorOffsets,
  ConnectorState,
  ConnectorStateInfo,
  PluginInfo,
  TaskInfo,
  TaskState,
} from '@sluice/runtime'
import { javaHashOrder } from '@sluice/runtime'

/**
 * Builders that put herder results into Kafka Connect's exact entity shapes: field order, omitted fields,
 * and Java's ordering where Kafka Connect returns hash maps. The herder's objects may carry extra or
 * differently ordered fields; what leaves the server is built here.
 */

/** `ConnectorInfo`. */
export function connectorInfoEntity(i: ConnectorInfo): ConnectorInfo {
  return {
    name: i.name,
    config: { ...i.config },
    tasks: i.tasks.map((t) => ({ connector: t.connector, task: t.task })),
    type: i.type,
  }
}

function stateEntity(s: ConnectorState): ConnectorState {
  return {
    state: s.state,
    worker_id: s.worker_id,
    ...(s.version !== undefined && { version: s.version }),
    ...(s.trace !== undefined && s.trace !== '' && { trace: s.trace }),
  }
}

/** `ConnectorStateInfo.TaskState`. */
export function taskStateEntity(t: TaskState): TaskState {
  return { id: t.id, ...stateEntity(t) }
}

/** `ConnectorStateInfo`; tasks sorted by id, as Kafka Connect sorts them. */
export function connectorStateInfoEntity(s: ConnectorStateInfo): ConnectorStateInfo {
  return {
    name: s.name,
    connector: stateEntity(s.connector),
    tasks: [...s.tasks].sort((a, b) => a.id - b.id).map(taskStateEntity),
    type: s.type,
  }
}

/** `TaskInfo`. */
export function taskInfoEntity(t: TaskInfo): TaskInfo {
  return { id: { connector: t.id.connector, task: t.id.task }, config: { ...t.config } }
}

function javaOrdered(map: Readonly<Record<string, unknown>> | null): Record<string, unknown> | null {
  if (map === null || map === undefined) return null
  const out: Record<string, unknown> = {}
  for (const k of javaHashOrder(Object.keys(map))) out[k] = map[k]
  return out
}

/**
 * `ConnectorOffsets`. Kafka Connect reads partitions and offsets into hash maps (JsonConverter for source
 * offsets, `HashMap`s for sink ones), so their keys come out in Java's hash order.
 */
export function connectorOffsetsEntity(o: ConnectorOffsets): ConnectorOffsets {
  return {
    offsets: o.offsets.map((e) => ({
      partition: javaOrdered(e.partition) as Record<string, unknown>,
      offset: javaOrdered(e.offset),
    })) as ConnectorOffsets['offsets'],
  }
}

const KIND_ORDER = ['sink', 'source', 'transformation', 'predicate', 'converter', 'header_converter'] as const

/** `PluginInfo` list: sinks, sources, transformations, predicates, converters, header converters; by class. */
export function pluginInfoEntities(plugins: readonly PluginInfo[]): PluginInfo[] {
  return [...plugins]
    .sort(
      (a, b) =>
        KIND_ORDER.indexOf(a.type) - KIND_ORDER.indexOf(b.type) ||
        (a.class < b.class ? -1 : a.class > b.class ? 1 : 0) ||
        (a.version ?? '').localeCompare(b.version ?? ''),
    )
    .map((p) => ({
      class: p.class,
      type: p.type,
      ...(p.version !== undefined && p.version !== 'undefined' && { version: p.version }),
    }))
}

/** `ConfigKeyInfo`. */
export function configKeyInfoEntity(k: ConfigKeyInfo): ConfigKeyInfo {
  return {
    name: k.name,
    type: k.type,
    required: k.required,
    default_value: k.default_value,
    importance: k.importance,
    documentation: k.documentation,
    group: k.group,
    order_in_group: k.order_in_group,
    width: k.width,
    display_name: k.display_name,
    dependents: [...k.dependents],
  }
}

/** `ConfigInfos`. */
export function configInfosEntity(c: ConfigInfos): ConfigInfos {
  return {
    name: c.name,
    error_count: c.error_count,
    groups: [...c.groups],
    configs: c.configs.map((i) => ({
      definition: i.definition === null ? null : configKeyInfoEntity(i.definition),
      value:
        i.value === null
          ? null
          : {
              name: i.value.name,
              value: i.value.value,
              recommended_values: [...i.value.recommended_values],
              errors: [...i.value.errors],
              visible: i.value.visible,
            },
    })),
  }
}
