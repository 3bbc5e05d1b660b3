import type { settingsApi } from '@mercato/contracts';
import type { Logger } from '../logging/index.ts';
import type { TypedClient } from './typed-client.ts';

/** Options of {@link createSettingsReader}. */
export interface SettingsReaderOptions<T> {
  /** The settings service's typed client (`ctx.clients.settings`). */
  settings: TypedClient<typeof settingsApi>;
  /** The setting keys read together. */
  keys: readonly string[];
  /** Turns the raw values by key (null: not set) into what the service uses, defaults applied. */
  parse(values: Readonly<Record<string, unknown>>): T;
  /** How long a read is reused in this process. */
  ttlMs: number;
  now: () => number;
  logger: Logger;
  /**
   * When settings cannot be asked, answer the last values read (and log it) instead of
   * rejecting; before the first successful read it rejects all the same.
   */
  keepLastGood?: boolean;
}

/** A few settings a service reads, memoized per process. */
export interface SettingsReader<T> {
  get(): Promise<T>;
}

/**
 * Reads some settings through settings' API, reused for `ttlMs` (one load at a time per
 * process). A missing setting (404) reads as null; another problem is logged and reads as null;
 * settings unreachable rejects with the client's DEPENDENCY_UNAVAILABLE unless `keepLastGood`.
 */
export function createSettingsReader<T>(opts: SettingsReaderOptions<T>): SettingsReader<T> {
  // Process-local on purpose: a few small values, and every replica reading them itself keeps a
  // settings change visible within ttlMs without a shared invalidation.
  let memo: { at: number; value: Promise<T> } | undefined;
  let lastGood: { value: T } | undefined;
  async function read(key: string): Promise<unknown> {
    const res = await opts.settings.getSetting({ params: { key } });
    if (res.ok) return res.body.value;
    if (res.status !== 404) opts.logger.warn({ key, status: res.status }, 'settings answered a problem');
    return null;
  }
  async function load(): Promise<T> {
    const values = await Promise.all(opts.keys.map(read));
    const value = opts.parse(Object.fromEntries(opts.keys.map((k, i) => [k, values[i]])));
    lastGood = { value };
    return value;
  }
  async function loadOrLast(): Promise<T> {
    try {
      return await load();
    } catch (err) {
      if (!opts.keepLastGood || !lastGood) throw err;
      opts.logger.warn({ err }, 'settings unavailable; using the values last read');
      return lastGood.value;
    }
  }
  return {
    get() {
      const now = opts.now();
      if (memo && now - memo.at < opts.ttlMs) return memo.value;
      const value = loadOrLast();
      memo = { at: now, value };
      // A failed load is not kept: the next read asks again.
      value.catch(() => {
        if (memo?.value === value) memo = undefined;
      });
      return value;
    },
  };
}
