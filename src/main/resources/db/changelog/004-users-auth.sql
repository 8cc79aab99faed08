--liquibase formatted sql

-- Version 4: what AUTH (RFC 4954) needs. users (version 1) gains updated_at; each user may send
-- as extra addresses (user_addresses, one owner per address: the primary key); every AUTH
-- success, failure, block and user change goes to audit_log with the client's address.
-- Addresses are stored canonical, as message.Mailbox gives them (domain lower case, local part
-- as written, unquoted), so one comparison of strings is one comparison of mailboxes.

--changeset gateway:004-users-updated-at
ALTER TABLE users ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;

--changeset gateway:004-user-addresses
CREATE TABLE user_addresses (
    address      TEXT   NOT NULL PRIMARY KEY,
    user_address TEXT   NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX idx_user_addresses_user ON user_addresses (user_address);

--changeset gateway:004-audit-log-client
ALTER TABLE audit_log ADD COLUMN client_address TEXT;
CREATE INDEX idx_audit_log_actor ON audit_log (actor);
