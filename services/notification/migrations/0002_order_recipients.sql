-- Where an order's messages go: the email its order.confirmed carried (guests have no account),
-- kept for the order's later events (shipped, delivered, cancelled, refunded).
create table order_recipients (
  order_id uuid primary key,
  order_number text not null,
  email text not null,
  customer_id uuid,
  created_at timestamptz not null default now()
);
