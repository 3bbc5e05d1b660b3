-- Several captures of one authorization (partial captures up to the authorized amount, the
-- PSP's multicapture): a payment with a capture made and more still capturable is
-- partially_captured until its final capture.
alter table payments drop constraint payments_status_check;
alter table payments add constraint payments_status_check check (status in ('requires_action', 'processing',
  'authorized', 'partially_captured', 'captured', 'partially_refunded', 'refunded', 'voided', 'failed'));
-- Refunds left pending (the provider never answered) are found by the reconciler.
create index refunds_pending on refunds (created_at) where status = 'pending';
