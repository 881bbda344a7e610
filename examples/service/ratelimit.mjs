/**
 * A per-client fixed-window rate limiter on RateWindow (see models.mjs): one `aincrease` per
 * request, which never extends the window (refreshTtl: false).
 *
 * There is no "increment, creating if missing" operation yet, so a missing window is opened
 * under a lock on its key (`alockFromKey` guards a key that holds no model): of two requests that
 * both find the window missing, the second waits, then finds it and increments it. Without the
 * lock the second `asave` would overwrite the first's count and lose hits.
 */
import * as rapyer from '../../dist/esm/index.js';
import { KeyNotFound } from '../../dist/esm/index.js';
import { RateWindow } from './models.mjs';

/** Requests a client may make per window. */
export const LIMIT = 40;

/** Counts one hit for `client`; resolves to the window's count including it. */
export async function hit(client) {
  const window = new RateWindow({ client, openedAt: new Date() }); // local only: nothing is sent
  try {
    return await window.hits.aincrease(1); // one script; KeyNotFound if missing
  } catch (e) {
    if (!(e instanceof KeyNotFound)) throw e;
  }
  return rapyer.alockFromKey(window.key, 'open', { leaseMs: 2000, waitMs: 2000 }, async (stored) => {
    if (stored) return stored.hits.aincrease(1); // another request opened it first
    await new RateWindow({ client, hits: 1, openedAt: new Date() }).asave(); // creates: sets the TTL
    return 1;
  });
}

/** Whether the hit numbered `count` in its window is accepted. */
export const accepted = (count) => count <= LIMIT;
