import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A mail the sink received: the envelope and the parsed message. */
export interface ReceivedMail {
  envelopeTo: string[];
  mail: ParsedMail;
  raw: string;
}

/**
 * A real SMTP server on loopback (smtp-server) that keeps what it receives, parsed by
 * mailparser. `failNext(n, code)` answers the next n messages with an SMTP error at DATA;
 * `stop()` and `start()` take it down and bring it back on the same port.
 */
export interface SmtpSink {
  url: string;
  received: ReceivedMail[];
  failNext(count: number, code: number, message?: string): void;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  let failures = 0;
  let failure = { code: 451, message: 'try again later' };
  let port = 0;
  let server: SMTPServer | undefined;

  function make(): SMTPServer {
    return new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      // stop() must not wait 30 s for the sender's pooled connection to leave
      closeTimeout: 50,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          if (failures > 0) {
            failures--;
            const err = Object.assign(new Error(failure.message), { responseCode: failure.code });
            callback(err);
            return;
          }
          const raw = Buffer.concat(chunks).toString('utf8');
          const envelopeTo = session.envelope.rcptTo.map((r) => r.address);
          simpleParser(raw).then(
            (mail) => {
              received.push({ envelopeTo, mail, raw });
              callback();
            },
            (err: Error) => callback(err),
          );
        });
      },
    });
  }

  async function start(): Promise<void> {
    server = make();
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(port, '127.0.0.1', () => resolve());
    });
    port = (server.server.address() as AddressInfo).port;
  }

  await start();
  return {
    get url() {
      return `smtp://127.0.0.1:${port}`;
    },
    received,
    failNext(count, code, message = 'try again later') {
      failures = count;
      failure = { code, message };
    },
    async stop() {
      const s = server;
      server = undefined;
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    start,
  };
}
