-- The low-stock rule, its one definition: a level row raises inventory.low_stock when its
-- availability (on hand − reserved) crosses its threshold downwards — above it before, at or
-- below it after — in an active warehouse (`p_counted`: an inactive warehouse's stock counts
-- for nothing). So it fires once per crossing, not once per sale below the threshold, and
-- again only after availability rose above it. The threshold is the SKU's own, else its
-- warehouse's (the callers read it so).
--
-- Every writer of levels asks it: reserve_batch for the rows a batch took from, and
-- stockRepository.writeLevels (level-changes.ts: adjustments, transfers, commits, releases,
-- expiries), whose update returns the rows it finds crossed.
--
-- One SQL expression, immutable, without SET clauses: PostgreSQL inlines it into the
-- statement or PL/pgSQL expression that calls it, which then costs what the expression costs.
create or replace function low_stock_crossed(
  p_counted boolean,
  p_before integer,
  p_after integer,
  p_threshold integer
) returns boolean
language sql
immutable
parallel safe
as $$
  select p_counted and p_before > p_threshold and p_after <= p_threshold
$$;
