/**
 * Exactly-once across a lost connection. When a connection closes, Redis may or may not
 * have run the commands whose replies had not arrived: it runs a command, then loses its reply
 * with the socket (CLIENT KILL, a network cut). ioredis, by default
 * (`autoResendUnfulfilledCommands: true`), sends those commands again after it reconnects, so a
 * script that had run is run a second time: an increment applied twice, and its promise
 * resolves as if it were applied once. Killing the connection 39 times during 50,000 concurrent
 * increments (the scenario of test/faults-connection.test.ts) applied 525 of them twice.
 *
 * So on every client the library runs scripts on, it turns that option off, and when the
 * connection closes it rejects every command that was written to it and not answered with
 * "Connection is closed." (the runner maps it to ConnectionLostError: applied once or not at
 * all, never twice). With the option off, ioredis 6 would otherwise leave those commands
 * unsettled forever. Commands waiting in the offline queue (made while reconnecting) were never
 * written: they are sent once the connection is back. This reads ioredis's `prevCommandQueue`
 * (where it keeps the unanswered commands of a closed connection): an internal, pinned by
 * ioredis ^6 and by test/faults-connection.test.ts. It costs nothing per call: an earlier
 * version wrapped every call's promise, which cost 10-15% of throughput under concurrency.
 *
 * An ioredis Cluster, by default, sends again (after `retryDelayOnFailover`) every command
 * whose node connection closed, whether it ran or not: the same double application. So on a
 * Cluster the library also sets `retryDelayOnFailover` to 0: such a command then rejects with
 * "Connection is closed." (ConnectionLostError: applied once or not at all). MOVED, ASK,
 * TRYAGAIN and CLUSTERDOWN, which mean the command did not run, are still followed and retried.
 */
import type { Cluster, Redis } from 'ioredis';
import { ConnectionLostError } from '../errors.js';

type Client = Redis | Cluster;

/** What the library reads of ioredis's internals: the unanswered commands of a closed connection. */
interface Unanswered {
  prevCommandQueue?: { length: number; shift(): { command: { reject(e: Error): void } } | undefined } | null;
}

const prepared = new WeakSet<Client>();

function rejectUnanswered(client: Redis): void {
  const internals = client as unknown as Unanswered;
  const queue = internals.prevCommandQueue;
  if (!queue) return;
  internals.prevCommandQueue = null;
  while (queue.length > 0) queue.shift()?.command.reject(new ConnectionLostError('Connection is closed.'));
}

/** Whether prepareClient already ran on this client. */
export function isPrepared(client: Client): boolean {
  return prepared.has(client);
}

/** Makes a client safe before its first script (see above); idempotent and cheap to repeat. */
export function prepareClient(client: Client): void {
  if (prepared.has(client)) return;
  prepared.add(client);
  if ('isCluster' in client && client.isCluster) {
    const cluster = client as Cluster;
    cluster.options.retryDelayOnFailover = 0;
    cluster.options.redisOptions = { ...cluster.options.redisOptions, autoResendUnfulfilledCommands: false };
    for (const node of cluster.nodes('all')) node.options.autoResendUnfulfilledCommands = false;
    cluster.on('+node', (node: Redis) => {
      node.options.autoResendUnfulfilledCommands = false;
    });
  } else {
    const redis = client as Redis;
    redis.options.autoResendUnfulfilledCommands = false;
    redis.on('close', () => rejectUnanswered(redis));
  }
}
