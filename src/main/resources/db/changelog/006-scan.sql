--liquibase formatted sql

-- Version 6: the spamCheck step's result on each stored message (docs/policy.md, "Spam and virus
-- scanning"): spam_score is rspamd's score as the gateway used it (rspamd's own reject or
-- add-header action raises it to the matching threshold); spam_verdict is clean, spam (stored
-- quarantined) or unscanned (rspamd unavailable, SPAM_FAIL_ACTION=accept). Both NULL when the
-- spam check is off. A message with a virus is never stored, so there is no virus column.

--changeset gateway:006-messages-spam-score
ALTER TABLE messages ADD COLUMN spam_score DOUBLE PRECISION;

--changeset gateway:006-messages-spam-verdict
ALTER TABLE messages ADD COLUMN spam_verdict VARCHAR(16);
