/**
 * The service's models. Each one's TTL and refreshTtl mask is chosen for what it stores
 * (README, "TTL rules"): who extends the TTL is part of the model, decided inside Redis by the
 * same script as the write.
 */
import { ActionGroup, defineModel, field } from '../../dist/esm/index.js';

const { READ, UPDATE } = ActionGroup;

/** A login. Sliding TTL: every read (aget) and every write keeps an active session alive. */
export class Session extends defineModel(
  'Session',
  {
    userId: field.str(),
    visits: field.int({ default: 0 }),
  },
  { ttl: 600, refreshTtl: READ | UPDATE },
) {}

/** The length of a rate-limit window, in seconds (also the window's TTL). */
export const WINDOW_S = 60;

/**
 * One client's fixed rate-limit window. `refreshTtl: false`: nothing extends it, neither reads
 * nor `aincrease` (UPDATE|ARITHMETIC); the script that creates it sets the TTL (rule 2), so the
 * window ends WINDOW_S after it opened, however busy the client is.
 */
export class RateWindow extends defineModel(
  'RateWindow',
  {
    client: field.str({ key: true }),
    hits: field.int({ default: 0 }),
    openedAt: field.datetime(),
  },
  { ttl: WINDOW_S, refreshTtl: false },
) {}

/** A user's cart: SKUs in the order added (list), quantity per SKU (dict), adds and orders counted. */
export class Cart extends defineModel(
  'Cart',
  {
    owner: field.str({ key: true }),
    items: field.list(field.str()),
    qty: field.dict(field.int()),
    adds: field.int({ default: 0 }),
    orders: field.int({ default: 0 }),
  },
  { ttl: 3600, refreshTtl: UPDATE },
) {}

/** A unit of work; `runs` counts how many times a worker ran it (exactly once is the goal). */
export class Job extends defineModel(
  'Job',
  {
    kind: field.enum(['email', 'ship']),
    payload: field.json({ optional: true }),
    runs: field.int({ default: 0 }),
    worker: field.str({ optional: true }),
  },
  { ttl: 3600, refreshTtl: UPDATE },
) {}

/** The job queue: job ids by priority (lowest first). No TTL: it lives as long as the service. */
export class JobBoard extends defineModel(
  'JobBoard',
  {
    name: field.str({ key: true }),
    queue: field.priorityQueue(field.str()),
  },
  { ttl: null },
) {}

export const MODELS = [Session, RateWindow, Cart, Job, JobBoard];
