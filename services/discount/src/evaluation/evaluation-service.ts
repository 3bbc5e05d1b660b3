import type { EvaluateInput, RefusedCode } from '@mercato/contracts';
import type { Kysely } from '@mercato/platform/db';
import type { DiscountDB } from '../db.ts';
import type { PromotionRule } from '../promotions/promotion.ts';
import { promotionRepository as repo } from '../promotions/promotion-repository.ts';
import { evaluateCart, refused, type Candidate, type RulesOutcome } from './evaluation-rules.ts';

/** Evaluates carts against the promotions in the database. */
export interface EvaluationService {
  /**
   * The discounts of a cart at `now`. `fresh`: read the automatic promotions from the
   * database rather than the short-lived cache (reserve, which holds what it answers).
   */
  evaluate(
    input: EvaluateInput,
    opts?: { now?: Date; fresh?: boolean; db?: Kysely<DiscountDB> },
  ): Promise<RulesOutcome>;
  /** Forgets the cached automatic promotions (after a change). */
  invalidate(): void;
}

/** A code as a shopper typed it, in the form codes are stored in (trimmed, upper case). */
export function normalizeCode(code: string): string {
  return code.trim().toUpperCase();
}

export function createEvaluationService(
  db: Kysely<DiscountDB>,
  cacheMs: number,
  clock: () => number,
): EvaluationService {
  let cached: { at: number; rules: Promise<PromotionRule[]> } | undefined;

  function automatic(fresh: boolean, exec: Kysely<DiscountDB>): Promise<PromotionRule[]> {
    if (fresh || cacheMs === 0) return repo.activeAutomatic(exec);
    const at = Date.now();
    if (!cached || at - cached.at >= cacheMs) {
      const rules = repo.activeAutomatic(exec);
      cached = { at, rules };
      // A failed load is not kept: the next call tries again.
      rules.catch(() => {
        if (cached?.rules === rules) cached = undefined;
      });
    }
    return cached.rules;
  }

  return {
    invalidate() {
      cached = undefined;
    },

    async evaluate(input, opts = {}) {
      const exec = db;
      const now = opts.now ?? new Date(clock());
      const entered = input.codes.map(normalizeCode);
      const distinct = [...new Set(entered)];
      const [rules, found] = await Promise.all([
        automatic(opts.fresh ?? false, exec),
        repo.codes(exec, distinct),
      ]);
      const byCode = new Map(found.map((f) => [f.code.code, f]));
      const preRefused: RefusedCode[] = [];
      const candidates: Candidate[] = [];
      const seen = new Set<string>();
      for (const code of entered) {
        const f = byCode.get(code);
        if (seen.has(code)) {
          preRefused.push(refused(code, 'DISCOUNT_CODE_REPEATED'));
        } else if (!f) {
          preRefused.push(refused(code, 'DISCOUNT_CODE_NOT_FOUND'));
        } else {
          candidates.push({ promotion: f.rule, code: f.code });
        }
        seen.add(code);
      }
      for (const rule of rules) candidates.push({ promotion: rule, code: null });
      const customerId = input.customerId ?? null;
      let customerUses = new Map<string, number>();
      let firstOrder = false;
      if (customerId) {
        const ids = candidates
          .filter((c) => c.promotion.perCustomerLimit !== null)
          .map((c) => c.promotion.id);
        const needsHistory = input.firstOrder === undefined && candidates.some((c) => c.promotion.firstOrder);
        const [uses, ordered] = await Promise.all([
          repo.customerUses(exec, customerId, ids),
          needsHistory ? repo.hasOrdered(exec, customerId) : Promise.resolve(!(input.firstOrder ?? true)),
        ]);
        customerUses = uses;
        firstOrder = input.firstOrder ?? !ordered;
      }
      return evaluateCart(
        { currency: input.currency, lines: input.lines, shippingAmount: input.shippingAmount },
        candidates,
        { now, customerId, firstOrder, customerUses },
        preRefused,
      );
    },
  };
}
