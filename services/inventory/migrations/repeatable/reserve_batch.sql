-- reserve_batch: a batch of reservations in ONE statement, `select reserve_batch(...)`,
-- autocommitted. This file is its one definition (a repeatable migration: edited in place,
-- applied again whenever it changes; migrations 0005 and 0006 created its earlier versions).
-- Why the plan is in PostgreSQL: docs/adr/0004-reservation-batches-planned-in-postgresql.md.
--
-- The function locks the level rows, reads the keys, plans every reservation one after the
-- other (each sees what the ones before it held), and writes reservations, allocations,
-- levels, refusals, stock marks and events. The rules (reservation-batcher.ts batches the
-- requests and reruns on MC409; test/allocation-oracle.ts states them again in TypeScript, and
-- test/reserve-batch-oracle.test.ts compares the two on random batches — a change here
-- changes both):
-- * level rows are locked SKU by SKU in the order of `p_skus` (sorted by the caller as every
--   writer sorts them) and, within a SKU, by warehouse id;
-- * a line takes from usable rows (active warehouse, active SKU) in warehouse priority
--   order (ties by warehouse id), each giving what is still missing, so a line is split when
--   its first warehouse is short; a reservation with any short line holds nothing and names
--   every short line with what it could take;
-- * a key already used answers from its record: `replay` (same request fingerprint: the
--   reservation, or the stored refusal) or `mismatch`;
-- * inventory.low_stock per row the low-stock rule (low_stock_crossed, low_stock.sql) finds
--   crossed by the batch (in the context of the reservation that crossed it); stock marks
--   (inventory.stock_changed) for the SKUs the batch moved.
-- A key stored meanwhile by a concurrent request (its insert is skipped), or a refused
-- request whose key a reservation holds, raises SQLSTATE MC409: nothing is written and the
-- caller runs the batch again (the key is then found and the request replays).
--
-- Commands come as parallel arrays (c_*), their lines flattened in command order (l_*,
-- l_count lines per command). The events' JSON is assembled as text: the caller sends each
-- inventory.reserved envelope as its JSON text cut open where `data.allocations` takes its
-- value (c_heads, the event ids apart in c_event_id), and the function appends the
-- allocations and closes it; the same head is the base of the low_stock events a command
-- causes. The levels are updated at the row versions the first statement locked (their ctid,
-- which no other transaction can change while the lock holds). Returns { now, replays:
-- [answer of a used key, or null], allocations: { command, lineNo, warehouseCode, quantity }
-- (parallel arrays), shortages: { command: [short lines] } }, commands numbered from 1.
--
-- `create or replace` keeps the arguments and result type: changing them means dropping the
-- old signature here first (drop function if exists ...).
create or replace function reserve_batch(
  c_id uuid[],
  c_reference text[],
  c_expires_at text[],
  c_actor text[],
  c_scope text[],
  c_key text[],
  c_hash text[],
  c_correlation text[],
  c_event_id uuid[],
  c_heads text[],
  l_sku text[],
  l_quantity integer[],
  l_count integer[],
  p_skus text[]
) returns jsonb
language plpgsql
set search_path from current
-- Every statement below reaches rows by key probes, right at any table size.
set plan_cache_mode = force_generic_plan
as $$
declare
  v_count integer := coalesce(array_length(c_id, 1), 0);
  -- Answers of keys used before (replay, mismatch); null for the others.
  v_replay jsonb[];
  -- The locked level rows, in lock order, and what the batch makes of them.
  lv_sku text[];
  -- Each locked row's version: the update goes straight to it.
  lv_ctid tid[];
  lv_wh uuid[];
  lv_code text[];
  lv_usable boolean[];
  lv_counted boolean[];
  lv_on_hand integer[];
  lv_reserved integer[];
  lv_threshold integer[];
  lv_new integer[];
  -- The last reservation that took from a row (0: none), the SKUs moved in lock order, and the
  -- rows whose availability crossed their threshold downwards.
  lv_cause integer[];
  v_moved text[] := '{}';
  v_low integer[] := '{}';
  -- Row indexes in (SKU, priority) order; each SKU's range in it (by position in p_skus);
  -- each line's SKU position.
  v_by_priority integer[];
  v_sku_first integer[];
  v_sku_last integer[];
  v_line_sku integer[];
  v_held integer[] := '{}';
  v_refused integer[] := '{}';
  -- Allocations (command, line, level row, quantity), the first v_na of them, and shortages
  -- (command, line, available).
  a_c integer[] := '{}';
  a_line integer[] := '{}';
  a_r integer[] := '{}';
  a_q integer[] := '{}';
  v_na integer := 0;
  v_na0 integer;
  s_c integer[] := '{}';
  s_line integer[] := '{}';
  s_avail integer[] := '{}';
  v_c integer;
  v_j integer;
  v_p integer;
  v_r integer;
  v_k integer;
  v_l0 integer;
  v_first integer := 0;
  v_sku integer;
  v_missing integer;
  v_take integer;
  v_short boolean;
  v_stored integer;
  v_refusals integer;
  v_taken integer;
  v_shortages jsonb;
begin
  -- 1. One read: the level rows, locked (the lateral probe per SKU takes them in p_skus
  --    order), with what the plan needs of their warehouse and item; and the keys already
  --    used. A key stored by a concurrent request after this statement's snapshot is caught
  --    by the insert below (MC409). A key with both a reservation and a refusal (a refusal
  --    raced a reservation of another request): the reservation wins.
  with levels as (
    select k.ord, s.sku, s.warehouse_id, s.row_id, s.on_hand, s.reserved, w.code,
           w.active as counted, (w.active and i.active) as usable,
           coalesce(i.low_stock_threshold, w.low_stock_threshold) as threshold,
           row_number() over (order by k.ord, s.warehouse_id)::integer as idx,
           row_number() over (order by k.ord, w.priority, s.warehouse_id)::integer as pos
    from unnest(p_skus) with ordinality as k (sku, ord)
    cross join lateral (select l.sku, l.warehouse_id, l.ctid as row_id, l.on_hand, l.reserved
                        from stock_levels l
                        where l.sku = k.sku order by l.warehouse_id for update) s
    cross join lateral (select wh.code, wh.priority, wh.active, wh.low_stock_threshold from warehouses wh
                        where wh.id = s.warehouse_id limit 1) w
    cross join lateral (select it.active, it.low_stock_threshold from stock_items it
                        where it.sku = s.sku limit 1) i),
  ranges as (
    select k.ord, coalesce(min(l.pos), 0) as first, coalesce(max(l.pos), -1) as last
    from unnest(p_skus) with ordinality as k (sku, ord)
    left join levels l on l.ord = k.ord
    group by k.ord)
  select array_agg(l.sku order by l.idx), array_agg(l.warehouse_id order by l.idx),
         array_agg(l.row_id order by l.idx),
         array_agg(l.code order by l.idx), array_agg(l.usable order by l.idx),
         array_agg(l.counted order by l.idx), array_agg(l.on_hand order by l.idx),
         array_agg(l.reserved order by l.idx), array_agg(l.threshold order by l.idx),
         array_agg(l.idx order by l.pos),
         (select array_agg(r.first order by r.ord) from ranges r),
         (select array_agg(r.last order by r.ord) from ranges r),
         (select array_agg(array_position(p_skus, u.sku) order by u.n)
          from unnest(l_sku) with ordinality as u (sku, n)),
         (select array_agg(case
                   when coalesce(rs.idem_hash, rf.request_hash) is null then null
                   when coalesce(rs.idem_hash, rf.request_hash) <> k.hash then jsonb_build_object('outcome', 'mismatch')
                   when rs.id is not null then jsonb_build_object('outcome', 'replay', 'reservationId', rs.id)
                   else jsonb_build_object('outcome', 'replay', 'shortages', rf.shortages,
                                           'correlationId', rf.correlation_id) end order by k.ord)
          from unnest(c_scope, c_key, c_hash) with ordinality as k (scope, key, hash, ord)
          left join lateral (select r.idem_hash, r.id from reservations r
                             where r.idem_scope = k.scope and r.idem_key = k.key limit 1) rs on true
          left join lateral (select f.request_hash, f.shortages, f.correlation_id from reservation_refusals f
                             where f.scope = k.scope and f.key = k.key limit 1) rf on rs.id is null)
    into lv_sku, lv_wh, lv_ctid, lv_code, lv_usable, lv_counted, lv_on_hand, lv_reserved, lv_threshold,
         v_by_priority,
         v_sku_first, v_sku_last, v_line_sku, v_replay
  from levels l;
  lv_new := coalesce(lv_reserved, '{}');

  -- 2. The plan, one reservation after the other, in one pass: a line takes what it can
  --    from its usable rows by priority; when some line is short, the reservation gives back
  --    what its lines took and is refused (a short line had taken all there was: that is its
  --    availability).
  for v_c in 1 .. v_count loop
    v_l0 := v_first;
    v_first := v_first + l_count[v_c];
    continue when v_replay[v_c] is not null;
    v_na0 := v_na;
    v_short := false;
    for v_j in 1 .. l_count[v_c] loop
      v_sku := v_line_sku[v_l0 + v_j];
      v_missing := l_quantity[v_l0 + v_j];
      for v_p in v_sku_first[v_sku] .. v_sku_last[v_sku] loop
        exit when v_missing = 0;
        v_r := v_by_priority[v_p];
        continue when not lv_usable[v_r];
        v_take := least(v_missing, lv_on_hand[v_r] - lv_new[v_r]);
        continue when v_take <= 0;
        lv_new[v_r] := lv_new[v_r] + v_take;
        v_missing := v_missing - v_take;
        v_na := v_na + 1;
        a_c[v_na] := v_c;
        a_line[v_na] := v_j;
        a_r[v_na] := v_r;
        a_q[v_na] := v_take;
      end loop;
      if v_missing > 0 then
        v_short := true;
        s_c := s_c || v_c;
        s_line := s_line || v_j;
        s_avail := s_avail || (l_quantity[v_l0 + v_j] - v_missing);
      end if;
    end loop;
    if v_short then
      for v_k in v_na0 + 1 .. v_na loop
        lv_new[a_r[v_k]] := lv_new[a_r[v_k]] - a_q[v_k];
      end loop;
      v_na := v_na0;
      v_refused := v_refused || v_c;
    else
      v_held := v_held || v_c;
    end if;
  end loop;
  a_c := a_c[1:v_na];
  a_line := a_line[1:v_na];
  a_r := a_r[1:v_na];
  a_q := a_q[1:v_na];
  lv_cause := array_fill(0, array[coalesce(array_length(lv_sku, 1), 0)]);
  for v_k in 1 .. v_na loop
    lv_cause[a_r[v_k]] := a_c[v_k];
  end loop;
  for v_r in 1 .. coalesce(array_length(lv_sku, 1), 0) loop
    continue when lv_cause[v_r] = 0;
    -- Rows are in lock order, a SKU's rows together.
    if v_moved[array_upper(v_moved, 1)] is distinct from lv_sku[v_r] then
      v_moved := v_moved || lv_sku[v_r];
    end if;
    if low_stock_crossed(lv_counted[v_r], lv_on_hand[v_r] - lv_reserved[v_r], lv_on_hand[v_r] - lv_new[v_r],
                         lv_threshold[v_r]) then
      v_low := v_low || v_r;
    end if;
  end loop;

  -- 3. The writes. The held reservations in one statement, with their inventory.reserved (the
  --    envelope from the caller, its data but the allocations); refusals and low-stock
  --    events, which most batches do not have, in statements of their own.
  if v_na > 0 then
    with
    stored as (
      insert into reservations (id, reference, status, expires_at, created_by, idem_scope, idem_key, idem_hash)
      select c_id[h.c], c_reference[h.c], 'held', c_expires_at[h.c]::timestamptz, c_actor[h.c], c_scope[h.c],
             c_key[h.c], c_hash[h.c]
      from unnest(v_held) as h (c)
      on conflict (idem_scope, idem_key) do nothing
      returning 1),
    allocated as (
      insert into reservation_allocations (reservation_id, line_no, sku, warehouse_id, quantity, held)
      select c_id[a.c], a.line, lv_sku[a.r], lv_wh[a.r], a.q, a.q
      from unnest(a_c, a_line, a_r, a_q) as a (c, line, r, q)),
    levels as (
      update stock_levels as s set reserved = v.reserved, updated_at = now()
      from (select u.row_id, u.reserved
            from unnest(lv_ctid, lv_new, lv_cause) as u (row_id, reserved, cause)
            where u.cause > 0) v
      where s.ctid = v.row_id),
    -- Marked in lock order; a mark already set is left as it is (see stock-signals.ts).
    marks as (
      insert into stock_signals as s (sku)
      select k.sku from unnest(v_moved) with ordinality as k (sku, ord)
      order by k.ord
      on conflict (sku) do update set dirty = true, changed_at = now() where not s.dirty),
    published as (
      insert into outbox (id, type, envelope)
      select c_event_id[h.c], 'inventory.reserved', (c_heads[h.c] || al.allocations || '}}')::jsonb
      from unnest(v_held) with ordinality as h (c, ord)
      join (select a.c, '[' || string_agg('{"sku":' || to_json(lv_sku[a.r]) || ',"warehouseCode":'
                                          || to_json(lv_code[a.r]) || ',"quantity":' || a.q || '}', ',' order by a.n)
                    || ']' as allocations
            from unnest(a_c, a_r, a_q) with ordinality as a (c, r, q, n)
            group by a.c) al on al.c = h.c
      order by h.ord)
    select count(*) into v_stored from stored;
    -- A key stored meanwhile by a concurrent request (its insert skipped): nothing stays
    -- written; the caller runs the batch again, and replays.
    if v_stored < array_length(v_held, 1) then
      raise exception 'a key of the batch was used meanwhile' using errcode = 'MC409';
    end if;
  end if;
  if array_length(v_low, 1) > 0 then
    insert into outbox (id, type, envelope)
    select e.id, 'inventory.low_stock', (c_heads[lv_cause[l.r]] || '[]}}')::jsonb || jsonb_build_object(
             'id', e.id, 'type', 'inventory.low_stock', 'subject', lv_sku[l.r],
             'data', jsonb_build_object('sku', lv_sku[l.r], 'warehouseCode', lv_code[l.r],
               'available', lv_on_hand[l.r] - lv_new[l.r], 'threshold', lv_threshold[l.r]))
    from unnest(v_low) with ordinality as l (r, ord)
    -- A UUIDv7 as every event id: the clock's milliseconds over a random UUID, whose version
    -- nibble 4 becomes 7 (bits 52 and 53 of its 16 bytes set).
    cross join lateral (select encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) placing
                          substring(int8send((extract(epoch from clock_timestamp()) * 1000)::bigint) from 3)
                          from 1 for 6), 52, 1), 53, 1), 'hex')::uuid as id) e
    order by l.ord;
  end if;
  if array_length(v_refused, 1) > 0 then
    with
    shortage as (
      select u.c, jsonb_agg(jsonb_build_object('lineNo', u.line, 'sku', l_sku[l.first + u.line],
               'requested', l_quantity[l.first + u.line], 'available', u.avail) order by u.line) as shortages
      from unnest(s_c, s_line, s_avail) as u (c, line, avail)
      cross join lateral (select coalesce(sum(n), 0)::integer as first
                          from unnest(l_count[1:u.c - 1]) as n) l
      group by u.c),
    refusals as (
      insert into reservation_refusals (scope, key, request_hash, shortages, correlation_id)
      select c_scope[f.c], c_key[f.c], c_hash[f.c], f.shortages, c_correlation[f.c]
      from shortage f
      on conflict (scope, key) do nothing
      returning 1)
    select (select count(*) from refusals),
           (select count(*) from unnest(v_refused) as f (c)
              cross join lateral (select 1 from reservations r
                                  where r.idem_scope = c_scope[f.c] and r.idem_key = c_key[f.c] limit 1) t),
           (select jsonb_object_agg(f.c, f.shortages) from shortage f)
      into v_refusals, v_taken, v_shortages;
    -- A refusal whose key is taken meanwhile, or a key a reservation holds (the same request
    -- sent twice at once, which took the stock first): run again, and replay.
    if v_refusals < array_length(v_refused, 1) or v_taken > 0 then
      raise exception 'a key of the batch was used meanwhile' using errcode = 'MC409';
    end if;
  end if;
  return jsonb_build_object('now', now(), 'replays', to_jsonb(v_replay),
    'allocations', jsonb_build_object('command', to_jsonb(a_c), 'lineNo', to_jsonb(a_line),
      'warehouseCode', (select coalesce(jsonb_agg(lv_code[a.r] order by a.n), '[]')
                        from unnest(a_r) with ordinality as a (r, n)),
      'quantity', to_jsonb(a_q)),
    'shortages', coalesce(v_shortages, '{}'));
end;
$$;
