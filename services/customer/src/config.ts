import { Type, type Static } from 'typebox';

/** The customer service's own settings (environment). */
export const CustomerConfigSchema = Type.Object({
  CUSTOMER_POINTS_PER_UNIT: Type.Number({
    minimum: 0,
    maximum: 1000,
    default: 1,
    description:
      "loyalty points per whole currency unit of a completed order's total, until the setting loyalty.points_per_unit says otherwise",
  }),
});
export type CustomerConfig = Static<typeof CustomerConfigSchema>;
