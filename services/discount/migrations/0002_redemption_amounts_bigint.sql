-- What a use gave, in minor units, can exceed an int4: a line may cost up to 100,000,000 and
-- hold 999 units, so 50 % off one line is 49,950,000,000. The reserve of such a cart failed
-- (integer out of range) after the evaluation had answered it. bigint holds every amount the
-- evaluate schema allows (100 lines of 100,000,000 × 999, about 10^13).
alter table redemption_uses
  alter column amount type bigint,
  alter column shipping_amount type bigint;
