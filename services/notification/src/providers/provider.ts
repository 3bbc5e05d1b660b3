import type { MailAttachment } from '../attachments/attachment.ts';
import type { Channel } from '../db.ts';

/** A rendered message as a provider is handed it. */
export interface OutgoingMessage {
  /** The message id: also the email's Message-ID, so a receiver can drop a repeat. */
  id: string;
  channel: Channel;
  to: string;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
  /** Files (email only; the invoice PDF of an order confirmation). */
  attachments?: readonly MailAttachment[];
}

/** What a provider answered when it accepted a message. */
export interface ProviderAnswer {
  providerMessageId?: string;
  /** The provider's answer as text (an SMTP reply line, an HTTP status and body), for the delivery log. */
  response: string;
}

/**
 * A provider refused or could not be reached. `permanent`: retrying cannot help (an SMTP
 * 5xx, an HTTP 4xx other than 408/429); otherwise the message is retried with back-off.
 */
export class DeliveryError extends Error {
  readonly permanent: boolean;
  readonly response: string;
  constructor(response: string, permanent: boolean, cause?: unknown) {
    super(response, { cause });
    this.name = 'DeliveryError';
    this.permanent = permanent;
    this.response = response;
  }
}

/** One way out for one channel: SMTP, an HTTP webhook, or the development mailbox. */
export interface ChannelProvider {
  readonly channel: Channel;
  /** smtp, webhook, dev-mailbox… (logged with each attempt). */
  readonly name: string;
  /** Resolves when the provider accepted the message; rejects with DeliveryError otherwise. */
  send(message: OutgoingMessage): Promise<ProviderAnswer>;
  close?(): Promise<void>;
}

/** The providers of each channel. */
export type Providers = Record<Channel, ChannelProvider>;
