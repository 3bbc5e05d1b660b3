import { pino, type Logger, type DestinationStream } from 'pino';
import { currentContext, traceIdOf } from '../context/index.ts';
import { maskText, maskValue } from './mask.ts';

export type { Logger } from 'pino';
export { maskText, maskValue } from './mask.ts';

/** Options for a service logger. */
export interface LoggerOptions {
  service: string;
  level?: string;
  /** Where to write; stdout when absent (tests pass a capture stream). */
  destination?: DestinationStream;
}

/**
 * A pino JSON logger that stamps every line with service, correlationId and traceId
 * (from the request context) and masks emails, tokens, passwords and card numbers.
 */
export function createLogger(opts: LoggerOptions): Logger {
  const options = {
    level: opts.level ?? process.env.LOG_LEVEL ?? 'info',
    base: { service: opts.service },
    messageKey: 'msg',
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label: string) => ({ level: label }),
      log: (obj: Record<string, unknown>) => maskValue(obj) as Record<string, unknown>,
    },
    serializers: {
      err: (err: unknown) => {
        const s = pino.stdSerializers.err(err as Error);
        return { ...s, message: maskText(String(s.message ?? '')), stack: maskText(String(s.stack ?? '')) };
      },
    },
    hooks: {
      // Messages are masked too: `log.info('mail sent to a@b.c')` must not leak the address.
      logMethod(this: Logger, args: unknown[], method: (...a: unknown[]) => void) {
        method.apply(
          this,
          args.map((a) => (typeof a === 'string' ? maskText(a) : a)),
        );
      },
    },
    mixin() {
      const ctx = currentContext();
      if (!ctx) return {};
      const traceId = traceIdOf(ctx.traceparent);
      return traceId ? { correlationId: ctx.correlationId, traceId } : { correlationId: ctx.correlationId };
    },
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}
