// What `fn` throws, asserted to be an instance of `type` (a test fails when nothing is thrown).
import { expect } from "vitest";

export function thrown<T extends Error>(fn: () => unknown, type: abstract new (...args: never[]) => T): T {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(type);
    return err as T;
  }
  throw new Error(`expected a ${type.name}, nothing was thrown`);
}
