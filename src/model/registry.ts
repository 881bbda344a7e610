/** Model names → classes, for module-level operations that start from a key. */
import { DuplicateModelNameError, KeyNotFound, show } from '../errors.js';
import { parseMainKey } from '../keys.js';

export interface Registered {
  readonly modelName: string;
}

/** The registered classes by name. */
const models = new Map<string, Registered>();
/** Every defined model's name, registered or not: names stay unique either way. */
const names = new Set<string>();

/** Records a model's name (unique) and, unless `listed` is false, its class. */
export function register(name: string, cls: Registered, listed = true): void {
  if (names.has(name)) throw new DuplicateModelNameError(`a model named ${show(name)} is already defined`);
  names.add(name);
  if (listed) models.set(name, cls);
}

/** Every registered model class (the subclass, when one was bound), in definition order. */
export function registeredModels<T extends Registered>(): T[] {
  return [...models.values()] as T[];
}

/** The names of every defined model (the ACL test derives its key patterns from them). */
export function modelNames(): string[] {
  return [...names];
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
