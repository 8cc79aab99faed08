--liquibase formatted sql

-- Version 3: the whole envelope of each message (message.EnvelopeCodec's JSON: sender, every
-- recipient with its disposition LOCAL or RELAY and ESMTP parameters, the client's facts).
-- From this version on "recipients" holds a JSON array of the recipients' addresses (SMTP form),
-- never a joined string: a quoted local part may contain a comma.

--changeset gateway:003-messages-envelope
ALTER TABLE messages ADD COLUMN envelope TEXT;
