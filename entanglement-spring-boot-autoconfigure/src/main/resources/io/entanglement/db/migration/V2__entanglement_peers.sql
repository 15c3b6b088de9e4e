-- What a node remembers of its upstream peers. Portable SQL: H2, PostgreSQL, MariaDB.
-- The resume token of each mirrored type, per peer.
CREATE TABLE entanglement_peer_token (
	peer VARCHAR(100) NOT NULL,
	object_type VARCHAR(100) NOT NULL,
	token VARCHAR(255) NOT NULL,
	PRIMARY KEY (peer, object_type)
);

-- The next hop toward the owner of each mirrored object: the peer it was first learned from.
CREATE TABLE entanglement_peer_route (
	object_type VARCHAR(100) NOT NULL,
	object_id VARCHAR(255) NOT NULL,
	peer VARCHAR(100) NOT NULL,
	PRIMARY KEY (object_type, object_id)
);

CREATE INDEX entanglement_peer_route_peer ON entanglement_peer_route (peer);
