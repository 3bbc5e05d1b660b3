-- A SKU whose availability cannot be published (its reading fails, e.g. a total past the
-- integer range) is parked rather than failing the publisher's round for every SKU: its mark
-- is cleared and the error kept here, until its next change marks it again.
alter table stock_signals
  add column parked_error text,
  add column parked_at timestamptz;
