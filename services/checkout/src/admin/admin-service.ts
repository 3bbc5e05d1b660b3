import type { Page } from '@mercato/platform/http';
import { pageResult } from '@mercato/platform/http';
import type { SagaEngine, SagaStatus } from '@mercato/platform/saga';
import type { CheckoutView } from '../checkouts/checkout.ts';
import type { CheckoutService } from '../checkouts/checkout-service.ts';
import { CHECKOUT_SAGA } from '../checkouts/checkout.ts';
import { CheckoutErrors } from '../errors.ts';

export interface SagaSummary {
  checkoutId: string;
  status: SagaStatus;
  currentStep: string | null;
  failure: { code: string; message: string; step: string } | null;
  ageSeconds: number;
  idleSeconds: number;
  createdAt: string;
  updatedAt: string;
}

export interface AdminService {
  list(q: { status?: SagaStatus; page: number; pageSize: number }): Promise<Page<SagaSummary>>;
  timeline(id: string): Promise<CheckoutView>;
  retry(id: string): Promise<CheckoutView>;
  abort(id: string, reason: string): Promise<CheckoutView>;
}

/** Operators' view of the checkout sagas and their two levers (retry, abort). */
export function createAdminService(deps: {
  engine: SagaEngine;
  checkouts: CheckoutService;
  now: () => number;
}): AdminService {
  const { engine, checkouts, now } = deps;
  const secondsSince = (iso: string) => Math.max(0, Math.floor((now() - Date.parse(iso)) / 1000));
  return {
    async list(q) {
      const { items, totalCount } = await engine.list({ ...q, type: CHECKOUT_SAGA });
      const summaries = items.map((s) => ({
        checkoutId: s.id,
        status: s.status,
        currentStep: s.currentStep,
        failure: s.failure && { code: s.failure.code, message: s.failure.message, step: s.failure.step },
        ageSeconds: secondsSince(s.createdAt),
        idleSeconds: secondsSince(s.updatedAt),
        createdAt: s.createdAt,
        updatedAt: s.updatedAt,
      }));
      return pageResult(summaries, q.page, q.pageSize, totalCount);
    },
    timeline: (id) => checkouts.view(id),
    async retry(id) {
      const view = await checkouts.view(id);
      if (!(await engine.retry(id)))
        throw CheckoutErrors.CHECKOUT_NOT_ACTIVE(`checkout ${id} is ${view.status}: nothing to retry`);
      return checkouts.view(id);
    },
    async abort(id, reason) {
      const view = await checkouts.view(id);
      if (!(await engine.abort(id, reason)))
        throw CheckoutErrors.CHECKOUT_NOT_ACTIVE(`checkout ${id} is ${view.status}: it cannot be aborted`);
      return checkouts.view(id);
    },
  };
}
