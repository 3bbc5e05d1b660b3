-- Reservations become their own idempotency record, and each writes less.
--
-- 1. The Idempotency-Key of POST /reservations is stored on the reservation row (the kit's
--    scope — method, route, caller —, the key, the request fingerprint; unique per scope and
--    key) by the reserving statement itself, instead of the kit's claim and completion (two
--    more statements per reservation). A refused reservation (short stock, 409) is stored in
--    reservation_refusals, so it is replayed like the kit replays any 4xx.
-- 2. `lines` is no longer stored twice: a line is its allocation rows (all or nothing, so
--    every line has allocations summing to its quantity).
-- 3. reservation_allocations loses its foreign keys (two index probes and a FOR KEY SHARE
--    lock on the warehouse row per allocation — every reservation of a warehouse took a
--    share lock on that one row). Integrity holds by construction: allocation rows are
--    written only by reserve_stock, in the statement that inserts their reservation (never
--    deleted), for level rows it has locked (whose warehouse exists: stock_levels keeps its
--    FK); a warehouse with allocations has stock, hence ledger rows, whose FK still refuses
--    its deletion.
alter table reservations
  add column idem_scope text,
  add column idem_key text,
  add column idem_hash text;
create unique index reservations_idempotency on reservations (idem_scope, idem_key);

alter table reservations drop column lines;

alter table reservation_allocations
  drop constraint reservation_allocations_reservation_id_fkey,
  drop constraint reservation_allocations_warehouse_id_fkey;

-- Refused reservations by key: the 409's shortages, replayed to the same request.
create table reservation_refusals (
  scope text not null,
  key text not null,
  request_hash text not null,
  shortages jsonb not null,
  -- The first answer's correlationId: the replayed problem body is the first one, byte for byte.
  correlation_id text not null,
  created_at timestamptz not null default now(),
  primary key (scope, key)
);

drop function reserve_stock(uuid, text, text[], integer[], jsonb, text, text, jsonb, text);

-- As in 0002 (see its header for the allocation), plus the key:
-- * a key already used answers from its record: `replay` (same fingerprint: the reservation
--   id, or the stored shortages) or `mismatch` (another request);
-- * otherwise the statement of 0002 runs with the key on the reservation row; a concurrent
--   request with the same key that inserted first makes it write nothing (ON CONFLICT DO
--   NOTHING, every other write depending on that insert), and this call then answers as
--   that winner, which has committed by then (the insert waited for it);
-- * a short request re-reads the key (a winner may have committed while this one waited for
--   the rows) before storing its refusal.
-- outcome: created | refused | replay | mismatch; for a replayed reservation, reservation_id.
create function reserve_stock(
  p_id uuid,
  p_reference text,
  p_skus text[],
  p_qtys integer[],
  p_lines jsonb,
  p_expires_at text,
  p_actor text,
  p_envelope jsonb,
  p_event_id_base text,
  p_scope text,
  p_key text,
  p_hash text
) returns table (outcome text, reservation_id uuid, created_at timestamptz, shortages jsonb, allocations jsonb,
               correlation_id text)
language plpgsql
set search_path from current
set plan_cache_mode = force_generic_plan
as $$
declare
  v_id uuid;
  v_hash text;
  v_created timestamptz;
  v_short jsonb;
  v_alloc jsonb;
  v_corr text;
begin
  select r.id, r.idem_hash into v_id, v_hash
  from reservations r where r.idem_scope = p_scope and r.idem_key = p_key;
  if found then
    return query select case when v_hash = p_hash then 'replay' else 'mismatch' end, v_id,
                        null::timestamptz, null::jsonb, null::jsonb, null::text;
    return;
  end if;
  select f.request_hash, f.shortages, f.correlation_id into v_hash, v_short, v_corr
  from reservation_refusals f where f.scope = p_scope and f.key = p_key;
  if found then
    return query select case when v_hash = p_hash then 'replay' else 'mismatch' end, null::uuid,
                        null::timestamptz, v_short, null::jsonb, v_corr;
    return;
  end if;

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
    -- The reservation row is also the key's record: when a concurrent request with the same
    -- key has inserted it first, nothing is inserted here and — every write below depending
    -- on `res` — nothing else is written either (the caller then answers as the winner).
    res as (
      insert into reservations (id, reference, status, expires_at, created_by, idem_scope, idem_key, idem_hash)
      select p_id, p_reference, 'held', p_expires_at::timestamptz, p_actor, p_scope, p_key, p_hash
      where not exists (select 1 from short)
      on conflict (idem_scope, idem_key) do nothing
      returning reservations.created_at
    ),
    alloc as (
      select p.* from plan p where p.take > 0 and exists (select 1 from res)
    ),
    upd as (
      update stock_levels s set reserved = s.reserved + a.take, updated_at = now()
      from alloc a
      where s.sku = a.sku and s.warehouse_id = a.warehouse_id
      returning s.sku
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
      where exists (select 1 from res)
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
       from alloc a)
    into v_created, v_short, v_alloc;

  if v_created is not null then
    return query select 'created', p_id, v_created, v_short, v_alloc, null::text;
    return;
  end if;

  -- Not created: another request with this key won, or some line is short. A winner has
  -- committed by now (our insert or our row locks waited for it): answer as it.
  select r.id, r.idem_hash into v_id, v_hash
  from reservations r where r.idem_scope = p_scope and r.idem_key = p_key;
  if found then
    return query select case when v_hash = p_hash then 'replay' else 'mismatch' end, v_id,
                        null::timestamptz, null::jsonb, null::jsonb, null::text;
    return;
  end if;
  if jsonb_array_length(v_short) = 0 then
    raise exception 'reserve_stock: no reservation for key % and no shortage', p_key;
  end if;
  insert into reservation_refusals (scope, key, request_hash, shortages, correlation_id)
  values (p_scope, p_key, p_hash, v_short, p_envelope->>'correlationId')
  on conflict do nothing;
  if not found then
    select f.request_hash, f.shortages, f.correlation_id into v_hash, v_short, v_corr
    from reservation_refusals f where f.scope = p_scope and f.key = p_key;
    return query select case when v_hash = p_hash then 'replay' else 'mismatch' end, null::uuid,
                        null::timestamptz, v_short, null::jsonb, v_corr;
    return;
  end if;
  return query select 'refused', null::uuid, null::timestamptz, v_short, null::jsonb, null::text;
end;
$$;
