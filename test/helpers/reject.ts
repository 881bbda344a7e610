/** Asserts that a promise rejects with an error of a class (and a message matching a pattern). */
import { expect } from 'chai';

export async function expectReject(p: Promise<unknown>, cls: abstract new (...a: never[]) => Error, message?: RegExp): Promise<Error> {
  let error: unknown = null;
  try {
    await p;
  } catch (e) {
    error = e;
  }
  expect(error, `expected a ${cls.name}`).to.be.instanceOf(cls);
  if (message) expect((error as Error).message).to.match(message);
  return error as Error;
}
