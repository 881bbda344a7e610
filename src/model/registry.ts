/** Model names → classes, for module-level operations that start from a key. */
import { DuplicateModelNameError, KeyNotFound, show } from '../errors.js';
import { parseMainKey } from '../keys.js';

export interface Registered {
  readonly modelName: string;
}

const models = new Map<string, Registered>();

export function register(name: string, cls: Registered): void {
  if (models.has(name)) throw new DuplicateModelNameError(`a model named ${show(name)} is already defined`);
  models.set(name, cls);
}

/** The names of every defined model (the ACL test derives its key patterns from them). */
export function modelNames(): string[] {
  return [...models.keys()];
}

/** Records a subclass (class Session extends defineModel(...)) as the class to build for its name. */
export function preferSubclass(cls: Registered & { prototype: object }): void {
  const cur = models.get(cls.modelName) as (Registered & { prototype: object }) | undefined;
  if (cur && cur !== cls && cls.prototype instanceof (cur as unknown as new () => object)) models.set(cls.modelName, cls);
}

export function classForKey<T extends Registered>(key: string): { cls: T; pk: string } {
  const parsed = parseMainKey(key);
  const cls = parsed ? models.get(parsed.model) : undefined;
  if (!parsed || !cls) throw new KeyNotFound(`${show(key)} is not the key of a defined model`);
  return { cls: cls as T, pk: parsed.pk };
}
