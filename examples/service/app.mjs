/**
 * The HTTP routes (fastify 5). Each handler is a few library calls; the error handler maps the
 * library's typed errors to statuses. `stats` counts every answer by route and status, as the
 * service sent it: the demo compares it with what Redis holds afterwards.
 */
import Fastify from 'fastify';
import * as rapyer from '../../dist/esm/index.js';
import { KeyNotFound, LockLostError, LockTimeoutError, RapyerError } from '../../dist/esm/index.js';
import { Cart, Session } from './models.mjs';
import { accepted, hit } from './ratelimit.mjs';
import { enqueue } from './jobs.mjs';

const ID = /^[\w.-]{1,64}$/; // ids become keys: no braces (hash tags), no glob characters

function id(value, what) {
  if (typeof value !== 'string' || !ID.test(value)) throw Object.assign(new Error(`bad ${what}`), { statusCode: 400 });
  return value;
}

export function buildApp() {
  const app = Fastify({ logger: false });
  const stats = {};
  app.decorate('stats', stats);
  app.addHook('onSend', async (req, reply) => {
    const route = `${req.method} ${req.routeOptions.url ?? '?'}`;
    const byStatus = (stats[route] ??= {});
    byStatus[reply.statusCode] = (byStatus[reply.statusCode] ?? 0) + 1;
  });
  app.setErrorHandler((e, _req, reply) => {
    const status =
      e instanceof KeyNotFound
        ? 404
        : e instanceof LockTimeoutError
          ? 503
          : e instanceof LockLostError
            ? 409
            : e instanceof RapyerError
              ? 500
              : (e.statusCode ?? 500);
    if (status >= 500) console.error(e);
    reply.code(status).send({ error: e.code ?? 'ERROR', message: e.message });
  });

  // Log in: a session (sliding TTL) and, once per user, an empty cart (created under the cart's lock).
  app.post('/sessions', async (req, reply) => {
    const userId = id(req.body?.userId, 'userId');
    const session = await new Session({ userId }).asave();
    await rapyer.alockFromKey(new Cart({ owner: userId }).key, 'checkout', {}, async (cart) => {
      if (!cart) await new Cart({ owner: userId }).asave();
    });
    return reply.code(201).send({ token: session.pk });
  });

  // A read that refreshes the session (READ is in its mask), then one counted visit.
  app.get('/me', async (req) => {
    const session = await Session.aget(id(req.headers['x-session'], 'session'));
    return { userId: session.userId.value, visits: await session.visits.aincrease(1) };
  });

  // Rate-limited endpoint: 429 once the client's fixed window holds LIMIT hits.
  app.get('/limited', async (req, reply) => {
    const count = await hit(id(req.headers['x-client'], 'client'));
    return accepted(count) ? { count } : reply.code(429).send({ error: 'RATE_LIMITED', count });
  });

  // Add to cart: under the cart's checkout lock (a checkout's fenced save rewrites the whole
  // cart, so no add may run during one), the list, the dict and the counter change in one script.
  app.post('/carts/:user/items', async (req) => {
    const sku = id(req.body?.sku, 'sku');
    const qty = req.body?.qty;
    if (!Number.isSafeInteger(qty) || qty < 1) throw Object.assign(new Error('bad qty'), { statusCode: 400 });
    const cart = new Cart({ owner: id(req.params.user, 'user') });
    try {
      await cart.alock('checkout', { leaseMs: 5000, waitMs: 5000 }, (m) =>
        m.apipeline((p) => {
          p.items.append(sku);
          p.qty.setItem(sku, qty);
          p.adds.iadd(1);
        }),
      );
    } catch (e) {
      // The pipeline ran to its end (it was written); only the release found the lease gone.
      if (!(e instanceof LockLostError)) throw e;
    }
    return { added: sku };
  });

  // Checkout: the cart is loaded under its lock, emptied and counted locally, then saved by the
  // fenced `saveAtEnd` (nothing is written if the lease ran out: LockLostError, 409). The
  // shipping job is queued only once the save is done.
  app.post('/carts/:user/checkout', async (req, reply) => {
    const cart = new Cart({ owner: id(req.params.user, 'user') });
    const order = await cart.alock('checkout', { leaseMs: 5000, waitMs: 5000, saveAtEnd: true }, (m) => {
      if (m.items.length === 0) return null;
      const order = { count: m.items.length, qty: Object.fromEntries(m.qty) };
      m.items.clear();
      m.qty.clear();
      m.orders.iadd(1);
      return order;
    });
    if (order === null) return { order: null };
    return reply.code(201).send({ job: await enqueue('ship', { owner: cart.owner.value, ...order }, 0) });
  });

  // Queue an email job with the given priority (0 first).
  app.post('/jobs', async (req, reply) => {
    const priority = req.body?.priority ?? 5;
    if (!Number.isSafeInteger(priority)) throw Object.assign(new Error('bad priority'), { statusCode: 400 });
    return reply.code(201).send({ job: await enqueue('email', { to: req.body?.to ?? null }, priority) });
  });

  app.get('/stats', async () => stats);
  return app;
}
