import {
  AlreadyExistsError,
  BadRequestError,
  type ConfigInfos,
  type ConfigKeyInfo,
  ForbiddenError,
  NotFoundError,
} from '@sluice/api'
import type {
  ConnectorInfo,
  ConnectorOffsets,
  ConnectorStateInfo,
  ConnectorTaskId,
  Herder,
  InitialState,
  PluginInfo,
  PutConnectorResult,
  RestartRequest,
  TargetState,
  TaskInfo,
  TaskState,
} from '@sluice/runtime'

/**
 * A small in-memory herder for routing and error-mapping tests: connectors are configs with a target
 * state, one task each, no worker behind them. Messages follow Kafka Connect's standalone herder.
 */
export class FakeHerder implements Herder {
  ready = true
  readonly workerId = '127.0.0.1:8083'
  readonly #connectors = new Map<
    string,
    { config: Record<string, string>; state: TargetState; offsets: ConnectorOffsets['offsets'] }
  >()
  topicsEnabled = true
  lastRestart: RestartRequest | undefined
  lastPluginVersion: string | undefined

  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async kafkaClusterId(): Promise<string | null> {
    return 'cluster-1'
  }

  #get(name: string): {
    config: Record<string, string>
    state: TargetState
    offsets: ConnectorOffsets['offsets']
  } {
    const c = this.#connectors.get(name)
    if (c === undefined) throw new NotFoundError(`Connector ${name} not found`)
    return c
  }

  #type(config: Record<string, string>): 'source' | 'sink' {
    return (config['connector.class'] ?? '').includes('Sink') ? 'sink' : 'source'
  }

  async connectors(): Promise<string[]> {
    return [...this.#connectors.keys()]
  }

  async connectorInfo(name: string): Promise<ConnectorInfo> {
    const c = this.#get(name)
    const tasks = c.state === 'STOPPED' ? [] : [{ connector: name, task: 0 }]
    return { name, config: { ...c.config }, tasks, type: this.#type(c.config) }
  }

  async connectorConfig(name: string): Promise<Record<string, string>> {
    return { ...this.#get(name).config }
  }

  async connectorStatus(name: string): Promise<ConnectorStateInfo> {
    const c = this.#connectors.get(name)
    if (c === undefined) throw new NotFoundError(`No status found for connector ${name}`)
    const state = c.state === 'STARTED' ? 'RUNNING' : c.state
    return {
      name,
      connector: { state, worker_id: this.workerId, version: '1.0.0' },
      tasks:
        c.state === 'STOPPED'
          ? []
          : [
              {
                id: 0,
                state: state === 'STOPPED' ? 'RUNNING' : state,
                worker_id: this.workerId,
                version: '1.0.0',
              },
            ],
      type: this.#type(c.config),
    }
  }

  async taskStatus(id: ConnectorTaskId): Promise<TaskState> {
    const s = await this.connectorStatus(id.connector).catch(() => undefined)
    const t = s?.tasks.find((x) => x.id === id.task)
    if (t === undefined) throw new NotFoundError(`No status found for task ${id.connector}-${id.task}`)
    return t
  }

  async taskConfigs(name: string): Promise<TaskInfo[]> {
    const info = await this.connectorInfo(name)
    return info.tasks.map((id) => ({ id, config: { ...info.config, 'task.class': 'Task' } }))
  }

  async putConnectorConfig(
    name: string,
    config: Record<string, string>,
    options: { allowReplace: boolean; initialState?: InitialState },
  ): Promise<PutConnectorResult> {
    if (config['connector.class'] === undefined) {
      throw new BadRequestError('Connector config contains no connector type')
    }
    const existing = this.#connectors.get(name)
    if (existing !== undefined && !options.allowReplace)
      throw new AlreadyExistsError(`Connector ${name} already exists`)
    this.#connectors.set(name, {
      config: { ...config },
      state: existing?.state ?? options.initialState ?? 'STARTED',
      offsets: existing?.offsets ?? [],
    })
    return { created: existing === undefined, info: await this.connectorInfo(name) }
  }

  async patchConnectorConfig(name: string, patch: Record<string, string | null>): Promise<ConnectorInfo> {
    const c = this.#get(name)
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete c.config[k]
      else c.config[k] = v
    }
    return this.connectorInfo(name)
  }

  async deleteConnector(name: string): Promise<void> {
    this.#get(name)
    this.#connectors.delete(name)
  }

  async pauseConnector(name: string): Promise<void> {
    this.#get(name).state = 'PAUSED'
  }

  async resumeConnector(name: string): Promise<void> {
    this.#get(name).state = 'STARTED'
  }

  async stopConnector(name: string): Promise<void> {
    this.#get(name).state = 'STOPPED'
  }

  async restartConnector(request: RestartRequest): Promise<ConnectorStateInfo | null> {
    this.lastRestart = request
    if (!this.#connectors.has(request.connector))
      throw new NotFoundError(`Unknown connector: ${request.connector}`)
    if (!request.includeTasks && !request.onlyFailed) return null
    const s = await this.connectorStatus(request.connector)
    return {
      ...s,
      connector: { ...s.connector, state: 'RESTARTING' },
      tasks: request.includeTasks ? s.tasks.map((t) => ({ ...t, state: 'RESTARTING' as const })) : s.tasks,
    }
  }

  async restartTask(id: ConnectorTaskId): Promise<void> {
    await this.taskStatus(id).catch(() => {
      throw new NotFoundError(`Task ${id.connector}-${id.task} not found`)
    })
  }

  async connectorOffsets(name: string): Promise<ConnectorOffsets> {
    return { offsets: this.#get(name).offsets }
  }

  async modifyConnectorOffsets(name: string, offsets: ConnectorOffsets['offsets'] | null): Promise<string> {
    const c = this.#get(name)
    if (c.state !== 'STOPPED') {
      throw new BadRequestError(
        `Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/${name}/stop' endpoint`,
      )
    }
    c.offsets = offsets ?? []
    return offsets === null
      ? 'The offsets for this connector have been reset successfully'
      : 'The offsets for this connector have been altered successfully'
  }

  async connectorActiveTopics(name: string): Promise<string[]> {
    if (!this.topicsEnabled) throw new ForbiddenError('Topic tracking is disabled.')
    this.#get(name)
    return ['t1']
  }

  async resetConnectorActiveTopics(name: string): Promise<void> {
    this.#get(name)
  }

  plugins(connectorsOnly: boolean): PluginInfo[] {
    const all: PluginInfo[] = [
      { class: 'org.apache.kafka.connect.json.JsonConverter', type: 'converter', version: '1.0.0' },
      { class: 'org.apache.kafka.connect.file.FileStreamSourceConnector', type: 'source', version: '1.0.0' },
      { class: 'org.apache.kafka.connect.file.FileStreamSinkConnector', type: 'sink', version: '1.0.0' },
      { class: 'org.apache.kafka.connect.transforms.Filter', type: 'transformation', version: 'undefined' },
    ]
    return connectorsOnly ? all.filter((p) => p.type === 'source' || p.type === 'sink') : all
  }

  pluginConfig(pluginName: string, version?: string): ConfigKeyInfo[] {
    this.lastPluginVersion = version
    if (!pluginName.startsWith('FileStream')) throw new NotFoundError(`Unknown plugin ${pluginName}.`)
    return [
      {
        name: 'file',
        type: 'STRING',
        required: false,
        default_value: null,
        importance: 'HIGH',
        documentation: 'Source filename.',
        group: null,
        width: 'NONE',
        display_name: 'file',
        dependents: [],
        order_in_group: -1,
      },
    ]
  }

  async validateConnectorConfig(config: Record<string, string>): Promise<ConfigInfos> {
    if (config['connector.class'] === undefined) {
      throw new BadRequestError('Connector config contains no connector type')
    }
    const missing = config.topic === undefined
    return {
      name: config['connector.class'],
      error_count: missing ? 1 : 0,
      groups: ['Common'],
      configs: [
        {
          definition: this.pluginConfig('FileStreamSource')[0] ?? null,
          value: {
            name: 'topic',
            value: config.topic ?? null,
            recommended_values: [],
            errors: missing ? ['Missing required configuration "topic" which has no default value.'] : [],
            visible: true,
          },
        },
      ],
    }
  }
}
