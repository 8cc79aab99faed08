--liquibase formatted sql

-- Version 2: messages DMARC (or an operator override) said to quarantine are stored flagged.
-- auth_results (already in version 1) now holds the Authentication-Results value.

--changeset gateway:002-messages-quarantined-sqlite dbms:sqlite
ALTER TABLE messages ADD COLUMN quarantined BOOLEAN NOT NULL DEFAULT 0;

--changeset gateway:002-messages-quarantined-postgresql dbms:postgresql
ALTER TABLE messages ADD COLUMN quarantined BOOLEAN NOT NULL DEFAULT FALSE;

