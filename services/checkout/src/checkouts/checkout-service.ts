import type { Principal } from '@mercato/platform/auth';
import { randomUUID } from 'node:crypto';
import { CommonErrors } from '@mercato/platform/errors';
import type { IdempotencyKeyInfo } from '@mercato/platform/idempotency';
import type { SagaEngine } from '@mercato/platform/saga';
import type { ServiceContext } from '@mercato/platform/service';
import type { CheckoutConfig } from '../config.ts';
import type { CheckoutDB } from '../db.ts';
import { CheckoutErrors } from '../errors.ts';
import { asService, type CheckoutClients } from '../upstream/calls.ts';
import { CHECKOUT_SAGA, type CheckoutView, type StartCheckoutInput } from './checkout.ts';
import { prepareCheckout } from './checkout-preparation.ts';
import { checkoutRepository as repo } from './checkout-repository.ts';
import { checkoutView } from './checkout-view.ts';

/** Who calls, as the routes know them. */
export interface Caller {
  principal?: Principal | undefined;
  ip: string | null;
  correlationId: string;
}

/** Admins (checkout:admin) read every checkout. */
export const ADMIN = 'checkout:admin';

/** A signed-in person (not a service or an API key) is a customer with carts of their own. */
const customerOf = (caller: Caller) => (caller.principal?.kind === 'user' ? caller.principal.subject : null);

export interface CheckoutService {
  /** Starts a checkout for an Idempotency-Key (or answers the one it started), after a short wait for it to settle. */
  start(caller: Caller, body: StartCheckoutInput, key: IdempotencyKeyInfo): Promise<CheckoutView>;
  get(caller: Caller, id: string): Promise<CheckoutView>;
  /** The view of a checkout, whoever asks (admin routes). */
  view(id: string): Promise<CheckoutView>;
}

export function createCheckoutService(deps: {
  ctx: ServiceContext<CheckoutDB, CheckoutConfig>;
  clients: CheckoutClients;
  engine: SagaEngine;
}): CheckoutService {
  const { engine, clients } = deps;
  const db = deps.ctx.database.db;
  const now = deps.ctx.now;

  async function render(id: string): Promise<CheckoutView> {
    // Read afresh: the payment step records the payment and its 3-D Secure page as it goes.
    const [row, saga, history] = await Promise.all([repo.find(db, id), engine.get(id), engine.history(id)]);
    if (!row) throw CheckoutErrors.CHECKOUT_NOT_FOUND(`no checkout ${id}`);
    if (!saga) throw CheckoutErrors.CHECKOUT_NOT_FOUND(`checkout ${id} has not started`);
    return checkoutView(row, saga, history);
  }

  return {
    async start(caller, body, key) {
      const buyer = {
        customerId: customerOf(caller),
        email: caller.principal?.email,
        ip: caller.ip,
        correlationId: caller.correlationId,
      };
      let row = await repo.byKey(db, key.scope, key.key);
      if (row && row.fingerprint !== key.fingerprint) throw CommonErrors.IDEMPOTENCY_KEY_REUSED();
      // A repeat finds its saga (a crash between the two writes leaves none: start it now).
      const started = row ? await engine.get(row.id) : undefined;
      if (!row || !started) {
        // Random, not time-ordered: a guest's checkout id is its only key (ADR 0009, ADR 0011).
        const id = row?.id ?? randomUUID();
        // The up-front checks and the saga's calls are made as the checkout service itself.
        const input = await asService(caller.correlationId, () => prepareCheckout(clients, id, buyer, body));
        row ??=
          (await repo.insert(db, {
            id,
            idem_scope: key.scope,
            idem_key: key.key,
            fingerprint: key.fingerprint,
            cart_id: input.cartId,
            customer_id: input.customerId,
            email: input.email,
            created_at: new Date(now()),
          })) ?? (await repo.byKey(db, key.scope, key.key));
        if (!row) throw new Error('checkout row vanished');
        if (row.fingerprint !== key.fingerprint) throw CommonErrors.IDEMPOTENCY_KEY_REUSED();
        await asService(caller.correlationId, () =>
          engine.start(CHECKOUT_SAGA, row!.id, { ...input, checkoutId: row!.id }),
        );
      }
      await engine.settled(row.id, deps.ctx.config.CHECKOUT_RESPOND_WAIT_MS);
      return render(row.id);
    },
    async get(caller, id) {
      const row = await repo.find(db, id);
      const mine =
        row &&
        (row.customer_id === null ||
          row.customer_id === customerOf(caller) ||
          caller.principal?.permissions.includes(ADMIN));
      // Someone else's checkout looks like none.
      if (!row || !mine) throw CheckoutErrors.CHECKOUT_NOT_FOUND(`no checkout ${id}`);
      return render(id);
    },
    view: render,
  };
}
