/**
 * Metrics and tracing without a dependency: every operation the library sends is published on
 * Node's `diagnostics_channel` as the tracing channel `rapyer-ts:operation` (start, end,
 * asyncStart, asyncEnd, error), as undici and fastify do. Nothing is built when nobody
 * subscribes: the road checks `hasSubscribers` first. docs/observability.md shows how to feed
 * it to OpenTelemetry or Prometheus.
 */
import { tracingChannel } from 'node:diagnostics_channel';

/** What a subscriber receives for one operation (the same object at start, end and error). */
export interface OperationTrace {
  /** The method, e.g. `RedisInt.aincrease`, or `pipeline` for a pipeline's batch. */
  readonly operation: string;
  /** The Lua script it runs, e.g. `int/incr`. */
  readonly script: string;
  /** The main key of the (first) model, e.g. `Session:{u1}`. */
  readonly key: string;
  /** The operation as error messages name it, e.g. `Session:{u1} RedisInt.aincrease`. */
  readonly label: string;
  /** How many script calls it sends: 1, or the size of a bulk operation or a pipeline batch. */
  readonly calls: number;
  /** Milliseconds from start to settle, set before asyncEnd or error is published. */
  durationMs?: number;
  /** Set by the channel when the operation fails. */
  error?: unknown;
  /** Set by the channel when the operation succeeds. */
  result?: unknown;
}

/** The tracing channel of every operation: `diagnostics_channel.tracingChannel('rapyer-ts:operation')`. */
export const operationChannel = tracingChannel<unknown, OperationTrace>('rapyer-ts:operation');

const { start, end, asyncStart, asyncEnd, error } = operationChannel;

/** Whether anyone listens (one boolean read per channel when nobody does). */
export function traced(): boolean {
  return start.hasSubscribers || end.hasSubscribers || asyncStart.hasSubscribers || asyncEnd.hasSubscribers || error.hasSubscribers;
}

/** Runs `run` as one traced operation: start/end around the call, asyncEnd or error when it settles. */
export function trace<T>(context: OperationTrace, run: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  return operationChannel.tracePromise(
    () =>
      run().then(
        (value) => {
          context.durationMs = performance.now() - t0;
          return value;
        },
        (e: unknown) => {
          context.durationMs = performance.now() - t0;
          throw e;
        },
      ),
    context,
  );
}
