/**
 * Where the gateway counts requests per caller: in memory (embedded mode, one gateway) or
 * in Redis (distributed mode: every gateway instance shares the counters, so a limit is
 * global rather than per instance).
 *
 * Both adapters count a fixed window that starts at a caller's first request: the first
 * hit creates the counter with the window as its lifetime, later hits increment it, and
 * it disappears when the window ends. Cheap (one counter per caller) and exact within a
 * window; a caller can send up to twice the limit across a window boundary, which is the
 * known trade-off against a sliding window.
 */
export interface RateLimitStore {
  readonly kind: 'memory' | 'redis';
  /**
   * Counts one request (or `requests` of them) for key in a window of windowMs. Resolves
   * with the count including them and the milliseconds until the window ends. Rejects
   * when the store is unreachable (the limiter then lets the request through: fail open).
   */
  hit(key: string, windowMs: number, requests?: number): Promise<RateLimitHit>;
  /** Throws when the store is unreachable. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** One counted request. */
export interface RateLimitHit {
  count: number;
  resetMs: number;
}
