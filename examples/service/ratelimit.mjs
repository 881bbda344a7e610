/**
 * A per-client fixed-window rate limiter on RateWindow (see models.mjs): one `aincrease` per
 * request, which never extends the window (refreshTtl: false).
 *
 * `aincrease(1, { upsert: true })` is one script: it increments the stored window, or, when the
 * window is missing (never opened, or expired), stores this instance's values (the TTL set as on
 * creation) and increments that. Of concurrent first hits none is lost: no lock is needed.
 */
import { RateWindow } from './models.mjs';

/** Requests a client may make per window. */
export const LIMIT = 40;

/** Counts one hit for `client`; resolves to the window's count including it. */
export function hit(client) {
  return new RateWindow({ client, openedAt: new Date() }).hits.aincrease(1, { upsert: true });
}

/** Whether the hit numbered `count` in its window is accepted. */
export const accepted = (count) => count <= LIMIT;
