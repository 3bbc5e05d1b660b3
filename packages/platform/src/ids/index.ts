import { getRandomValues } from 'node:crypto';
import { V7Generator } from 'uuidv7';

/**
 * Random 32-bit words for the generator, drawn 256 at a time: the library's default draws
 * eight per `getRandomValues` call, one call every few ids, and every id of a request
 * (its correlation id, the reservation's, its event's) went through that call.
 */
class PooledRandom {
  private readonly pool = new Uint32Array(256);
  private cursor = this.pool.length;

  nextUint32(): number {
    if (this.cursor === this.pool.length) {
      getRandomValues(this.pool);
      this.cursor = 0;
    }
    return this.pool[this.cursor++]!;
  }
}

const generator = new V7Generator(new PooledRandom());

/** A new time-ordered UUIDv7, the id format of every Mercato resource and event. */
export function newId(): string {
  return generator.generate().toString();
}
