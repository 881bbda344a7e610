/**
 * What the model-based tests compare after every step, against the reference:
 * 1. each key's TTL state: absent (-2), no TTL (-1), or about the PTTL the reference expects
 *    (TTL_MS after a refresh, the value the test set before the step when the step kept it);
 * 2. the stored model, read with aget (whose own READ|FETCH refresh the reference applies too),
 *    and the priority queue, read raw (ZRANGE, no refresh);
 * 3. the local copy of each live instance;
 * 4. the invariant checker (test/helpers/invariants.ts), when every key should carry a TTL.
 * Then it lowers every TTL to a distinct value per key (PEXPIRE), so that the next step's
 * refresh (back to TTL_MS), keep (the value set here) and inherit (the main key's) differ.
 */
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { testClient } from '../helpers/hooks.js';
import { checkInvariants } from '../helpers/invariants.js';
import { KeyNotFound } from '../../src/index.js';
import type { Ref } from './reference.js';
import { pqItems } from './ref-ops.js';
import { KEY_PATHS, MbtSession, PKS, TTL_MS, align, comparable, keyName, num, valuesOf, type Pk, type Session } from './schema.js';

/** The live instances of the real side, and the members its set pops returned. */
export interface Real {
  handles: Record<Pk, Session | null>;
  popped: (string | null)[];
}

/** How far a PTTL may have run down between the moment the test set it and the check. */
const SLACK_MS = 15_000;

function pttlOk(actual: number, expected: number | undefined): boolean {
  if (expected === undefined) return actual === -2;
  if (expected === -1) return actual === -1;
  return actual <= expected && actual >= expected - SLACK_MS;
}

function showTtl(t: number | undefined): string {
  return t === undefined ? 'absent' : t === -1 ? 'no TTL' : `~${t} ms`;
}

async function checkTtls(ref: Ref): Promise<void> {
  const client = testClient();
  const wrong: string[] = [];
  for (const pk of PKS) {
    const pipe = client.pipeline();
    KEY_PATHS.forEach((_p, i) => {
      pipe.pttl(keyName(pk, i));
    });
    const replies = (await pipe.exec()) ?? [];
    KEY_PATHS.forEach((_p, i) => {
      const actual = Number(replies[i]?.[1]);
      const expected = ref.slots[pk].ttl[i];
      if (!pttlOk(actual, expected)) wrong.push(`${keyName(pk, i)}: PTTL ${actual}, expected ${showTtl(expected)}`);
    });
  }
  if (wrong.length > 0) throw new Error(`TTL state differs from the reference (mask ${ref.mask}, ttl ${ref.ttlMs} ms):\n  ${wrong.join('\n  ')}`);
}

async function checkStored(ref: Ref, pk: Pk): Promise<void> {
  const stored = ref.slots[pk].stored;
  let got: Session | null = null;
  try {
    got = await MbtSession.aget(pk);
  } catch (e) {
    if (!(e instanceof KeyNotFound)) throw e;
  }
  ref.afterGet(pk);
  if (!stored) {
    expect(got, `MbtSession:{${pk}} should not be stored`).to.equal(null);
    return;
  }
  expect(got, `MbtSession:{${pk}} should be stored`).to.not.equal(null);
  const want = comparable(stored);
  const fuzzy = (x: Record<string, unknown>) => (ref.fuzzy.has(pk) ? align(x, want) : x);
  expect(fuzzy(comparable(valuesOf(got!))), `stored MbtSession:{${pk}} (aget)`).to.deep.equal(want);
  if (ref.fuzzy.has(pk)) stored.score = got!.score.value; // adopt Redis' float (see Ref.fuzzy)
  const raw = await (testClient() as Redis).zrange(keyName(pk, 4), 0, '-1', 'WITHSCORES'); // Cluster has the same API
  const items: [string, number][] = [];
  for (let i = 0; i < raw.length; i += 2) items.push([JSON.parse(raw[i]!) as string, num(Number(raw[i + 1]))]);
  expect(items, `stored queue MbtSession:{${pk}}:jobs (ZRANGE)`).to.deep.equal(pqItems(stored).map(([v, p]) => [v, num(p)]));
}

/** Lowers every TTL to a distinct value per key and model; the reference follows. */
async function scramble(ref: Ref, step: number): Promise<void> {
  const client = testClient();
  for (const pk of PKS) {
    const slot = ref.slots[pk];
    const pipe = client.pipeline();
    let n = 0;
    slot.ttl.forEach((t, i) => {
      if (t === undefined || t === -1) return;
      const ms = 200_000 + 37_000 * i + (pk === 'b' ? 11_000 : 0) + (step % 5) * 1_000;
      pipe.pexpire(keyName(pk, i), ms);
      slot.ttl[i] = ms;
      n += 1;
    });
    if (n > 0) await pipe.exec();
  }
}

let steps = 0;

/** Every comparison of a step, then the TTL scramble for the next one. */
export async function checkStep(ref: Ref, real: Real): Promise<void> {
  if (real.popped.length > 0 || ref.popped.length > 0) {
    throw new Error(`set apop answers left over: real ${JSON.stringify(real.popped)}, reference ${JSON.stringify(ref.popped)}`);
  }
  await checkTtls(ref);
  for (const pk of PKS) await checkStored(ref, pk);
  for (const pk of PKS) {
    const h = real.handles[pk];
    const l = ref.local[pk];
    if (!h || !l) continue;
    const want = comparable(l);
    const mine = comparable(valuesOf(h));
    expect(ref.fuzzy.has(pk) ? align(mine, want) : mine, `local copy of MbtSession:{${pk}}`).to.deep.equal(want);
    if (ref.fuzzy.has(pk)) l.score = h.score.value;
  }
  ref.fuzzy.clear();
  // with a TTL, the checker wants one on every key, no greater than ttl: not so after asetTtl(null)
  const ttlsAsRequired = ref.ttlMs === null || PKS.every((pk) => ref.slots[pk].ttl.every((t) => t === undefined || (t > 0 && t <= TTL_MS)));
  if (ttlsAsRequired) expect(await checkInvariants(testClient(), MbtSession), 'invariants').to.deep.equal([]);
  steps += 1;
  await scramble(ref, steps);
}
