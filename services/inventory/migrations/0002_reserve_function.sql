-- The reservation as one server-side function: the same single statement the service used
-- to send, now planned once per connection (a generic plan) instead of on every call —
-- planning that statement cost more than running it. See reservation-repository.ts.
--
-- All lines or nothing:
-- 1. `locked` locks every level row of the requested SKUs in (sku, warehouse id) order —
--    the order every writer uses, so overlapping reservations queue instead of deadlocking —
--    and reads their current values;
-- 2. `plan` allocates each line over the usable rows (active warehouse, active SKU) by
--    warehouse priority: a row gives what is still missing after the rows before it, so a
--    line is split when its first warehouse is short;
-- 3. `short` lists the lines whose usable availability is below the request: if any,
--    nothing below writes (each write is conditioned on `not exists short`);
-- 4. the levels' `reserved`, the reservation, its allocation rows and the outbox rows
--    (inventory.reserved, inventory.stock_changed per SKU, inventory.low_stock per row
--    crossing its threshold downwards) are written by the same statement.
-- The CHECK (reserved <= on_hand) would refuse an oversell even if the plan were wrong.
create function reserve_stock(
  p_id uuid,
  p_reference text,
  p_skus text[],
  p_qtys integer[],
  p_lines jsonb,
  p_expires_at text,
  p_actor text,
  p_envelope jsonb,
  p_event_id_base text
) returns table (created_at timestamptz, shortages jsonb, allocations jsonb)
language plpgsql
set search_path from current
set plan_cache_mode = force_generic_plan
as $$
begin
  return query
  with req as (
    select r.sku, r.qty, r.line_no::int as line_no
    from unnest(p_skus, p_qtys) with ordinality as r (sku, qty, line_no)
  ),
  locked as materialized (
    select s.sku, s.warehouse_id, s.on_hand, s.reserved
    from stock_levels s
    where s.sku = any(p_skus)
    order by s.sku, s.warehouse_id
    for update
  ),
  cand as (
    select k.sku, k.warehouse_id, w.code, w.priority, w.active as counted, (w.active and i.active) as usable,
           i.backorder, k.on_hand, k.on_hand - k.reserved as avail,
           coalesce(i.low_stock_threshold, w.low_stock_threshold) as threshold
    from locked k
    join warehouses w on w.id = k.warehouse_id
    join stock_items i on i.sku = k.sku
  ),
  plan as (
    select r.line_no, c.sku, c.warehouse_id, c.code, c.priority, c.avail, c.threshold,
           least(c.avail, greatest(0, r.qty - coalesce(sum(c.avail) over before_me, 0)))::int as take
    from req r
    join cand c on c.sku = r.sku and c.usable and c.avail > 0
    window before_me as (partition by r.line_no order by c.priority, c.warehouse_id
                         rows between unbounded preceding and 1 preceding)
  ),
  short as (
    select r.line_no, r.sku, r.qty, coalesce(sum(p.avail), 0)::int as available
    from req r left join plan p on p.line_no = r.line_no
    group by r.line_no, r.sku, r.qty
    having coalesce(sum(p.avail), 0) < r.qty
  ),
  alloc as (
    select p.* from plan p where p.take > 0 and not exists (select 1 from short)
  ),
  upd as (
    update stock_levels s set reserved = s.reserved + a.take, updated_at = now()
    from alloc a
    where s.sku = a.sku and s.warehouse_id = a.warehouse_id
    returning s.sku
  ),
  res as (
    insert into reservations (id, reference, status, lines, expires_at, created_by)
    select p_id, p_reference, 'held', p_lines, p_expires_at::timestamptz, p_actor
    where not exists (select 1 from short)
    returning reservations.created_at
  ),
  ins as (
    insert into reservation_allocations (reservation_id, line_no, sku, warehouse_id, quantity, held)
    select p_id, a.line_no, a.sku, a.warehouse_id, a.take, a.take from alloc a
  ),
  totals as (
    select c.sku, bool_or(c.backorder) as backorder,
           coalesce(sum(c.on_hand) filter (where c.counted), 0)::int as on_hand,
           (coalesce(sum(c.avail) filter (where c.counted), 0)
             - (select sum(a.take) from alloc a where a.sku = c.sku))::int as available
    from cand c
    where c.sku in (select a.sku from alloc a)
    group by c.sku
  ),
  ev as (
    select 0 as ord, p_id::text as subject, '' as k, 'inventory.reserved' as type,
           jsonb_build_object(
             'reservationId', p_id::text,
             'reference', p_reference,
             'expiresAt', p_expires_at,
             'lines', p_lines,
             'allocations', (select jsonb_agg(jsonb_build_object('sku', a.sku, 'warehouseCode', a.code, 'quantity', a.take)
                                              order by a.line_no, a.priority, a.warehouse_id) from alloc a)) as data
    where not exists (select 1 from short)
    union all
    select 1, t.sku, '', 'inventory.stock_changed',
           jsonb_build_object('sku', t.sku, 'available', greatest(t.available, 0), 'onHand', t.on_hand,
                              'backorder', t.backorder)
    from totals t
    union all
    select 2, a.sku, a.code, 'inventory.low_stock',
           jsonb_build_object('sku', a.sku, 'warehouseCode', a.code, 'available', a.avail - a.take,
                              'threshold', a.threshold)
    from alloc a
    where a.avail > a.threshold and a.avail - a.take <= a.threshold
  ),
  numbered as (
    select ev.*, overlay(p_event_id_base placing lpad(to_hex(row_number() over (order by ord, subject, k)), 4, '0')
                         from 33 for 4) as eid
    from ev
  ),
  ob as (
    insert into outbox (id, type, envelope)
    select n.eid::uuid, n.type,
           p_envelope || jsonb_build_object('id', n.eid, 'type', n.type, 'subject', n.subject, 'data', n.data)
    from numbered n
    order by n.eid
  )
  select
    (select r.created_at from res r),
    (select coalesce(jsonb_agg(jsonb_build_object('lineNo', s.line_no, 'sku', s.sku, 'requested', s.qty,
                                                  'available', s.available) order by s.line_no), '[]'::jsonb)
     from short s),
    (select coalesce(jsonb_agg(jsonb_build_object('lineNo', a.line_no, 'sku', a.sku, 'warehouseCode', a.code,
                                                  'quantity', a.take) order by a.line_no, a.priority, a.warehouse_id),
                     '[]'::jsonb)
     from alloc a);
end;
$$;
