/**
 * Installs `Promise.withResolvers` where the runtime lacks it. `@platformatic/kafka` calls it (it declares
 * Node >= 22) and Sluice runs on Node 20, which does not have it. Same semantics as the ES2024 function;
 * a runtime that has one keeps its own. Import this module for its effect before `@platformatic/kafka`
 * sends anything: `import '@sluice/kafka/promise-with-resolvers'`.
 *
 * @packageDocumentation
 */

const promiseCtor = Promise as unknown as { withResolvers?: unknown }
if (typeof promiseCtor.withResolvers !== 'function') {
  promiseCtor.withResolvers = <T>() => {
    let resolve!: (v: T) => void
    let reject!: (e: unknown) => void
    const promise = new Promise<T>((res, rej) => {
      resolve = res
      reject = rej
    })
    return { promise, resolve, reject }
  }
}
