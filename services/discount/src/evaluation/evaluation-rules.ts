import type { AppliedDiscount, DiscountLine, Evaluation, RefusedCode } from '@mercato/contracts';
import { DiscountErrors, type RefusalReason } from '../errors.ts';
import { allocateLargestRemainder, percentOf } from '../pricing/allocation.ts';
import type { PromotionRule } from '../promotions/promotion.ts';
import { lineFacts, targetedLines } from './target-match.ts';

// The pure part of evaluation: which promotions apply to a cart and how much each line
// carries. No I/O: the service loads the promotions, codes and the customer's history.

/** A code found in the database, with its own limit. */
export interface FoundCode {
  id: string;
  code: string;
  usageLimit: number | null;
  uses: number;
}

/** A promotion that may apply: an automatic one, or one unlocked by an entered code. */
export interface Candidate {
  promotion: PromotionRule;
  code: FoundCode | null;
}

/** What the evaluation knows of the caller and the moment. */
export interface EvaluationFacts {
  now: Date;
  customerId: string | null;
  /** Whether this is the customer's first order (resolved by the service). */
  firstOrder: boolean;
  /** Held and committed uses of the customer, by promotion id. */
  customerUses: ReadonlyMap<string, number>;
}

export interface CartInput {
  currency: string;
  lines: readonly DiscountLine[];
  shippingAmount?: number | undefined;
}

/** A promotion that applies and the use it would take (what reserve holds). */
export interface PlannedUse {
  promotionId: string;
  codeId: string | null;
  perCustomerLimit: number | null;
  usageLimit: number | null;
  amount: number;
  shippingAmount: number;
}

export interface RulesOutcome {
  evaluation: Evaluation;
  uses: PlannedUse[];
}

const subtotalOf = (l: DiscountLine) => l.unitPrice * l.quantity;

/** Why a candidate cannot apply to this cart, or null when it can. Order: the most basic reason first. */
export function refusalOf(
  c: Candidate,
  cart: CartInput,
  facts: EvaluationFacts,
  idx: readonly number[],
): RefusalReason | null {
  const p = c.promotion;
  if (p.status !== 'active' || !p.campaignActive) return 'DISCOUNT_INACTIVE';
  if (p.startsAt && facts.now < p.startsAt) return 'DISCOUNT_NOT_STARTED';
  if (p.endsAt && facts.now >= p.endsAt) return 'DISCOUNT_EXPIRED';
  if (p.usageLimit !== null && p.uses >= p.usageLimit) return 'DISCOUNT_LIMIT_REACHED';
  if (c.code && c.code.usageLimit !== null && c.code.uses >= c.code.usageLimit)
    return 'DISCOUNT_LIMIT_REACHED';
  if (p.currency !== null && p.currency !== cart.currency) return 'DISCOUNT_CURRENCY_MISMATCH';
  const needsCustomer = p.customerIds.length > 0 || p.perCustomerLimit !== null || p.firstOrder;
  if (needsCustomer && !facts.customerId) return 'DISCOUNT_SIGN_IN_REQUIRED';
  if (p.customerIds.length > 0 && !p.customerIds.includes(facts.customerId ?? '')) {
    return 'DISCOUNT_CUSTOMER_NOT_ELIGIBLE';
  }
  if (p.perCustomerLimit !== null && (facts.customerUses.get(p.id) ?? 0) >= p.perCustomerLimit) {
    return 'DISCOUNT_CUSTOMER_LIMIT_REACHED';
  }
  if (p.firstOrder && !facts.firstOrder) return 'DISCOUNT_FIRST_ORDER_ONLY';
  const lines = idx.map((i) => cart.lines[i]).filter((l): l is DiscountLine => l !== undefined);
  if (lines.length === 0) return 'DISCOUNT_NOT_APPLICABLE';
  if (p.minSubtotal !== null && lines.reduce((s, l) => s + subtotalOf(l), 0) < p.minSubtotal) {
    return 'DISCOUNT_MIN_SUBTOTAL';
  }
  if (p.kind === 'buy_x_get_y') {
    const units = lines.reduce((s, l) => s + l.quantity, 0);
    if (units < (p.buyQuantity ?? 1) + (p.getQuantity ?? 1)) return 'DISCOUNT_NOT_APPLICABLE';
  }
  return null;
}

/** The refusal entry of a code, its message from the error catalog's title. */
export function refused(code: string, reason: RefusalReason): RefusedCode {
  return { code, reason, message: DiscountErrors.catalog[reason].title };
}

/** Priority first (higher), then the older promotion, then the id: a total, stable order. */
function rank(a: Candidate, b: Candidate): number {
  const p = b.promotion.priority - a.promotion.priority;
  if (p !== 0) return p;
  const t = a.promotion.createdAt.getTime() - b.promotion.createdAt.getTime();
  if (t !== 0) return t;
  return a.promotion.id < b.promotion.id ? -1 : a.promotion.id > b.promotion.id ? 1 : 0;
}

/**
 * The discount of one promotion on the lines it targets, given what each line still
 * costs (`remaining`, changed in place): per-line shares summing to the amount.
 */
function discountLines(
  p: PromotionRule,
  cart: CartInput,
  idx: readonly number[],
  remaining: number[],
): number[] {
  const shares = cart.lines.map(() => 0);
  const weights = idx.map((i) => remaining[i] ?? 0);
  const base = weights.reduce((s, w) => s + w, 0);
  let amount = 0;
  if (p.kind === 'percentage') {
    amount = percentOf(base, p.percentBps ?? 0);
    if (p.maxDiscount !== null) amount = Math.min(amount, p.maxDiscount);
  } else if (p.kind === 'fixed_amount') {
    amount = Math.min(p.amountOff ?? 0, base);
  } else if (p.kind === 'buy_x_get_y') {
    // Of every buy+get units (dearest first), the get cheapest are discounted: count the
    // free units, then take them from the cheapest lines (no per-unit expansion: a line
    // may hold 999 units).
    const group = (p.buyQuantity ?? 1) + (p.getQuantity ?? 1);
    const price = (i: number) => cart.lines[i]?.unitPrice ?? 0;
    const units = idx.reduce((s, i) => s + (cart.lines[i]?.quantity ?? 0), 0);
    let free = Math.floor(units / group) * (p.getQuantity ?? 1);
    const cheapestFirst = [...idx].sort((a, b) => price(a) - price(b) || b - a);
    for (const i of cheapestFirst) {
      if (free === 0) break;
      const n = Math.min(free, cart.lines[i]?.quantity ?? 0);
      free -= n;
      const off = percentOf(price(i) * n, p.percentBps ?? 10_000);
      shares[i] = Math.min(off, remaining[i] ?? 0);
      remaining[i] = (remaining[i] ?? 0) - (shares[i] ?? 0);
    }
    return shares;
  }
  if (amount === 0) return shares;
  allocateLargestRemainder(amount, weights).forEach((share, k) => {
    const i = idx[k] ?? 0;
    shares[i] = share;
    remaining[i] = (remaining[i] ?? 0) - share;
  });
  return shares;
}

/**
 * Evaluates a cart: candidates that fail a condition drop out (a code's failure is listed
 * in `refused`); the rest apply by rank — the first, if exclusive, alone; otherwise every
 * combinable one, each on what the lines still cost after those before it (so a line
 * never goes below zero); an exclusive one after a combinable is refused as not combinable.
 * `preRefused`: codes the service refused before (unknown codes), listed first.
 */
export function evaluateCart(
  cart: CartInput,
  candidates: readonly Candidate[],
  facts: EvaluationFacts,
  preRefused: readonly RefusedCode[] = [],
): RulesOutcome {
  const refusedCodes: RefusedCode[] = [...preRefused];
  const lineFactsOf = cart.lines.map(lineFacts);
  // Each eligible candidate with the lines its target takes.
  const eligible: Array<{ c: Candidate; idx: number[] }> = [];
  const seenPromotions = new Set<string>();
  for (const c of candidates) {
    if (seenPromotions.has(c.promotion.id)) {
      if (c.code) refusedCodes.push(refused(c.code.code, 'DISCOUNT_CODE_REPEATED'));
      continue;
    }
    const idx = targetedLines(c.promotion.target, lineFactsOf);
    const reason = refusalOf(c, cart, facts, idx);
    if (reason) {
      if (c.code) refusedCodes.push(refused(c.code.code, reason));
      continue;
    }
    seenPromotions.add(c.promotion.id);
    eligible.push({ c, idx });
  }
  eligible.sort((a, b) => rank(a.c, b.c));
  const chosen: Array<{ c: Candidate; idx: number[] }> = [];
  for (const e of eligible) {
    const exclusiveFirst = chosen[0]?.c.promotion.stacking === 'exclusive';
    if (chosen.length === 0 || (!exclusiveFirst && e.c.promotion.stacking === 'combinable')) chosen.push(e);
    else if (e.c.code) refusedCodes.push(refused(e.c.code.code, 'DISCOUNT_NOT_COMBINABLE'));
  }

  const remaining = cart.lines.map(subtotalOf);
  let shippingLeft = cart.shippingAmount ?? 0;
  const applied: AppliedDiscount[] = [];
  const uses: PlannedUse[] = [];
  let freeShipping = false;
  for (const { c, idx } of chosen) {
    const p = c.promotion;
    let shippingAmount = 0;
    let amount = 0;
    const allocations: AppliedDiscount['allocations'] = [];
    if (p.kind === 'free_shipping') {
      freeShipping = true;
      shippingAmount = shippingLeft;
      shippingLeft = 0;
    } else {
      const shares = discountLines(p, cart, idx, remaining);
      for (let i = 0; i < shares.length; i++) {
        const share = shares[i] ?? 0;
        if (share === 0) continue;
        amount += share;
        const line = cart.lines[i];
        allocations.push({ lineIndex: i, lineId: line?.lineId ?? null, sku: line?.sku ?? '', amount: share });
      }
    }
    applied.push({
      promotionId: p.id,
      name: p.name,
      kind: p.kind,
      code: c.code?.code ?? null,
      amount,
      shippingAmount,
      allocations,
    });
    uses.push({
      promotionId: p.id,
      codeId: c.code?.id ?? null,
      perCustomerLimit: p.perCustomerLimit,
      usageLimit: p.usageLimit,
      amount,
      shippingAmount,
    });
  }

  const lines = cart.lines.map((l, i) => {
    const subtotal = subtotalOf(l);
    const total = remaining[i] ?? subtotal;
    return {
      lineIndex: i,
      lineId: l.lineId ?? null,
      sku: l.sku,
      subtotal,
      discount: subtotal - total,
      total,
    };
  });
  const subtotal = lines.reduce((s, l) => s + l.subtotal, 0);
  const discountTotal = lines.reduce((s, l) => s + l.discount, 0);
  return {
    evaluation: {
      currency: cart.currency,
      subtotal,
      discountTotal,
      shippingDiscount: (cart.shippingAmount ?? 0) - shippingLeft,
      freeShipping,
      total: subtotal - discountTotal,
      lines,
      applied,
      refused: refusedCodes,
    },
    uses,
  };
}
