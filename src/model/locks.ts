/**
 * Locks taken from a key (rapyer.alockFromKey and Model.alockFromKey): the lease lock `action` of
 * the model stored at `key`, with that model freshly loaded, or null when the key holds no model
 * (as the reference does: the lock still guards the key, e.g. while the model is being created).
 * `saveAtEnd` saves a loaded model, fenced as model.alock does (README, Locks).
 */
import { withLock, type HeldLock, type LockOptions } from '../runtime/lock.js';
import { clientOf, coreOfModel, type AtomicRedisModel, type ModelStatic } from './base.js';
import { getMany } from './class-ops.js';

export function lockFromKey<M extends AtomicRedisModel, R>(
  cls: ModelStatic<M>,
  key: string,
  action: string,
  options: LockOptions,
  fn: (model: M | null, lock: HeldLock) => Promise<R> | R,
): Promise<R> {
  let model: M | null = null;
  return withLock(
    clientOf(cls),
    { main: key, action },
    options,
    async (lock) => {
      model = await getMany(cls, 'module.aget', [key], true).then((m) => m[0] ?? null);
      return fn(model, lock);
    },
    options.saveAtEnd ? () => (model ? coreOfModel(model).saveCall() : null) : undefined,
  );
}
