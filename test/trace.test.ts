/**
 * Tracing: every operation sent is published on the `rapyer-ts:operation` tracing channel of
 * node:diagnostics_channel (start, end, asyncStart, asyncEnd, error), and nothing when nobody
 * subscribes.
 */
import { tracingChannel } from 'node:diagnostics_channel';
import { expect } from 'chai';
import * as rapyer from '../src/index.js';
import { KeyNotFound, defineModel, field, operationChannel, type OperationTrace } from '../src/index.js';
import { traced } from '../src/ops/trace.js';
import { expectReject } from './helpers/reject.js';

class Traced extends defineModel('TraceModel', { id: field.str({ key: true }), n: field.int({ default: 0 }) }) {}

/** Subscribes to every event of the channel while fn runs; returns what was published. */
async function record(fn: () => Promise<unknown>): Promise<{ event: string; ctx: OperationTrace }[]> {
  const seen: { event: string; ctx: OperationTrace }[] = [];
  const on = (event: string) => (ctx: unknown) => {
    seen.push({ event, ctx: ctx as OperationTrace });
  };
  const handlers = { start: on('start'), end: on('end'), asyncStart: on('asyncStart'), asyncEnd: on('asyncEnd'), error: on('error') };
  const channel = tracingChannel('rapyer-ts:operation');
  channel.subscribe(handlers);
  try {
    await fn();
  } finally {
    channel.unsubscribe(handlers);
  }
  return seen;
}

describe('tracing on diagnostics_channel', () => {
  it('publishes start, end and asyncEnd of an operation with its name, script, key and duration', async () => {
    const m = await new Traced({ id: 't1' }).asave();
    const seen = await record(() => m.n.aincrease(2));
    expect(seen.map((s) => s.event)).to.deep.equal(['start', 'end', 'asyncStart', 'asyncEnd']);
    const ctx = seen[0]!.ctx;
    expect(seen.every((s) => s.ctx === ctx)).to.equal(true);
    expect(ctx).to.include({
      operation: 'RedisInt.aincrease',
      script: 'int/incr',
      key: 'TraceModel:{t1}',
      label: 'TraceModel:{t1} RedisInt.aincrease',
      calls: 1,
    });
    expect(ctx.durationMs).to.be.a('number').and.at.least(0);
    expect(ctx.result).to.equal(2); // the decoded result
  });

  it('publishes error with the typed error of a failed operation', async () => {
    const ghost = new Traced({ id: 'ghost' });
    const seen = await record(() => expectReject(ghost.n.aincrease(1), KeyNotFound));
    const err = seen.find((s) => s.event === 'error');
    expect(err?.ctx.error).to.be.instanceOf(KeyNotFound);
    expect(err?.ctx.durationMs).to.be.a('number');
  });

  it('traces a bulk operation once, with its number of calls; queued calls are not sent, so not traced', async () => {
    const seen = await record(async () => {
      await Traced.ainsert(new Traced({ id: 'a' }), new Traced({ id: 'b' }), new Traced({ id: 'c' }));
      await rapyer.apipeline(async () => {
        await Traced.ainsert(new Traced({ id: 'd' }));
      });
    });
    const starts = seen.filter((s) => s.event === 'start').map((s) => s.ctx);
    expect(starts[0]).to.include({ operation: 'AtomicRedisModel.ainsert', script: 'model/save', calls: 3 });
    expect(starts.filter((c) => c.operation === 'AtomicRedisModel.ainsert')).to.have.length(1);
  });

  it('is off when nobody subscribes', async () => {
    expect(traced()).to.equal(false);
    const seen: unknown[] = [];
    const handler = (ctx: unknown) => {
      seen.push(ctx);
    };
    operationChannel.start.subscribe(handler);
    try {
      expect(traced()).to.equal(true);
      await new Traced({ id: 'heard' }).asave();
    } finally {
      operationChannel.start.unsubscribe(handler);
    }
    expect(traced()).to.equal(false);
    await new Traced({ id: 'quiet' }).asave();
    expect(seen).to.have.length(1); // the asave made while subscribed, not the one after
  });
});
