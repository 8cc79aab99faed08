--liquibase formatted sql

-- Version 5: messages can be found by recipient, and by status over a time range, from an index.
-- "recipients" is a JSON array (version 3), which no index can search by one address, so each
-- recipient also gets a row here, written in the same transaction as its message
-- (store.sql.MessageWriter). Lookup: SELECT m.* FROM message_recipients r JOIN messages m
-- ON m.queue_id = r.queue_id WHERE r.recipient = ? ORDER BY r.received_at DESC.

-- The primary key is the lookup (recipient, newest first) and keeps a redelivered message from
-- adding its rows twice. In SQLite a WITHOUT ROWID table: that key is the table's only B-tree,
-- so each recipient costs one insert into one tree, not three (rowid table, unique index, lookup index).
--changeset gateway:005-message-recipients-sqlite dbms:sqlite
CREATE TABLE message_recipients (
    recipient   TEXT   NOT NULL,
    received_at BIGINT NOT NULL,
    queue_id    TEXT   NOT NULL,
    CONSTRAINT pk_message_recipients PRIMARY KEY (recipient, received_at, queue_id)
) WITHOUT ROWID;

--changeset gateway:005-message-recipients-postgresql dbms:postgresql
CREATE TABLE message_recipients (
    recipient   TEXT   NOT NULL,
    received_at BIGINT NOT NULL,
    queue_id    TEXT   NOT NULL,
    CONSTRAINT pk_message_recipients PRIMARY KEY (recipient, received_at, queue_id)
);

-- Rows stored before this version: their JSON arrays (rows older than version 3 hold a joined
-- string, not JSON, and are left out).
--changeset gateway:005-message-recipients-backfill-sqlite dbms:sqlite
INSERT INTO message_recipients (queue_id, recipient, received_at)
SELECT DISTINCT m.queue_id, j.value, m.received_at
FROM messages m, json_each(CASE WHEN json_valid(m.recipients) AND json_type(m.recipients) = 'array' THEN m.recipients ELSE '[]' END) j;

--changeset gateway:005-message-recipients-backfill-postgresql dbms:postgresql
INSERT INTO message_recipients (queue_id, recipient, received_at)
SELECT DISTINCT m.queue_id, r.value, m.received_at
FROM messages m, jsonb_array_elements_text(CASE WHEN m.recipients LIKE '[%' THEN m.recipients::jsonb ELSE '[]'::jsonb END) AS r(value);

-- status alone has a handful of values: the planner rarely uses it; status with the time serves
-- "stored in the last hour" and "quarantined today" alike, and its prefix still serves status alone.
--changeset gateway:005-messages-status-received-at
CREATE INDEX idx_messages_status_received_at ON messages (status, received_at);
DROP INDEX idx_messages_status;
