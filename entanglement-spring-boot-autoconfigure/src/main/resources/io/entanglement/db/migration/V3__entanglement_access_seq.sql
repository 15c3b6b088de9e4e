-- Who may see an object changes with its access state or an announced access change:
-- the number of the last such change lets catch-up leave out objects a client could not
-- see at its token and still cannot. Rows logged before know nothing of it: their last
-- change counts as one.
ALTER TABLE entanglement_change ADD COLUMN access_seq BIGINT DEFAULT 0 NOT NULL;

UPDATE entanglement_change SET access_seq = seq;

ALTER TABLE entanglement_change ADD COLUMN access_hash BIGINT;
