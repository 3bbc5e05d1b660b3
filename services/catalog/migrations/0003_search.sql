-- Search that forgives accents, case and typos, with PostgreSQL's own machinery (the kit
-- creates unaccent, pg_trgm and fuzzystrmatch in public before migrations run).

-- `store`: the simple configuration with accents folded first (Crème → creme).
create text search configuration store (copy = simple);
alter text search configuration store
  alter mapping for word, hword, hword_part, numword, numhword, hword_numpart with unaccent, simple;

-- The vector again, in `store`, now with the attributes' string values (weight C, as the
-- description). 'store' is resolved here, by this schema's search_path, to its oid.
alter table products drop column search;
alter table products add column search tsvector generated always as (
  setweight(to_tsvector('store', title), 'A')
  || setweight(to_tsvector('store', search_terms), 'B')
  || setweight(to_tsvector('store', coalesce(description, '')), 'C')
  || setweight(jsonb_to_tsvector('store', attributes, '["string"]'), 'C')
) stored;
create index products_search on products using gin (search);

-- Every lexeme of every product vector: the dictionary typos are corrected against
-- (trigram distance finds the candidates, Levenshtein distance decides). Words are only
-- added (a word no product has any more corrects to a search that finds nothing, and
-- "did you mean" only proposes searches that find something).
create table search_words (word text primary key);
create index search_words_trgm on search_words using gist (word gist_trgm_ops);
insert into search_words (word) select distinct w.lexeme from products, unnest(products.search) w;

create function add_search_words() returns trigger language plpgsql set search_path from current as $$
begin
  insert into search_words (word)
    select distinct w.lexeme from new_rows, unnest(new_rows.search) w
    on conflict do nothing;
  return null;
end $$;
create trigger products_search_words_insert after insert on products
  referencing new table as new_rows for each statement execute function add_search_words();
create trigger products_search_words_update after update on products
  referencing new table as new_rows for each statement execute function add_search_words();

-- Synonyms an admin manages: a group of terms (a word or a phrase) that stand for each other.
-- `words` is each term folded as the vectors are (lower case, no accents), for matching.
create table search_synonyms (
  id uuid primary key,
  terms text[] not null check (cardinality(terms) between 2 and 20),
  words text[] not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index search_synonyms_words on search_synonyms using gin (words);
-- "Does some word start with what was typed?" (the last word of a search is a prefix).
create index search_words_prefix on search_words (word text_pattern_ops);
