-- The change sequence behind resume tokens. Portable SQL: H2, PostgreSQL, MariaDB.
CREATE TABLE entanglement_clock (
	id INT NOT NULL PRIMARY KEY,
	seq BIGINT NOT NULL,
	purged_seq BIGINT NOT NULL,
	epoch VARCHAR(32)
);

INSERT INTO entanglement_clock (id, seq, purged_seq, epoch) VALUES (1, 0, 0, NULL);

CREATE TABLE entanglement_change (
	object_type VARCHAR(100) NOT NULL,
	object_id VARCHAR(255) NOT NULL,
	seq BIGINT NOT NULL,
	version BIGINT NOT NULL,
	deleted BOOLEAN NOT NULL,
	changed_at TIMESTAMP NOT NULL,
	PRIMARY KEY (object_type, object_id)
);

CREATE INDEX entanglement_change_type_seq ON entanglement_change (object_type, seq);
