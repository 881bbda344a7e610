/**
 * How failures become typed errors (README, Errors): a script's unknown RAPYER_ code and a
 * rejection that is not an Error are RedisError naming the operation, with the original as
 * cause; the base class cannot be instantiated; a nested apipeline joins the outer one (README,
 * Pipelines), so nothing it queues is sent before the outer callback returns.
 */
import { expect } from 'chai';
import * as rapyer from '../src/index.js';
import { AtomicRedisModel, defineModel, field, fromScriptError, RedisError, UnsupportedArgumentError, ValidationError } from '../src/index.js';
import { testClient } from './helpers/hooks.js';

const Counter = defineModel('ErrMapCounter', { id: field.str({ key: true }), n: field.int({ default: 0 }) });

describe('error mapping and pipeline nesting', () => {
  it('a script error with an unknown RAPYER_ code is RedisError naming the operation and the code, with cause', () => {
    const reply = new Error('ERR user_script:1: RAPYER_NOT_A_CODE some detail script: abc');
    const e = fromScriptError(reply, 'X:{1} op');
    expect(e).to.be.instanceOf(RedisError);
    expect(e.message).to.equal('X:{1} op: unknown error code NOT_A_CODE (some detail script: abc)');
    expect(e.cause).to.equal(reply);
  });

  it('a known code keeps its class; a rejection that is not an Error is RedisError with its text', () => {
    const v = fromScriptError(new Error('RAPYER_VALIDATION bad value'), 'X:{1} op');
    expect(v).to.be.instanceOf(ValidationError);
    expect(v.message).to.include('X:{1} op').and.include('bad value');
    const s = fromScriptError('plain text', 'X:{1} op');
    expect(s).to.be.instanceOf(RedisError);
    expect(s.message).to.equal('X:{1} op: plain text');
    expect(s.cause).to.equal('plain text');
  });

  it('AtomicRedisModel itself cannot be instantiated: UnsupportedArgumentError', () => {
    expect(() => new AtomicRedisModel()).to.throw(UnsupportedArgumentError, /base class: make models with defineModel/);
  });

  it('a nested apipeline joins the outer one: nothing is sent until the outer callback returns', async () => {
    const a = await new Counter({ id: 'a' }).asave();
    const b = await new Counter({ id: 'b' }).asave();
    const c = testClient();
    await rapyer.apipeline(async () => {
      a.n.iadd(1);
      await rapyer.apipeline(async () => {
        b.n.iadd(2);
      });
      await b.apipeline(
        (m) => {
          m.n.iadd(3);
        },
        { load: false },
      );
      expect(await c.hget('ErrMapCounter:{b}', 'n'), 'the inner pipelines sent nothing').to.equal('0');
      expect(await c.hget('ErrMapCounter:{a}', 'n')).to.equal('0');
    });
    expect(await c.hget('ErrMapCounter:{a}', 'n')).to.equal('1');
    expect(await c.hget('ErrMapCounter:{b}', 'n')).to.equal('5');
    expect([a.n.value, b.n.value]).to.deep.equal([1, 5]);
  });

  it('a nested apipeline that throws throws out of the outer one, and nothing is sent', async () => {
    const a = await new Counter({ id: 'c' }).asave();
    const boom = new Error('inner');
    let caught: unknown = null;
    try {
      await rapyer.apipeline(async () => {
        a.n.iadd(1);
        await rapyer.apipeline(async () => {
          a.n.iadd(1);
          throw boom;
        });
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).to.equal(boom);
    expect(await testClient().hget('ErrMapCounter:{c}', 'n')).to.equal('0');
  });
});
