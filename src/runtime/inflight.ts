/**
 * Exactly-once across a lost connection (issue 7). When a connection closes, Redis may or may not
 * have run the commands whose replies had not arrived: it runs a command, then loses its reply
 * with the socket (CLIENT KILL, a network cut). ioredis, by default
 * (`autoResendUnfulfilledCommands: true`), sends those commands again after it reconnects, so a
 * script that had run is run a second time: an increment applied twice, and its promise
 * resolves as if it were applied once. Killing the connection 39 times during 50,000 concurrent
 * increments (the scenario of test/faults-connection.test.ts) applied 525 of them twice.
 *
 * So on every client the library runs scripts on, it turns that option off, and rejects its own
 * calls still in flight when the connection closes with ConnectionLostError: applied once or not
 * at all, never twice. (With the option off, ioredis 6 drops the unfulfilled commands without
 * settling them; the library settles its own here. Commands a user sends on the same client are
 * not the library's: give them a `commandTimeout`, or a client of their own.)
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
type Reject = () => void;

/**
 * A client's calls awaiting a reply: `sent` were written to the connection (it was ready);
 * `queued` wait in ioredis's offline queue (it was reconnecting) and are written when it is
 * ready again. A close loses the sent ones only.
 */
interface Calls {
  readonly sent: Set<Reject>;
  queued: Set<Reject>;
}

const watched = new WeakMap<Client, Calls>();

function noResend(client: Client): void {
  if ('isCluster' in client && client.isCluster) {
    const cluster = client as Cluster;
    cluster.options.retryDelayOnFailover = 0;
    cluster.options.redisOptions = { ...cluster.options.redisOptions, autoResendUnfulfilledCommands: false };
    for (const node of cluster.nodes('all')) node.options.autoResendUnfulfilledCommands = false;
    cluster.on('+node', (node: Redis) => { node.options.autoResendUnfulfilledCommands = false; });
  } else {
    (client as Redis).options.autoResendUnfulfilledCommands = false;
  }
}

/** The calls of a client; the first time, makes the client safe as described above. */
function callsOf(client: Client): Calls {
  let calls = watched.get(client);
  if (!calls) {
    const c: Calls = { sent: new Set(), queued: new Set() };
    calls = c;
    watched.set(client, c);
    noResend(client);
    client.on('ready', () => { // ioredis has just written its offline queue
      for (const r of c.queued) c.sent.add(r);
      c.queued = new Set();
    });
    client.on('close', () => {
      const lost = [...c.sent];
      c.sent.clear();
      for (const reject of lost) reject();
    });
  }
  return calls;
}

/**
 * `sent`, settled as sent, or rejected with ConnectionLostError if the connection it was
 * written to closes first. Call it right after the command is handed to ioredis.
 */
export function guarded<T>(client: Client, sent: Promise<T>, label: string): Promise<T> {
  const calls = callsOf(client);
  const set = client.status === 'ready' ? calls.sent : calls.queued;
  return new Promise<T>((resolve, reject) => {
    const lost: Reject = () => reject(new ConnectionLostError(`${label}: the connection closed before the reply came; the operation was applied once or not at all`));
    set.add(lost);
    const settle = () => { calls.sent.delete(lost); calls.queued.delete(lost); };
    sent.then(
      (value) => { settle(); resolve(value); },
      (error: unknown) => { settle(); reject(error); },
    );
  });
}

/** Makes a client safe before its first script (see above); init() calls it on its client. */
export function prepareClient(client: Client): void {
  callsOf(client);
}
