import { SloppyError } from '../../lib/errors';

/** Asserts that `f` throws a SloppyError carrying `code`. */
export function expectCode(f: () => unknown, code: string): void {
  let caught: unknown;
  try {
    f();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(SloppyError);
  expect((caught as SloppyError).code).toBe(code);
}
