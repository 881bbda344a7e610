/**
 * Lease locks (README, Locks): a key in the model's hash slot holding the owner's random token, set
 * with a lease (PX) so it frees itself if the holder dies; only the token's owner releases or
 * extends it, by script. Waiting polls with a short, jittered back-off up to waitMs. A lock
 * that was lost (lease run out) is reported, never silently ignored: LockLostError.
 */
import { randomBytes } from 'node:crypto';
import { LockLostError, LockTimeoutError, RapyerError, ValidationError, show } from '../errors.js';
import { runScript, type Client, type ScriptCall } from './scripts.js';

/** Options of alock / alockFromKey (README, Locks). */
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

/** What a lock guards: a model's main key and an action (the lock key is lockKey(main, action)). */
export interface LockTarget {
  readonly main: string;
  readonly action: string;
}

/**
 * Takes the lock (waiting at most waitMs), runs fn, then ends the lock by token (README, Locks):
 * - with `save` (saveAtEnd: the model's `model/save` call, built after fn returned; null when
 *   there is nothing to save, e.g. alockFromKey on a missing model), one
 *   `lock/save` script writes the model and releases the lock, only while the lock key still
 *   holds our token; otherwise nothing is written and this rejects with LockLostError;
 * - without it, `lock/release`; a reply 0 (the lock was no longer ours) rejects with
 *   LockLostError. Either way `error.result` holds what fn returned.
 * When fn throws, that error is what this rejects with: the release still runs, and a lost or
 * failed release is only attached to it, as the non-enumerable property `lockError`.
 */
export async function withLock<R>(
  client: Client,
  target: LockTarget,
  options: LockOptions,
  fn: (lock: HeldLock) => Promise<R>,
  save?: () => ScriptCall | null,
): Promise<R> {
  const key = lockKey(target.main, target.action);
  const leaseMs = positive('leaseMs', options.leaseMs, 30_000);
  const waitMs = positive('waitMs', options.waitMs, 10_000);
  const token = randomBytes(16).toString('hex');
  await acquire(client, key, token, leaseMs, waitMs);
  const lock: HeldLock = {
    key,
    token,
    extend: async (ms = leaseMs) =>
      (await runScript(client, {
        script: 'lock/extend',
        keys: [key],
        args: [token, String(positive('leaseMs', ms, leaseMs))],
        label: `${key} lock extend`,
      })) === 1,
  };
  let result: R;
  try {
    result = await fn(lock);
  } catch (error) {
    attach(error, await releaseProblem(client, target, key, token));
    throw error;
  }
  if (save) {
    try {
      const call = save();
      if (call) {
        await runScript(client, fenced(call, key, token));
        return result;
      }
    } catch (error) {
      if (isLost(error)) throw Object.assign(lost(target, 'nothing was saved'), { result });
      attach(error, await releaseProblem(client, target, key, token)); // the save failed: still free the lock
      throw error;
    }
  }
  if (!(await release(client, key, token))) throw Object.assign(lost(target, 'it was no longer held at the release'), { result });
  return result;
}

async function acquire(client: Client, key: string, token: string, leaseMs: number, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  let pause = 5;
  for (;;) {
    const taken = await runScript(client, { script: 'lock/acquire', keys: [key], args: [token, String(leaseMs)], label: `${key} lock` });
    if (taken === 1) return;
    const left = deadline - Date.now();
    if (left <= 0) throw new LockTimeoutError(`${key}: lock not free after ${waitMs} ms`);
    await sleep(Math.min(left, pause * (0.5 + Math.random())));
    pause = Math.min(pause * 2, 100);
  }
}

async function release(client: Client, key: string, token: string): Promise<boolean> {
  return (await runScript(client, { script: 'lock/release', keys: [key], args: [token], label: `${key} lock release` })) === 1;
}

/** Releases after a failure: the release's own problem (lost, or its error), or undefined. */
async function releaseProblem(client: Client, target: LockTarget, key: string, token: string): Promise<unknown> {
  try {
    return (await release(client, key, token)) ? undefined : lost(target, 'it was no longer held at the release');
  } catch (error) {
    return error;
  }
}

/**
 * The model's `model/save` call made fenced: the lock key after the model's keys, the token after
 * the TTL arguments. A model with indexed fields runs `model/save+index`, whose index tail ends
 * KEYS and ARGV (lua/includes/index.lua): the lock key goes before the tail's keys.
 */
function fenced(call: ScriptCall, key: string, token: string): ScriptCall {
  const indexed = call.script === 'model/save+index';
  if (call.script !== 'model/save' && !indexed) throw new Error(`${call.label}: saveAtEnd expects a model/save call, got ${call.script}`);
  const tail = indexed ? Number(call.args[call.args.length - 1]) : 0;
  return {
    script: indexed ? 'lock/save+index' : 'lock/save',
    keys: [...call.keys.slice(0, call.keys.length - tail), key, ...call.keys.slice(call.keys.length - tail)],
    args: [...call.args.slice(0, 3), token, ...call.args.slice(3)],
    label: `${call.label} (saveAtEnd, ${key})`,
  };
}

/** The script's `RAPYER_LOCK_LOST` reply, whether or not errors.ts maps the code to LockLostError. */
const isLost = (e: unknown) => e instanceof LockLostError || (e instanceof RapyerError && / lock lost \(/.test(e.message));

function lost(target: LockTarget, what: string): LockLostError {
  return new LockLostError(`${target.main}: the lock ${show(target.action)} was lost (its lease ran out, or the key was taken or replaced); ${what}`);
}

/** Puts the release's problem on the error the caller gets (never replacing that error). */
function attach(error: unknown, problem: unknown): void {
  if (problem === undefined || typeof error !== 'object' || error === null || !Object.isExtensible(error)) return;
  if (Object.hasOwn(error, 'lockError')) return;
  Object.defineProperty(error, 'lockError', { value: problem, enumerable: false, configurable: true, writable: true });
}
