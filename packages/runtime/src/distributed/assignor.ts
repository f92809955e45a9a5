import type { Clock } from '../clock.js'
import type { ClusterConfigSnapshot } from '../storage/config-state.js'
import type { ConnectorTaskId } from '../worker/worker-api.js'
import {
  ASSIGNMENT_CONFIG_MISMATCH,
  ASSIGNMENT_NO_ERROR,
  type ConnectAssignment,
  type ConnectorsAndTasks,
  type ConnectProtocolName,
  PROTOCOL_VERSION,
  type WorkerMetadata,
} from './connect-protocol.js'

/**
 * The Connect group leader's assignors (Kafka's `EagerAssignor` and `IncrementalCooperativeAssignor`,
 * KIP-415), reproduced from their documented behaviour so a Java follower accepts what a Sluice leader
 * hands out and the other way round. Both are pure: time comes from the injected clock, the config from
 * the snapshot the caller passes.
 */

/** One member of the JoinGroup response. */
export interface GroupMember {
  readonly memberId: string
  readonly metadata: WorkerMetadata
}

export interface AssignmentInput {
  readonly leaderId: string
  /** The protocol the coordinator chose; sets the header of every assignment. */
  readonly protocol: ConnectProtocolName
  readonly members: readonly GroupMember[]
  /** The generation being formed and the last one this leader completed (SyncGroup succeeded). */
  readonly generation: number
  readonly lastCompletedGeneration: number
  /** The leader's config snapshot, and a way to take a fresher one from its config store (no I/O). */
  readonly snapshot: ClusterConfigSnapshot
  readonly freshSnapshot: () => ClusterConfigSnapshot
}

/** Who runs what, as the leader decided (Kafka's `LeaderState`): drives REST forwarding to owners. */
export interface LeaderOwners {
  readonly connectors: ReadonlyMap<string, string>
  /** Keyed by {@link taskKey}. */
  readonly tasks: ReadonlyMap<string, string>
}

export interface AssignmentResult {
  readonly assignments: ReadonlyMap<string, ConnectAssignment>
  /** The snapshot the assignment was computed from (the fresh one if the leader had to catch up). */
  readonly snapshot: ClusterConfigSnapshot
  /** Undefined on CONFIG_MISMATCH. */
  readonly owners?: LeaderOwners
}

export interface ConnectAssignor {
  assign(input: AssignmentInput): AssignmentResult
}

/** A stable string key for a task id (connector names may contain any character but NUL). */
export const taskKey = (t: ConnectorTaskId): string => `${t.connector}\u0000${t.task}`
const fromTaskKey = (k: string): ConnectorTaskId => {
  const i = k.lastIndexOf('\u0000')
  return { connector: k.slice(0, i), task: Number(k.slice(i + 1)) }
}

/** Java `String.compareTo` (UTF-16 code units), never `localeCompare`. */
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
/** `ConnectorTaskId.compareTo`: connector, then task number. */
const cmpTask = (a: ConnectorTaskId, b: ConnectorTaskId) => cmp(a.connector, b.connector) || a.task - b.task

interface LeaderConfig {
  readonly snapshot: ClusterConfigSnapshot
  readonly offset: bigint
}

/** Kafka's `ensureLeaderConfig`: a leader behind the members takes one fresh snapshot, else mismatch. */
function ensureLeaderConfig(input: AssignmentInput, maxOffset: bigint): LeaderConfig | undefined {
  if (input.snapshot.offset >= maxOffset) return { snapshot: input.snapshot, offset: maxOffset }
  const fresh = input.freshSnapshot()
  if (fresh.offset < maxOffset) return undefined
  return { snapshot: fresh, offset: fresh.offset }
}

function maxMemberOffset(members: readonly GroupMember[]): bigint {
  let max = -1n
  for (const m of members) if (m.metadata.configOffset > max) max = m.metadata.configOffset
  return max
}

function leaderUrl(input: AssignmentInput): string {
  const leader = input.members.find((m) => m.memberId === input.leaderId)
  if (leader === undefined) throw new Error(`leader ${input.leaderId} is not among the group's members`)
  return leader.metadata.url
}

function mismatch(input: AssignmentInput, maxOffset: bigint): AssignmentResult {
  const url = leaderUrl(input)
  const assignments = new Map<string, ConnectAssignment>()
  for (const m of input.members)
    assignments.set(m.memberId, {
      version: PROTOCOL_VERSION[input.protocol],
      error: ASSIGNMENT_CONFIG_MISMATCH,
      leader: input.leaderId,
      leaderUrl: url,
      configOffset: maxOffset,
      assigned: { connectors: [], tasks: [] },
      revoked: { connectors: [], tasks: [] },
      delay: 0,
    })
  return { assignments, snapshot: input.snapshot }
}

function configuredTasks(snapshot: ClusterConfigSnapshot): ConnectorTaskId[] {
  return snapshot.connectors.flatMap((c) => snapshot.tasks(c))
}

/**
 * Eager (`connect.protocol=default`): every rebalance hands out the full set, round-robin over the sorted
 * member ids, connectors then tasks; the member iterator carries on from connectors into tasks.
 */
export class EagerAssignor implements ConnectAssignor {
  assign(input: AssignmentInput): AssignmentResult {
    const maxOffset = maxMemberOffset(input.members)
    const leader = ensureLeaderConfig(input, maxOffset)
    if (leader === undefined) return mismatch(input, maxOffset)
    const { snapshot } = leader
    const members = input.members.map((m) => m.memberId).sort(cmp)
    const connectors = new Map<string, string[]>(members.map((m) => [m, []]))
    const tasks = new Map<string, ConnectorTaskId[]>(members.map((m) => [m, []]))
    const owners = { connectors: new Map<string, string>(), tasks: new Map<string, string>() }
    let next = 0
    const nextMember = () => members[next++ % members.length] as string
    for (const c of snapshot.connectors) {
      const m = nextMember()
      connectors.get(m)?.push(c)
      owners.connectors.set(c, m)
    }
    for (const c of snapshot.connectors)
      for (const t of snapshot.tasks(c)) {
        const m = nextMember()
        tasks.get(m)?.push(t)
        owners.tasks.set(taskKey(t), m)
      }
    const url = leaderUrl(input)
    const assignments = new Map<string, ConnectAssignment>()
    for (const m of members)
      assignments.set(m, {
        version: PROTOCOL_VERSION[input.protocol],
        error: ASSIGNMENT_NO_ERROR,
        leader: input.leaderId,
        leaderUrl: url,
        configOffset: leader.offset,
        assigned: { connectors: connectors.get(m) ?? [], tasks: tasks.get(m) ?? [] },
        revoked: { connectors: [], tasks: [] },
        delay: 0,
      })
    return { assignments, snapshot, owners }
  }
}

/** A member's current (mutable during one round) connectors and tasks (Kafka's `WorkerLoad`). */
interface WorkerLoad {
  readonly worker: string
  connectors: string[]
  tasks: ConnectorTaskId[]
}

class ItemSet {
  readonly connectors = new Set<string>()
  readonly tasks = new Set<string>()
  static of(connectors: Iterable<string>, tasks: Iterable<ConnectorTaskId>): ItemSet {
    const s = new ItemSet()
    for (const c of connectors) s.connectors.add(c)
    for (const t of tasks) s.tasks.add(taskKey(t))
    return s
  }
  get empty(): boolean {
    return this.connectors.size === 0 && this.tasks.size === 0
  }
  /** this − others, sorted as Java's TreeSet. */
  minus(...others: ItemSet[]): ItemSet {
    const s = new ItemSet()
    for (const c of [...this.connectors].sort(cmp))
      if (!others.some((o) => o.connectors.has(c))) s.connectors.add(c)
    for (const t of [...this.tasks].map(fromTaskKey).sort(cmpTask))
      if (!others.some((o) => o.tasks.has(taskKey(t)))) s.tasks.add(taskKey(t))
    return s
  }
  taskIds(): ConnectorTaskId[] {
    return [...this.tasks].map(fromTaskKey)
  }
}

const byConnectorLoad = (a: WorkerLoad, b: WorkerLoad) =>
  a.connectors.length - b.connectors.length || cmp(a.worker, b.worker)
const byTaskLoad = (a: WorkerLoad, b: WorkerLoad) =>
  a.tasks.length - b.tasks.length || cmp(a.worker, b.worker)

/**
 * Round-robin over the least-loaded tier: sort once, then fill workers whose load equals the first one's,
 * widening the tier as it catches up (Kafka's `assignConnectors` / `assignTasks`).
 */
function fill<T>(
  workers: WorkerLoad[],
  items: readonly T[],
  load: (w: WorkerLoad) => T[],
  order: typeof byTaskLoad,
) {
  if (workers.length === 0 || items.length === 0) return
  workers.sort(order)
  const first = workers[0] as WorkerLoad
  let i = 0
  while (i < items.length) {
    const firstLoad = load(first).length
    let upTo = workers.findIndex((w) => load(w).length > firstLoad)
    if (upTo < 0) upTo = workers.length
    for (const w of workers.slice(0, upTo)) {
      load(w).push(items[i++] as T)
      if (i >= items.length) break
    }
  }
}

/**
 * Load-balancing revocations for one resource: with min = ⌊total/workers⌋ and extra = total mod workers,
 * a balanced group has `extra` workers at min+1 and the rest at min; otherwise the first `extra` workers
 * above min keep min+1, the others are cut to min, revoking the first items of their lists.
 */
function balancingRevocations<T>(
  total: number,
  workers: readonly WorkerLoad[],
  load: (w: WorkerLoad) => T[],
) {
  const out = new Map<string, T[]>()
  const n = workers.length
  if (n === 0) return out
  const min = Math.floor(total / n)
  const extra = total % n
  const atMin = workers.filter((w) => load(w).length === min).length
  const atExtra = workers.filter((w) => load(w).length === min + 1).length
  if (atExtra === extra && atMin + atExtra === n) return out
  let extrasGiven = 0
  for (const w of workers) {
    const size = load(w).length
    if (size <= min) continue
    let max: number
    if (extrasGiven < extra) {
      extrasGiven++
      if (size === min + 1) continue
      max = min + 1
    } else {
      max = min
    }
    out.set(w.worker, load(w).slice(0, size - max))
  }
  return out
}

export interface IncrementalAssignorOptions {
  readonly clock: Clock
  /** `scheduled.rebalance.max.delay.ms`. */
  readonly maxDelayMs: number
}

/**
 * Incremental cooperative assignor (`compatible` / `sessioned`). Assignments carry only what is new
 * plus revocations; lost work waits up to `scheduled.rebalance.max.delay.ms` for its worker to come back,
 * then goes to the workers that joined empty meanwhile; successive load-balancing revocations are
 * throttled by 40ⁿ ms.
 */
export class IncrementalCooperativeAssignor implements ConnectAssignor {
  readonly #clock: Clock
  readonly #maxDelay: number
  #previousAssignment = new ItemSet()
  #previousRevocation = new ItemSet()
  #revokedInPrevious = false
  readonly #candidates = new Set<string>()
  #scheduledRebalance = 0
  #delay = 0
  #previousGeneration = -1
  #previousMembers = new Set<string>()
  #successiveRevokingRounds = 0

  constructor(options: IncrementalAssignorOptions) {
    this.#clock = options.clock
    this.#maxDelay = options.maxDelayMs
  }

  /** The delay handed to members in the last round (ms), for tests and metrics. */
  get delay(): number {
    return this.#delay
  }

  assign(input: AssignmentInput): AssignmentResult {
    const maxOffset = maxMemberOffset(input.members)
    const leader = ensureLeaderConfig(input, maxOffset)
    if (leader === undefined) return mismatch(input, maxOffset)
    const { snapshot } = leader

    if (this.#previousGeneration !== input.lastCompletedGeneration) this.#previousAssignment = new ItemSet()

    const members = [...input.members].sort((a, b) => cmp(a.memberId, b.memberId))
    const allocation = (m: GroupMember): ConnectorsAndTasks =>
      m.metadata.allocation?.assigned ?? { connectors: [], tasks: [] }
    const configured = ItemSet.of(snapshot.connectors, configuredTasks(snapshot))
    const active = ItemSet.of(
      members.flatMap((m) => allocation(m).connectors),
      members.flatMap((m) => allocation(m).tasks),
    )

    // A revocation that did not take effect (the item is still running somewhere): trust what runs.
    if (!this.#previousRevocation.empty) {
      const stillActive =
        [...this.#previousRevocation.connectors].some((c) => active.connectors.has(c)) ||
        [...this.#previousRevocation.tasks].some((t) => active.tasks.has(t))
      if (stillActive) this.#previousAssignment = active
      this.#previousRevocation = new ItemSet()
    }

    const deleted = this.#previousAssignment.minus(configured)
    const lost = this.#previousAssignment.minus(active, deleted)
    const created = configured.minus(this.#previousAssignment, active)

    const loads = (exclude: ItemSet): WorkerLoad[] =>
      members.map((m) => ({
        worker: m.memberId,
        connectors: allocation(m).connectors.filter((c) => !exclude.connectors.has(c)),
        tasks: allocation(m).tasks.filter((t) => !exclude.tasks.has(taskKey(t))),
      }))

    // Revoke deleted items from whoever still runs them.
    const toRevoke = new Map<string, ItemSet>()
    const revokeFrom = (worker: string) => {
      let s = toRevoke.get(worker)
      if (s === undefined) {
        s = new ItemSet()
        toRevoke.set(worker, s)
      }
      return s
    }
    for (const w of loads(new ItemSet())) {
      for (const c of w.connectors) if (deleted.connectors.has(c)) revokeFrom(w.worker).connectors.add(c)
      for (const t of w.tasks) if (deleted.tasks.has(taskKey(t))) revokeFrom(w.worker).tasks.add(taskKey(t))
    }
    // Revoke items that more than one member runs, from every member running them.
    const count = new Map<string, number>()
    for (const m of members) {
      for (const c of allocation(m).connectors) count.set(`c:${c}`, (count.get(`c:${c}`) ?? 0) + 1)
      for (const t of allocation(m).tasks)
        count.set(`t:${taskKey(t)}`, (count.get(`t:${taskKey(t)}`) ?? 0) + 1)
    }
    for (const w of loads(deleted)) {
      for (const c of w.connectors) if ((count.get(`c:${c}`) ?? 0) > 1) revokeFrom(w.worker).connectors.add(c)
      for (const t of w.tasks)
        if ((count.get(`t:${taskKey(t)}`) ?? 0) > 1) revokeFrom(w.worker).tasks.add(taskKey(t))
    }
    const withoutDuplicates = loads(deleted).map((w) => {
      const r = toRevoke.get(w.worker)
      return r === undefined
        ? w
        : {
            worker: w.worker,
            connectors: w.connectors.filter((c) => !r.connectors.has(c)),
            tasks: w.tasks.filter((t) => !r.tasks.has(taskKey(t))),
          }
    })

    const current = loads(deleted)
    const complete = loads(deleted)
    const newConnectors = [...created.connectors]
    const newTasks = created.taskIds()
    this.#handleLost(lost, newConnectors, newTasks, complete, members)

    if (this.#delay === 0) {
      const connectorRevocations = balancingRevocations(
        configured.connectors.size,
        withoutDuplicates,
        (w) => w.connectors,
      )
      const taskRevocations = balancingRevocations(configured.tasks.size, withoutDuplicates, (w) => w.tasks)
      const any = connectorRevocations.size > 0 || taskRevocations.size > 0
      let apply = false
      if (this.#revokedInPrevious && any) {
        this.#successiveRevokingRounds++
        this.#delay = Math.min(40 ** this.#successiveRevokingRounds, this.#maxDelay)
        if (this.#delay !== 0) this.#scheduledRebalance = this.#clock.now() + this.#delay
        else apply = true
      } else if (any) {
        apply = true
        this.#revokedInPrevious = true
      } else if (this.#revokedInPrevious) {
        this.#revokedInPrevious = false
        this.#successiveRevokingRounds = 0
      }
      if (apply) {
        for (const [w, cs] of connectorRevocations) for (const c of cs) revokeFrom(w).connectors.add(c)
        for (const [w, ts] of taskRevocations) for (const t of ts) revokeFrom(w).tasks.add(taskKey(t))
      }
    }

    fill(complete, newConnectors, (w) => w.connectors, byConnectorLoad)
    fill(complete, newTasks, (w) => w.tasks, byTaskLoad)

    const currentBy = new Map(current.map((w) => [w.worker, w]))
    const url = leaderUrl(input)
    const assignments = new Map<string, ConnectAssignment>()
    const owners = { connectors: new Map<string, string>(), tasks: new Map<string, string>() }
    for (const w of complete) {
      const before = currentBy.get(w.worker)
      const had = ItemSet.of(before?.connectors ?? [], before?.tasks ?? [])
      for (const c of w.connectors) owners.connectors.set(c, w.worker)
      for (const t of w.tasks) owners.tasks.set(taskKey(t), w.worker)
      const revoked = toRevoke.get(w.worker) ?? new ItemSet()
      assignments.set(w.worker, {
        version: PROTOCOL_VERSION[input.protocol],
        error: ASSIGNMENT_NO_ERROR,
        leader: input.leaderId,
        leaderUrl: url,
        configOffset: leader.offset,
        assigned: {
          connectors: w.connectors.filter((c) => !had.connectors.has(c)),
          tasks: w.tasks.filter((t) => !had.tasks.has(taskKey(t))),
        },
        revoked: { connectors: [...revoked.connectors], tasks: revoked.taskIds() },
        delay: this.#delay,
      })
    }

    // Next round's view: what is now assigned, minus what was revoked, plus what is still lost.
    const previous = ItemSet.of(
      complete.flatMap((w) => w.connectors),
      complete.flatMap((w) => w.tasks),
    )
    for (const r of toRevoke.values()) {
      for (const c of r.connectors) {
        previous.connectors.delete(c)
        this.#previousRevocation.connectors.add(c)
      }
      for (const t of r.tasks) {
        previous.tasks.delete(t)
        this.#previousRevocation.tasks.add(t)
      }
    }
    for (const c of lost.connectors) previous.connectors.add(c)
    for (const t of lost.tasks) previous.tasks.add(t)
    this.#previousAssignment = previous
    this.#previousGeneration = input.generation
    this.#previousMembers = new Set(members.map((m) => m.memberId))
    return { assignments, snapshot, owners }
  }

  #handleLost(
    lost: ItemSet,
    newConnectors: string[],
    newTasks: ConnectorTaskId[],
    complete: WorkerLoad[],
    members: readonly GroupMember[],
  ): void {
    if (lost.empty && !this.#revokedInPrevious) {
      this.#resetDelay()
      return
    }
    const now = this.#clock.now()
    const present = new Set(members.map((m) => m.memberId))
    const everyPreviousPresent = [...this.#previousMembers].every((m) => present.has(m))
    if ((this.#scheduledRebalance <= 0 && everyPreviousPresent) || this.#maxDelay === 0) {
      // Nobody left: the items were lost in a failed round; hand them out as new.
      newConnectors.push(...lost.connectors)
      newTasks.push(...lost.taskIds())
      return
    }
    if (this.#scheduledRebalance > 0 && now >= this.#scheduledRebalance) {
      const candidates = complete.filter((w) => this.#candidates.has(w.worker))
      if (candidates.length > 0) {
        let i = 0
        for (const c of lost.connectors)
          (candidates[i++ % candidates.length] as WorkerLoad).connectors.push(c)
        i = 0
        for (const t of lost.taskIds()) (candidates[i++ % candidates.length] as WorkerLoad).tasks.push(t)
      } else {
        newConnectors.push(...lost.connectors)
        newTasks.push(...lost.taskIds())
      }
      this.#resetDelay()
      // The full delay has passed: successive revoking rounds are allowed again.
      this.#revokedInPrevious = false
      return
    }
    for (const w of complete)
      if (w.connectors.length === 0 && w.tasks.length === 0) this.#candidates.add(w.worker)
    if (now < this.#scheduledRebalance) {
      this.#delay = Math.min(this.#scheduledRebalance - now, this.#maxDelay)
    } else {
      this.#delay = this.#maxDelay
    }
    this.#scheduledRebalance = now + this.#delay
  }

  #resetDelay(): void {
    this.#candidates.clear()
    this.#scheduledRebalance = 0
    this.#delay = 0
  }
}
