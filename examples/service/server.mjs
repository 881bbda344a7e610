/**
 * The service's entry point: `REDIS_URL=redis://127.0.0.1:6380 PORT=3000 node server.mjs`.
 * `init` connects and preloads every script before the port opens; SIGTERM closes the HTTP
 * server (in-flight requests finish), stops the workers (each finishes its job), then closes the
 * Redis connection: nothing is left running and the process exits by itself.
 * It prints one JSON line when listening and one, with the answer counts, when stopped.
 */
import * as rapyer from '../../dist/esm/index.js';
import { MODELS } from './models.mjs';
import { openBoard, startWorkers } from './jobs.mjs';
import { buildApp } from './app.mjs';

const redis = process.env.REDIS_URL;
if (!redis) throw new Error('set REDIS_URL (redis://host:port)');

await rapyer.init({ redis, models: MODELS, connectTimeoutMs: 5000 }); // the library opens and owns this connection
await openBoard();
const workers = startWorkers(Number(process.env.WORKERS ?? 4));
const app = buildApp();
const url = await app.listen({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 0) });
console.log(JSON.stringify({ event: 'listening', url }));

process.once('SIGTERM', async () => {
  try {
    await app.close();
    await workers.stop();
  } finally {
    await rapyer.teardown(); // closes the connection init opened from the URL
  }
  console.log(JSON.stringify({ event: 'stopped', stats: app.stats }));
});
