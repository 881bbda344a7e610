/**
 * Mocha root hooks: one Redis server for the whole run (started here, stopped here), a client
 * bound with init(), and a clean database before each test.
 */
import { Redis } from 'ioredis';
import { init, teardown } from '../../src/index.js';
import { startServer, type TestServer } from './server.js';

let server: TestServer | null = null;
let client: Redis | null = null;

export function testServer(): TestServer {
  if (!server) throw new Error('the test server is not started');
  return server;
}

export function testClient(): Redis {
  if (!client) throw new Error('the test client is not connected');
  return client;
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(30000);
    server = await startServer();
    client = new Redis(server.url);
    await init({ redis: client });
  },
  async beforeEach() {
    await client!.flushall();
  },
  async afterAll() {
    await teardown();
    client?.disconnect();
    await server?.stop();
  },
};
