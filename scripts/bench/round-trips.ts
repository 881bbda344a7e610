/**
 * Measures round trips: counts the requests a client writes to its socket.
 *
 * ioredis (rapyer-ts and the three baselines) writes each command sent on its own with one
 * socket write, and a whole pipeline (a MULTI/EXEC included) with one socket write, so writes =
 * requests the caller waits on = round trips. Commands that scripts run inside Redis are not
 * requests and are not counted.
 *
 * node-redis (redis-om's client) is counted the same way, by what it writes to its socket: one
 * request per command, and one for a whole MULTI…EXEC (node-redis writes a command in one or
 * more chunks, the first a string starting with `*`; a MULTI block is MULTI, its commands, EXEC).
 * Unlike ioredis it also pipelines on its own: it corks its socket and lifts the cork on the next
 * turn of the event loop, so every request queued in one turn (the 1,000 HGETALL of a
 * `fetch(ids)`, or the increments of concurrent callers) leaves in one send. Its counter also
 * counts those sends (the socket's `_write`/`_writev`, called once per flush), reported apart.
 */
import type { Redis } from 'ioredis';
import type { Socket } from 'node:net';

/** What measureSlice needs from a counter. */
export interface TripCounter {
  /** Requests written: round trips. */
  readonly count: number;
  /** Sends to the kernel (ioredis: one per request; node-redis: one per flush). */
  readonly sends: number;
  reset(): void;
  /** Hooks the client's current socket (call when it is ready; again after a reconnect). */
  attach(): void;
  detach(): void;
  /** True while the hooked socket is still the client's (no reconnect happened). */
  readonly attached: boolean;
}

export class RoundTripCounter implements TripCounter {
  #count = 0;
  #socket: Socket | null = null;
  #original: Socket['write'] | null = null;

  constructor(private readonly client: Redis) {}

  get count(): number {
    return this.#count;
  }

  get sends(): number {
    return this.#count;
  }

  reset(): void {
    this.#count = 0;
  }

  attach(): void {
    const socket = (this.client as unknown as { stream: Socket }).stream;
    if (socket === this.#socket) return;
    this.detach();
    const original = socket.write;
    const self = this;
    socket.write = function write(this: Socket, ...args: Parameters<Socket['write']>) {
      self.#count += 1;
      return original.apply(this, args);
    } as Socket['write'];
    this.#socket = socket;
    this.#original = original;
  }

  detach(): void {
    if (this.#socket && this.#original) this.#socket.write = this.#original;
    this.#socket = null;
    this.#original = null;
  }

  get attached(): boolean {
    return this.#socket !== null && this.#socket === (this.client as unknown as { stream: Socket }).stream;
  }
}

type Method = (...args: unknown[]) => unknown;

const MULTI = '*1\r\n$5\r\nMULTI\r\n';
const EXEC = '*1\r\n$4\r\nEXEC\r\n';

/**
 * Counts the requests and the sends of one net.Socket (node-redis's, captured when it connected:
 * see redis-om.ts). The hooks are instance properties shadowing the prototype's methods.
 */
export class NodeRedisCounter implements TripCounter {
  #count = 0;
  #sends = 0;
  #inMulti = false;
  #hooked = false;

  constructor(private readonly socket: Socket) {}

  get count(): number {
    return this.#count;
  }

  get sends(): number {
    return this.#sends;
  }

  reset(): void {
    this.#count = 0;
    this.#sends = 0;
  }

  #onChunk(chunk: unknown): void {
    if (typeof chunk !== 'string' || chunk.charCodeAt(0) !== 42 /* '*' */) return; // not a command's head
    if (this.#inMulti) {
      if (chunk.startsWith(EXEC)) this.#inMulti = false;
    } else {
      this.#count += 1;
      if (chunk.startsWith(MULTI)) this.#inMulti = true;
    }
  }

  attach(): void {
    if (this.#hooked) return;
    const s = this.socket as unknown as Record<'write' | '_write' | '_writev', Method | undefined>;
    const self = this;
    const write = s.write!;
    s.write = function hookedWrite(this: unknown, ...args: unknown[]) {
      self.#onChunk(args[0]);
      return write.apply(this, args);
    };
    for (const name of ['_write', '_writev'] as const) {
      const original = s[name];
      if (!original) continue;
      s[name] = function flush(this: unknown, ...args: unknown[]) {
        self.#sends += 1;
        return original.apply(this, args);
      };
    }
    this.#hooked = true;
  }

  detach(): void {
    const s = this.socket as unknown as Record<string, unknown>;
    if (this.#hooked) for (const name of ['write', '_write', '_writev']) delete s[name];
    this.#hooked = false;
  }

  get attached(): boolean {
    return this.#hooked && !this.socket.destroyed;
  }
}

/** Several clients' counters as one (only the client of the impl being measured writes). */
export class Counters implements TripCounter {
  constructor(private readonly parts: readonly TripCounter[]) {}

  get count(): number {
    return this.parts.reduce((n, p) => n + p.count, 0);
  }

  get sends(): number {
    return this.parts.reduce((n, p) => n + p.sends, 0);
  }

  reset(): void {
    for (const p of this.parts) p.reset();
  }

  attach(): void {
    for (const p of this.parts) p.attach();
  }

  detach(): void {
    for (const p of this.parts) p.detach();
  }

  get attached(): boolean {
    return this.parts.every((p) => p.attached);
  }
}
