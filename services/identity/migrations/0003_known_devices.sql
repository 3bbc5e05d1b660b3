-- The devices an account signed in from (by a hash of the browser's user agent): a sign-in
-- from one not seen before publishes user.new_device_signed_in (notification emails the owner).
create table known_devices (
  user_id uuid not null references users (id) on delete cascade,
  device_hash text not null,
  user_agent text not null,
  first_seen_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  primary key (user_id, device_hash)
);
