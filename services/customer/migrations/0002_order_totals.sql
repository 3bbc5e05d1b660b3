-- What an order is worth for loyalty, from order.confirmed (guest orders are not kept): points
-- are earned on order.completed from the amount left after refunds.
create table order_totals (
  order_id uuid primary key,
  customer_id uuid not null,
  amount integer not null check (amount >= 0),
  refunded integer not null default 0 check (refunded >= 0),
  currency char(3) not null
);
