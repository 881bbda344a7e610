/**
 * The MONITOR helper the command-count tests rely on (test/helpers/monitor.ts, countCommands in
 * test/helpers/server.ts): it parses what Redis prints, counts exactly what a client sent
 * between its markers, and leaves no connection behind, whatever `fn` does.
 */
import { expect } from 'chai';
import { Cluster } from 'ioredis';
import { countCommands } from './helpers/server.js';
import { parseMonitorLine } from './helpers/monitor.js';
import { testMasters, testServer, testClient } from './helpers/hooks.js';

/** Connections open on every master, per CLIENT LIST. */
async function connections(): Promise<number> {
  const lists = await Promise.all(
    (await testMasters()).map(
      async (m) =>
        String(await m.client('LIST'))
          .trim()
          .split('\n').length,
    ),
  );
  return lists.reduce((a, b) => a + b, 0);
}

describe('countCommands (MONITOR on raw sockets, bounded by markers)', () => {
  it('parses MONITOR lines: escaped quotes, backslashes, control and non-ASCII bytes, lua source', () => {
    expect(parseMonitorLine('1700000000.123456 [0 127.0.0.1:5000] "SET" "a\\"b" "c\\\\d" "x y"')).to.deep.equal({
      time: '1700000000.123456',
      db: '0',
      source: '127.0.0.1:5000',
      args: ['SET', 'a"b', 'c\\d', 'x y'],
    });
    expect(parseMonitorLine('1.5 [3 lua] "hget" "k" "\\r\\n\\t" "\\xc3\\xa9" ""').args).to.deep.equal(['hget', 'k', '\r\n\t', 'é', '']);
    expect(parseMonitorLine('1.5 [3 lua] "hget"').source).to.equal('lua');
    expect(() => parseMonitorLine('-ERR nope')).to.throw(/not a MONITOR line/);
  });

  it('counts exactly the commands fn awaited, none from scripts, 30 times in a row (no sleeps)', async () => {
    const c = testClient();
    for (let i = 0; i < 30; i += 1) {
      const { count, commands } = await countCommands(testServer().url, async () => {
        await c.set(`mon:{a}:${i}`, 'x "quoted" \\ \r\n');
        await c.eval("return redis.call('GET', KEYS[1])", 1, `mon:{a}:${i}`);
        await c.del(`mon:{a}:${i}`);
      });
      expect({ count, commands }, `round ${i}`).to.deep.equal({ count: 3, commands: ['set', 'eval', 'del'] });
    }
  });

  it('sees the commands of every master of a Cluster', async () => {
    const c = testClient();
    const keys = Array.from({ length: 12 }, (_v, i) => `mon:${i}`); // slots spread over the masters
    const { commands } = await countCommands(testServer().url, async () => {
      await Promise.all(keys.map((k) => c.set(k, '1')));
    });
    expect(commands).to.deep.equal(keys.map(() => 'set'));
    if (c instanceof Cluster) expect(await testMasters()).to.have.length(3);
  });

  it('closes its connections, and passes on the error, when fn rejects', async () => {
    const before = await connections();
    const err = await countCommands(testServer().url, async () => {
      throw new Error('fn failed');
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect((err as Error).message).to.equal('fn failed');
    // Redis drops a closed connection from CLIENT LIST once it has read the close: ask again
    // (round trips, no sleep) until it has.
    const end = Date.now() + 5000;
    while ((await connections()) > before && Date.now() < end) {
      /* ask again */
    }
    expect(await connections()).to.be.at.most(before);
  });
});
