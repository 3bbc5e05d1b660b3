import nodemailer from 'nodemailer';
import {
  DeliveryError,
  type ChannelProvider,
  type OutgoingMessage,
  type ProviderAnswer,
} from './provider.ts';

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
}

/**
 * Email over SMTP with nodemailer, on a pool of connections (kept open between messages).
 * A 4xx reply or a connection failure is transient; a 5xx reply is permanent.
 */
export function createSmtpEmailProvider(opts: {
  url: string;
  from: string;
  maxConnections?: number;
}): ChannelProvider {
  const transport = nodemailer.createTransport({
    url: opts.url,
    pool: true,
    maxConnections: opts.maxConnections ?? 5,
    maxMessages: Infinity,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  const domain = /@([^>\s]+)>?$/.exec(opts.from)?.[1] ?? 'mercato.local';

  return {
    channel: 'email',
    name: 'smtp',
    async send(m: OutgoingMessage): Promise<ProviderAnswer> {
      try {
        const info = await transport.sendMail({
          from: opts.from,
          to: m.to,
          subject: m.subject,
          html: m.html,
          text: m.text,
          headers: m.headers,
          ...(m.attachments?.length && {
            attachments: m.attachments.map((a) => ({
              filename: a.filename,
              contentType: a.contentType,
              content: Buffer.from(a.content),
            })),
          }),
          messageId: `<${m.id}@${domain}>`,
        });
        return { providerMessageId: info.messageId, response: String(info.response ?? '250') };
      } catch (err) {
        const e = err as SmtpError;
        const answer = e.response ?? `${e.code ?? 'ERROR'} ${e.message}`;
        const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600;
        throw new DeliveryError(answer.slice(0, 1000), permanent, err);
      }
    },
    async close() {
      transport.close();
    },
  };
}
