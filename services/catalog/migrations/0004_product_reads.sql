-- What a shop page renders without more calls: SEO fields, and old handles that redirect.
alter table products
  add column seo_title text,
  add column seo_description text;

-- A handle a product had before: reads of it answer 301 to the current handle.
create table product_handle_redirects (
  handle text primary key,
  product_id uuid not null references products (id) on delete cascade,
  created_at timestamptz not null default now()
);
