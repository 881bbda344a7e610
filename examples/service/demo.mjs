/**
 * `npm run demo [-- --short]`: an embedded Redis (redis-memory-server running the system
 * redis-server, on a free loopback port), the service in a child process on a free loopback
 * port, a bounded autocannon load, the job queue drained, SIGTERM (the service must exit by
 * itself), then the correctness check against Redis. Exits 1 if the check fails, 2 if a step
 * overran its bound. Everything it starts is stopped in `finally`.
 * `--tamper` breaks Redis behind the service's back before the check (one job counted as run
 * twice, one session's TTL removed), to show the check failing.
 */
import { spawn, execFileSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { RedisMemoryServer } from 'redis-memory-server';
import { scenarios, runLoad, quantile } from './load.mjs';
import { check } from './check.mjs';

const short = process.argv.includes('--short');
const tamper = process.argv.includes('--tamper');
const scale = short ? 0.1 : 1;
const USERS = short ? 10 : 50;
// A last resort, not the plan: every step below has its own bound.
setTimeout(() => {
  console.error('demo: overran 120 s, giving up');
  process.exit(2);
}, 120_000).unref();

/** Resolves to `p`, or rejects once `ms` passed (the timer never keeps the process alive). */
function bounded(p, ms, what) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: over ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** Starts server.mjs; resolves once it listens, with its URL and a way to read its next events. */
async function startService(redisUrl) {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./server.mjs', import.meta.url))], {
    env: { ...process.env, REDIS_URL: redisUrl, HOST: '127.0.0.1', PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const events = [];
  const waiters = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      events.push(JSON.parse(line));
    } catch {
      console.log(`service: ${line}`);
    }
    for (const w of waiters.splice(0)) w();
  });
  const event = (name) =>
    new Promise((resolve) => {
      const look = () => {
        const e = events.find((x) => x.event === name);
        e ? resolve(e) : waiters.push(look);
      };
      look();
    });
  const exited = once(child, 'exit');
  const { url } = await bounded(
    Promise.race([
      event('listening'),
      exited.then(() => {
        throw new Error('service exited');
      }),
    ]),
    15_000,
    'service start',
  );
  return { child, url, event, exited };
}

async function post(url, body) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status !== 201) throw new Error(`${url}: ${res.status}`);
  return res.json();
}

/** What --tamper does: a job run twice and a session without a TTL, both written directly. */
async function breakRedis(redisUrl) {
  const redis = new Redis(redisUrl, { retryStrategy: () => null });
  try {
    const [, jobs] = await redis.scan('0', 'MATCH', 'Job:{*}', 'COUNT', 10_000);
    const [, sessions] = await redis.scan('0', 'MATCH', 'Session:{*}', 'COUNT', 10_000);
    await redis.hincrby(jobs[0], 'runs', 1);
    await redis.persist(sessions[0]);
  } finally {
    redis.disconnect();
  }
}

/** Waits until the job queue is empty (the workers took every job). */
async function drained(redisUrl) {
  const redis = new Redis(redisUrl, { retryStrategy: () => null });
  try {
    while ((await redis.zcard('JobBoard:{main}:queue')) > 0) await new Promise((r) => setTimeout(r, 50));
  } finally {
    redis.disconnect();
  }
}

function report(load, list, stats) {
  const total = load.results.reduce((a, r) => a + r.requests.total, 0);
  console.log(`\n${total} requests over ${list.reduce((a, s) => a + s.connections, 0)} connections in ${load.seconds.toFixed(1)} s`);
  console.log(
    `throughput ${Math.round(total / load.seconds)} requests/s, latency p50 ${quantile(load.times, 0.5).toFixed(1)} ms, p99 ${quantile(load.times, 0.99).toFixed(1)} ms`,
  );
  for (const [i, s] of list.entries()) {
    const r = load.results[i];
    const answers = Object.entries(stats[s.route] ?? {})
      .map(([code, n]) => `${code}×${n}`)
      .join(' ');
    console.log(
      `  ${s.name.padEnd(13)} ${String(r.requests.total).padStart(5)} req  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms  errors ${r.errors}  answers ${answers}`,
    );
  }
}

const redisServer = await RedisMemoryServer.create({
  binary: { systemBinary: execFileSync('which', ['redis-server'], { encoding: 'utf8' }).trim() },
  instance: { args: ['--save', '', '--appendonly', 'no'] },
});
let service = null;
let ok = false;
try {
  const redisUrl = `redis://${await redisServer.getHost()}:${await redisServer.getPort()}`;
  service = await startService(redisUrl);
  console.log(`redis ${redisUrl}, service ${service.url}${short ? ' (short run)' : ''}`);
  const users = Array.from({ length: USERS }, (_, i) => `user-${i}`);
  const tokens = [];
  for (const userId of users) tokens.push((await post(`${service.url}/sessions`, { userId })).token);

  const list = scenarios({ tokens, users, scale });
  const load = await bounded(runLoad(service.url, list), 90_000, 'load');
  await bounded(drained(redisUrl), 20_000, 'draining the job queue');
  service.child.kill('SIGTERM');
  const [{ stats }, [code]] = await bounded(Promise.all([service.event('stopped'), service.exited]), 15_000, 'service exit after SIGTERM');
  service = null;
  report(load, list, stats);

  if (tamper) await breakRedis(redisUrl);
  const result = await check(redisUrl, stats);
  console.log(`\ncheck against Redis (service exited with ${code}):`);
  for (const l of result.lines) console.log(`  ${l.ok ? 'ok  ' : 'FAIL'} ${l.text}`);
  ok = result.ok && code === 0;
  console.log(ok ? '\nCHECK PASSED' : '\nCHECK FAILED');
} finally {
  if (service) service.child.kill('SIGKILL');
  await redisServer.stop();
}
process.exitCode = ok ? 0 : 1;
