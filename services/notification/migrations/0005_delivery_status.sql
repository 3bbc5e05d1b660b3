-- The provider's later word on a sent message (its signed delivery-status webhook): delivered
-- or bounced, kept in the delivery log beside the attempts, once per provider event id.
alter table delivery_attempts drop constraint delivery_attempts_outcome_check;
alter table delivery_attempts add constraint delivery_attempts_outcome_check
  check (outcome in ('sent', 'retry', 'failed', 'deferred', 'delivered', 'bounced'));
alter table delivery_attempts add column provider_event_id text;
create unique index delivery_attempts_provider_event on delivery_attempts (provider_event_id)
  where provider_event_id is not null;
