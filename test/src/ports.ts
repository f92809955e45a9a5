import net from 'node:net'

/** A TCP port on 127.0.0.1 that was free a moment ago (nothing listens on it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port
      s.close(() => resolve(port))
    })
  })
}

/** A free port whose next port is free too (a broker and its KRaft controller). */
export async function freePortPair(): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const s = net.createServer()
      s.once('error', () => resolve(false))
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)))
    })
  for (let i = 0; i < 50; i++) {
    const port = 20000 + Math.floor(Math.random() * 20000)
    if ((await free(port)) && (await free(port + 1))) return port
  }
  throw new Error('no two adjacent free ports found between 20000 and 40000')
}
