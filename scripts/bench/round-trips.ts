/**
 * Measures round trips: counts the requests a client writes to its socket. ioredis writes each
 * command sent on its own with one socket write, and a whole pipeline (a MULTI/EXEC included)
 * with one socket write, so writes = requests the caller waits on = round trips. Commands that
 * scripts run inside Redis are not requests and are not counted.
 */
import type { Redis } from 'ioredis';
import type { Socket } from 'node:net';

export class RoundTripCounter {
  #count = 0;
  #socket: Socket | null = null;
  #original: Socket['write'] | null = null;

  constructor(private readonly client: Redis) {}

  get count(): number {
    return this.#count;
  }

  reset(): void {
    this.#count = 0;
  }

  /** Hooks the client's current socket (call when it is ready; again after a reconnect). */
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

  /** True while the hooked socket is still the client's (no reconnect happened). */
  get attached(): boolean {
    return this.#socket !== null && this.#socket === (this.client as unknown as { stream: Socket }).stream;
  }
}
