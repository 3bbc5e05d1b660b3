-- An outbox row's event id needs no index of its own: ids are fresh UUIDv7s made by the
-- kit, nothing looks rows up by id (the relay reads and deletes by seq), and a repeat would
-- be deduplicated twice downstream (JetStream's Nats-Msg-Id window, the consumers' inbox).
-- The unique index cost an index entry per event on every service's write path.
alter table outbox drop constraint if exists outbox_id_key;
