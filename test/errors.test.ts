/**
 * Typed errors: the Lua scripts and ERROR_CODES agree; every error that reaches the caller is a
 * RapyerError with its `code` and the original error as `cause`, against a real Redis.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { Redis, ReplyError } from 'ioredis';
import {
  ConnectionLostError,
  CorruptedModelError,
  ERROR_CODES,
  KeyNotFound,
  RapyerError,
  RedisError,
  ValidationError,
  defineModel,
  field,
  fromScriptError,
  type ErrorCode,
} from '../src/index.js';
import { runScript } from '../src/runtime/scripts.js';
import { preloadNode } from '../src/runtime/connection.js';
import { libraryClient, testClient, testServer } from './helpers/hooks.js';
import { expectReject } from './helpers/reject.js';

const LUA_DIR = join(import.meta.dirname, '..', 'lua');

function luaFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? luaFiles(path) : name.endsWith('.lua') ? [path] : [];
  });
}

/** Every code a script raises: rapyer_fail('CODE', …), 'RAPYER_CODE …' in a string, and the codes numbers.lua returns. */
function luaCodes(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const patterns = [/rapyer_fail\(\s*'([A-Z_]+)'/g, /['"]RAPYER_([A-Z_]+)/g, /return nil, '([A-Z_]+)'/g];
  for (const file of luaFiles(LUA_DIR)) {
    const text = readFileSync(file, 'utf8');
    for (const re of patterns) {
      for (const m of text.matchAll(re)) found.set(m[1]!, [...(found.get(m[1]!) ?? []), file.slice(LUA_DIR.length + 1)]);
    }
  }
  return found;
}

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

/** A client that connected once and was then closed: its commands reject with "Connection is closed.". */
async function closedClient(): Promise<Redis> {
  const own = new Redis(testServer().url, { lazyConnect: true });
  await own.connect();
  own.disconnect();
  return own;
}

class ErrT extends defineModel('ErrT', {
  id: field.str({ key: true }),
  n: field.int({ default: 0 }),
  tags: field.list(field.str()),
}) {}

describe('errors', () => {
  describe('the code list', () => {
    it('every code a Lua script raises is a key of ERROR_CODES', () => {
      const codes = luaCodes();
      // the scanner itself works: these are raised today
      for (const c of ['KEY_NOT_FOUND', 'CORRUPTED', 'VALIDATION', 'KEY_ERROR', 'ZERO_DIVISION', 'OVERFLOW', 'UNSUPPORTED', 'REDIS']) {
        expect(codes.has(c), `scanner finds ${c}`).to.equal(true);
      }
      const unknown = [...codes].filter(([c]) => !Object.hasOwn(ERROR_CODES, c)).map(([c, files]) => `${c} (${files.join(', ')})`);
      expect(unknown, 'codes raised in lua/ that ERROR_CODES lacks').to.deep.equal([]);
    });

    it('each entry is its own RapyerError subclass whose code is its key, keeping cause', () => {
      const classes = new Set<unknown>();
      for (const [code, Cls] of Object.entries(ERROR_CODES)) {
        expect(classes.has(Cls), `${code}: a class of its own`).to.equal(false);
        classes.add(Cls);
        const cause = new Error('underneath');
        const e = new Cls('msg', { cause });
        expect(e, code).to.be.instanceOf(RapyerError);
        expect(e.code).to.equal(code);
        expect(e.cause).to.equal(cause);
        expect(e.name).to.equal(Cls.name);
        expect(new Cls('no cause').cause).to.equal(undefined);
      }
      const typed: ErrorCode = new KeyNotFound('x').code; // a literal union, not string
      expect(typed).to.equal('KEY_NOT_FOUND');
    });
  });

  describe('errors from Redis', () => {
    it("a script's RAPYER_<CODE> reply: its class, code, and the ReplyError as cause", async () => {
      const e = await expectReject(new ErrT({ id: 'gone' }).n.aincrease(1), KeyNotFound, /ErrT:\{gone\}/);
      expect((e as KeyNotFound).code).to.equal('KEY_NOT_FOUND');
      expect(e.cause).to.be.instanceOf(ReplyError);
      expect((e.cause as Error).message).to.match(/^RAPYER_KEY_NOT_FOUND ErrT:\{gone\}/);
    });

    it('WRONGTYPE on a collection key (list operation on a string) is CorruptedModelError naming the key', async () => {
      const m = await new ErrT({ id: 'w1' }).asave();
      await testClient().set('ErrT:{w1}:tags', 'not a list');
      const e = await caught(m.tags.aappend('x'));
      expect(e).to.be.instanceOf(CorruptedModelError);
      expect((e as CorruptedModelError).code).to.equal('CORRUPTED');
      expect((e as Error).message).to.include('ErrT:{w1}');
      expect((e as Error).cause).to.be.instanceOf(ReplyError);
      expect(((e as Error).cause as Error).message).to.match(/^WRONGTYPE/);
      expect(await testClient().get('ErrT:{w1}:tags')).to.equal('not a list');
    });

    it('WRONGTYPE on the main key: aincrease and aload are CorruptedModelError with cause', async () => {
      const m = await new ErrT({ id: 'w2' }).asave();
      await testClient().set('ErrT:{w2}', 'a string');
      for (const p of [m.n.aincrease(1), m.aload(), ErrT.aget('w2')]) {
        const e = await caught(p);
        expect(e).to.be.instanceOf(CorruptedModelError);
        expect((e as Error).message).to.include('ErrT:{w2}');
        expect((e as Error).cause).to.be.instanceOf(ReplyError);
      }
    });

    it('WRONGTYPE inside a pipeline batch is CorruptedModelError too, and rolls back', async () => {
      const m = await new ErrT({ id: 'w3', tags: [] }).asave();
      await testClient().set('ErrT:{w3}:tags', 'not a list');
      const e = await caught(
        m.apipeline(async (q) => {
          q.n.iadd(1);
          q.tags.append('x');
        }),
      );
      expect(e).to.be.instanceOf(CorruptedModelError);
      expect((e as Error).message).to.match(/ErrT:\{w3\}/);
      expect((e as Error).cause).to.be.instanceOf(ReplyError);
      expect(await testClient().hget('ErrT:{w3}', 'n')).to.equal('0');
    });

    it('any other Redis error reply is RedisError with the ReplyError as cause', async () => {
      await new ErrT({ id: 'r1' }).asave();
      const e = await caught(
        runScript(libraryClient(), {
          script: 'int/op',
          keys: ['ErrT:{r1}'],
          args: ['not a number', 'x', 'y'],
          label: 'ErrT:{r1} test',
        }),
      );
      expect(e).to.be.instanceOf(RedisError);
      expect((e as RedisError).code).to.equal('REDIS');
      expect((e as Error).message).to.match(/^ErrT:\{r1\} test: /);
      expect((e as Error).cause).to.be.instanceOf(ReplyError);
    });
  });

  describe('errors from ioredis', () => {
    it('SCAN on a closed connection (afindKeys) is ConnectionLostError with cause', async () => {
      const own = await closedClient();
      const before = ErrT.Meta.redis;
      try {
        ErrT.Meta.redis = own;
        const e = await caught(ErrT.afindKeys());
        expect(e).to.be.instanceOf(ConnectionLostError);
        expect((e as RapyerError).message).to.match(/ErrT SCAN/);
        expect((e as Error).cause).to.be.instanceOf(Error);
        expect((e as Error).cause).not.to.be.instanceOf(RapyerError);
      } finally {
        ErrT.Meta.redis = before;
        own.disconnect();
      }
    });

    it('the preload (INFO, SCRIPT LOAD) on a closed connection is a RapyerError with cause', async () => {
      const own = await closedClient();
      try {
        const e = await caught(preloadNode(own));
        expect(e).to.be.instanceOf(ConnectionLostError);
        expect((e as Error).message).to.match(/^init/);
        expect((e as Error).cause).to.be.instanceOf(Error);
      } finally {
        own.disconnect();
      }
    });

    it('a bare "Connection is closed." rejection gets the operation and stays ConnectionLostError', async () => {
      const bare = new ConnectionLostError('Connection is closed.');
      const e = fromScriptError(bare, 'ErrT:{c1} RedisInt.aincrease');
      expect(e).to.be.instanceOf(ConnectionLostError);
      expect(e.message).to.match(/^ErrT:\{c1\} RedisInt\.aincrease: Connection is closed\./);
      expect(e.cause).to.equal(bare);
      const typed = new ValidationError('already typed');
      expect(fromScriptError(typed, 'x')).to.equal(typed);
    });
  });
});
