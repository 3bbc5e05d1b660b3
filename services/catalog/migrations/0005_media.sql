-- Images stored once (by content hash) and served by URL from /api/v1/media/:id, instead of
-- embedded in every product and listing.
create table media (
  id uuid primary key,
  sha256 text not null unique,
  content_type text not null,
  bytes bytea not null,
  created_at timestamptz not null default now()
);
