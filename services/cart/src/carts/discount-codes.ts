import type { ExpectedVersion } from '@mercato/platform/http';
import { CartErrors } from '../errors.ts';
import { evaluateDiscounts, type CartClients } from '../upstream/calls.ts';
import type { Caller } from './cart-access.ts';
import type { CartRecord } from './cart.ts';
import { cartUpdated } from './cart-events.ts';
import { discountRequest } from './cart-view.ts';
import type { CartWriter } from './cart-writer.ts';

/** Most codes one cart holds (what discount evaluates at once). */
const MAX_CODES = 10;

/** A code as discount compares it: blanks trimmed, upper case. */
const normalCode = (code: string) => code.trim().toUpperCase();

export interface DiscountCodes {
  apply(caller: Caller, id: string, code: string, expected: ExpectedVersion): Promise<CartRecord>;
  remove(caller: Caller, id: string, code: string, expected: ExpectedVersion): Promise<CartRecord>;
}

/**
 * Codes a shopper enters. A code is kept only when the discount service accepts it for the
 * cart now (else 422 with discount's coded reason); every read evaluates the kept codes
 * again and reports those that stopped applying.
 */
export function createDiscountCodes(
  clients: Pick<CartClients, 'discount'>,
  writer: CartWriter,
): DiscountCodes {
  return {
    async apply(caller, id, entered, expected) {
      const code = normalCode(entered);
      const current = await writer.reachable(caller, id);
      if (current.codes.includes(code)) return current;
      if (current.lines.length === 0) throw CartErrors.CART_EMPTY('add lines before a discount code');
      if (current.codes.length >= MAX_CODES) {
        throw CartErrors.CART_CODE_LIMIT(`the cart already holds ${MAX_CODES} codes`);
      }
      // Asked before the row is locked.
      const evaluation = await evaluateDiscounts(clients, {
        ...discountRequest(current),
        codes: [...current.codes, code],
      });
      const refused = evaluation.refused.find((r) => r.code === code);
      if (refused) {
        const error = { path: '/body/code', message: refused.message, reason: refused.reason };
        throw CartErrors.CART_DISCOUNT_CODE_REFUSED(`${code}: ${refused.message}`, { errors: [error] });
      }
      return writer.mutate(
        caller,
        id,
        expected,
        (cart) => (cart.codes.includes(code) ? cart : { ...cart, codes: [...cart.codes, code] }),
        (next) => cartUpdated(next, 'details_changed'),
      );
    },

    async remove(caller, id, entered, expected) {
      const code = normalCode(entered);
      return writer.mutate(
        caller,
        id,
        expected,
        (cart) => {
          if (!cart.codes.includes(code))
            throw CartErrors.CART_CODE_NOT_FOUND(`the cart has no code ${code}`);
          return { ...cart, codes: cart.codes.filter((c) => c !== code) };
        },
        (next) => cartUpdated(next, 'details_changed'),
      );
    },
  };
}
