-- The last TOTP time step a user's code was accepted for: a code (valid for ±1 step) may be
-- used once, so a step at or below this one is refused as a replay.
alter table users add column mfa_last_step integer;
