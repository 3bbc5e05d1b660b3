-- What a message carries besides its bodies: references resolved when it is sent (the
-- invoice PDF is fetched from order then, so a message row never holds a document), and
-- what the development mailbox kept of the files it received (name, type, size).
alter table messages add column attachments jsonb not null default '[]';
alter table dev_mailbox add column attachments jsonb not null default '[]';
