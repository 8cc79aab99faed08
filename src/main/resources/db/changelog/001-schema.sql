--liquibase formatted sql

-- Version 1 of the SQL store. Times are epoch milliseconds (UTC) in both databases, so the
-- same statements and readers work on SQLite and PostgreSQL. Column types differ only where
-- the databases do (auto ids, byte columns).

--changeset gateway:001-messages-sqlite dbms:sqlite
CREATE TABLE messages (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    queue_id     TEXT    NOT NULL,
    received_at  BIGINT  NOT NULL,
    sender       TEXT    NOT NULL,
    recipients   TEXT    NOT NULL,
    subject      TEXT,
    size         BIGINT  NOT NULL,
    status       TEXT    NOT NULL DEFAULT 'stored',
    client_ip    TEXT,
    helo         TEXT,
    auth_results TEXT,
    body         BLOB,
    body_ref     TEXT,
    CONSTRAINT uq_messages_queue_id UNIQUE (queue_id)
);

--changeset gateway:001-messages-postgresql dbms:postgresql
CREATE TABLE messages (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    queue_id     TEXT    NOT NULL,
    received_at  BIGINT  NOT NULL,
    sender       TEXT    NOT NULL,
    recipients   TEXT    NOT NULL,
    subject      TEXT,
    size         BIGINT  NOT NULL,
    status       TEXT    NOT NULL DEFAULT 'stored',
    client_ip    TEXT,
    helo         TEXT,
    auth_results TEXT,
    body         BYTEA,
    body_ref     TEXT,
    CONSTRAINT uq_messages_queue_id UNIQUE (queue_id)
);

--changeset gateway:001-users-sqlite dbms:sqlite
CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    address       TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    enabled       BOOLEAN NOT NULL DEFAULT 1,
    created_at    BIGINT  NOT NULL
);

--changeset gateway:001-users-postgresql dbms:postgresql
CREATE TABLE users (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    address       TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    enabled       BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    BIGINT  NOT NULL
);

--changeset gateway:001-audit-log-sqlite dbms:sqlite
CREATE TABLE audit_log (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    at     BIGINT NOT NULL,
    actor  TEXT   NOT NULL,
    action TEXT   NOT NULL,
    detail TEXT
);

--changeset gateway:001-audit-log-postgresql dbms:postgresql
CREATE TABLE audit_log (
    id     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at     BIGINT NOT NULL,
    actor  TEXT   NOT NULL,
    action TEXT   NOT NULL,
    detail TEXT
);

--changeset gateway:001-indexes
CREATE INDEX idx_messages_received_at ON messages (received_at);
CREATE INDEX idx_messages_sender ON messages (sender);
CREATE INDEX idx_messages_status ON messages (status);
CREATE UNIQUE INDEX uq_users_address ON users (address);
CREATE INDEX idx_audit_log_at ON audit_log (at);
