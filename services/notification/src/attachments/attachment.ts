import { Type, type Static } from 'typebox';

/**
 * A file a message carries, by reference: fetched when the message is sent (each attempt),
 * so the delivery log stays small and a retry gets the document as it is then.
 */
export const AttachmentRefSchema = Type.Object({
  kind: Type.Literal('order_invoice', { description: "the order's invoice PDF, from order" }),
  orderId: Type.String({ format: 'uuid' }),
  filename: Type.String({ minLength: 1, maxLength: 200 }),
});
export type AttachmentRef = Static<typeof AttachmentRefSchema>;

/** A file as a provider is handed it. */
export interface MailAttachment {
  filename: string;
  contentType: string;
  content: Uint8Array;
}

/** What the development mailbox keeps of a file: not the bytes. */
export const KeptAttachmentSchema = Type.Object({
  filename: Type.String(),
  contentType: Type.String(),
  size: Type.Integer({ minimum: 0, description: 'bytes' }),
});
export type KeptAttachment = Static<typeof KeptAttachmentSchema>;
