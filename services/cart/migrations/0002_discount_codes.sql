-- The discount codes a shopper entered (upper case, as discount compares them); the
-- discount service evaluates them with the lines on every read.
alter table carts add column codes text[] not null default '{}';
