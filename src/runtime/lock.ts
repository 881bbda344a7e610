/**
 * Lease locks (SPEC §7): a key in the model's hash slot holding the owner's random token, set
 * with a lease (PX) so it frees itself if the holder dies; only the token's owner releases or
 * extends it, by script. Waiting polls with a short, jittered back-off up to waitMs.
 */
import { randomBytes } from 'node:crypto';
import { LockTimeoutError, ValidationError, show } from '../errors.js';
import { runScript, type Client } from './scripts.js';

export interface LockOptions {
  /** How long the lock lives without a release or an extension (ms). Default 30,000. */
  readonly leaseMs?: number;
  /** How long to wait for a held lock before LockTimeoutError (ms). Default 10,000. */
  readonly waitMs?: number;
  /** Save the model when the callback returns normally (model locks). Default false. */
  readonly saveAtEnd?: boolean;
}

/** The lock as the callback sees it. */
export interface HeldLock {
  readonly key: string;
  readonly token: string;
  /** Gives the lock a new lease of `ms` (default: the lease it was taken with); false if it was lost. */
  extend(ms?: number): Promise<boolean>;
}

/** The lock key of a model's main key and an action: `${main}:lock:${action}`, same hash slot. */
export function lockKey(main: string, action: string): string {
  if (typeof action !== 'string' || action.length === 0 || /[{}]/.test(action)) {
    throw new ValidationError(`${main}: lock action ${show(action)} must be a non-empty string without braces`);
  }
  return `${main}:lock:${action}`;
}

function positive(name: string, v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (name === 'leaseMs' && v < 1)) {
    throw new ValidationError(`lock option ${name} must be a non-negative number of ms, got ${show(v)}`);
  }
  return Math.round(v);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Takes the lock (waiting at most waitMs), runs fn, and releases the lock by token. */
export async function withLock<R>(client: Client, key: string, options: LockOptions, fn: (lock: HeldLock) => Promise<R>): Promise<R> {
  const leaseMs = positive('leaseMs', options.leaseMs, 30_000);
  const waitMs = positive('waitMs', options.waitMs, 10_000);
  const token = randomBytes(16).toString('hex');
  const deadline = Date.now() + waitMs;
  let pause = 5;
  for (;;) {
    const taken = await runScript(client, { script: 'lock/acquire', keys: [key], args: [token, String(leaseMs)], label: `${key} lock` });
    if (taken === 1) break;
    const left = deadline - Date.now();
    if (left <= 0) throw new LockTimeoutError(`${key}: lock not free after ${waitMs} ms`);
    await sleep(Math.min(left, pause * (0.5 + Math.random())));
    pause = Math.min(pause * 2, 100);
  }
  const lock: HeldLock = {
    key,
    token,
    extend: async (ms = leaseMs) =>
      (await runScript(client, { script: 'lock/extend', keys: [key], args: [token, String(positive('leaseMs', ms, leaseMs))], label: `${key} lock extend` })) === 1,
  };
  try {
    return await fn(lock);
  } finally {
    await runScript(client, { script: 'lock/release', keys: [key], args: [token], label: `${key} lock release` });
  }
}
