import { Type, type Static } from 'typebox';

const Sku = Type.String({ minLength: 1, maxLength: 100, pattern: '^\\S+$', examples: ['TSHIRT-RED-M'] });

export const StockAlertBody = Type.Object({ sku: Sku }, { additionalProperties: false });
export type StockAlertInput = Static<typeof StockAlertBody>;
export const StockAlertParams = Type.Object({ sku: Sku });

/** A customer's request to hear when a SKU is back in stock. */
export const StockAlertSchema = Type.Object({
  sku: Type.String(),
  email: Type.String({ description: 'where the email goes (the account’s address)' }),
  createdAt: Type.String({ format: 'date-time' }),
  notifiedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'when the back-in-stock email was queued; null while waiting',
  }),
});
export type StockAlert = Static<typeof StockAlertSchema>;
