/** One Ajv instance; validators are compiled once per schema and cached. */
import { Ajv, type ValidateFunction } from 'ajv';

const ajv = new Ajv({ strict: true, allErrors: false });
const cache = new Map<string, ValidateFunction>();

export type JsonSchema = Record<string, unknown>;

export function compile(schema: JsonSchema): ValidateFunction {
  const id = JSON.stringify(schema);
  let fn = cache.get(id);
  if (!fn) {
    fn = ajv.compile(schema);
    cache.set(id, fn);
  }
  return fn;
}

/** The first error of a failed validation, as a short sentence. */
export function firstError(fn: ValidateFunction): string {
  const e = fn.errors?.[0];
  if (!e) return 'invalid';
  return `${e.instancePath ? `${e.instancePath} ` : ''}${e.message ?? 'invalid'}`;
}
