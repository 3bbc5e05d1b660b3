import { uuidv7 } from 'uuidv7';

/** A new time-ordered UUIDv7, the id format of every Mercato resource and event. */
export function newId(): string {
  return uuidv7();
}
