import { newId } from '@mercato/platform/ids';
import type { ServiceContext } from '@mercato/platform/service';
import type { OrderDB } from '../db.ts';
import type { Actor } from '../orders/order.ts';
import { notFound, readsAny } from '../orders/order-access.ts';
import { orderRepository as orders } from '../orders/order-repository.ts';

export interface Note {
  id: string;
  author: string;
  body: string;
  createdAt: string;
}

/** Staff's internal notes on an order (never shown to its customer). */
export interface NoteService {
  list(orderId: string, actor: Actor): Promise<Note[]>;
  add(orderId: string, body: string, actor: Actor): Promise<Note>;
}

export function createNoteService(ctx: Pick<ServiceContext<OrderDB>, 'database' | 'now'>): NoteService {
  const db = ctx.database.db;
  async function requireOrder(orderId: string, actor: Actor) {
    // Anyone but staff is told the order does not exist, as for a foreign order.
    if (!readsAny(actor) || !(await orders.find(db, orderId))) throw notFound(orderId);
  }
  return {
    async list(orderId, actor) {
      await requireOrder(orderId, actor);
      const rows = await db
        .selectFrom('order_notes')
        .selectAll()
        .where('order_id', '=', orderId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        author: r.author,
        body: r.body,
        createdAt: r.created_at.toISOString(),
      }));
    },
    async add(orderId, body, actor) {
      await requireOrder(orderId, actor);
      const row = await db
        .insertInto('order_notes')
        .values({
          id: newId(),
          order_id: orderId,
          author: actor.subject,
          body,
          created_at: new Date(ctx.now()),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return { id: row.id, author: row.author, body: row.body, createdAt: row.created_at.toISOString() };
    },
  };
}
