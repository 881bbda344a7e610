/**
 * What the runtime needs to know of an ioredis client, and nothing else: its type, whether it
 * is a Cluster, the keyPrefix it adds to every key, and its masters. The other runtime modules
 * import this one (and never each other in a cycle).
 */
import type { Cluster, Redis } from 'ioredis';

/** The client the library runs its scripts on: an ioredis Redis or Cluster. */
export type Client = Redis | Cluster;

export function isCluster(client: Client): client is Cluster {
  return 'isCluster' in client && client.isCluster === true;
}

/** The keyPrefix ioredis adds to every key of this client ('' when none). */
export function keyPrefixOf(client: Client): string {
  const opts = client.options as { keyPrefix?: string; redisOptions?: { keyPrefix?: string } };
  return opts.keyPrefix ?? opts.redisOptions?.keyPrefix ?? '';
}

/** The masters of a client: itself on a single server, every master node on a Cluster. */
export async function masters(client: Client): Promise<Redis[]> {
  if (!isCluster(client)) return [client];
  if (client.status !== 'ready') {
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve());
      client.once('error', (e: Error) => reject(e));
    });
  }
  return client.nodes('master');
}
