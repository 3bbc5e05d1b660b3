-- The history's order is the order transitions happened in. `at` defaulted to now(), the
-- start of the recording transaction: a transaction that began first but waited for the
-- order's row lock recorded an earlier time than the one it waited for, so
-- pending → confirmed → cancelled read back as pending → cancelled → confirmed. `seq` is
-- taken while the row lock is held (one after the other per order); `at` is the wall clock
-- when the entry is written.
alter table order_status_history add column seq bigint generated always as identity;
alter table order_status_history alter column at set default clock_timestamp();
drop index order_status_history_order;
create index order_status_history_order on order_status_history (order_id, seq);
