/**
 * The load: one autocannon run per route, all at once, each a fixed number of requests
 * (`amount`, split over its connections), so the load is bounded and ends by itself.
 */
import autocannon from 'autocannon';

const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];
const json = { 'content-type': 'application/json' };

/** The runs: name, route (as the service's stats name it), connections, requests, request maker. */
export function scenarios({ tokens, users, scale }) {
  const n = (full) => Math.max(10, Math.round(full * scale));
  const clients = Array.from({ length: Math.max(2, Math.round(n(1500) / 75)) }, (_, i) => `client-${i}`);
  return [
    {
      name: 'session read',
      route: 'GET /me',
      connections: 20,
      amount: n(2000),
      make: () => ({ method: 'GET', path: '/me', headers: { 'x-session': pick(tokens) } }),
    },
    {
      name: 'rate limited',
      route: 'GET /limited',
      connections: 10,
      amount: n(1500),
      make: () => ({ method: 'GET', path: '/limited', headers: { 'x-client': pick(clients) } }),
    },
    {
      name: 'add to cart',
      route: 'POST /carts/:user/items',
      connections: 10,
      amount: n(1200),
      make: () => ({
        method: 'POST',
        path: `/carts/${pick(users)}/items`,
        headers: json,
        body: JSON.stringify({ sku: `sku-${Math.floor(Math.random() * 20)}`, qty: 1 + Math.floor(Math.random() * 3) }),
      }),
    },
    {
      name: 'checkout',
      route: 'POST /carts/:user/checkout',
      connections: 10,
      amount: n(300),
      make: () => ({ method: 'POST', path: `/carts/${pick(users)}/checkout` }),
    },
    {
      name: 'enqueue job',
      route: 'POST /jobs',
      connections: 10,
      amount: n(1000),
      make: () => ({ method: 'POST', path: '/jobs', headers: json, body: JSON.stringify({ priority: Math.floor(Math.random() * 10) }) }),
    },
  ];
}

/** Runs every scenario at once; resolves to each one's autocannon result and every response time. */
export async function runLoad(url, list) {
  const times = [];
  const started = performance.now();
  const results = await Promise.all(
    list.map((s) => {
      const run = autocannon({
        url,
        connections: s.connections,
        amount: s.amount,
        timeout: 10,
        requests: [{ setupRequest: (req) => ({ ...req, ...s.make() }) }],
      });
      run.on('response', (_client, _status, _bytes, ms) => times.push(ms));
      return run;
    }),
  );
  return { results, times, seconds: (performance.now() - started) / 1000 };
}

/** The q-quantile (0..1) of a list of numbers. */
export function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN;
}
