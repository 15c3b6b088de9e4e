-- Spring Security ACL tables for PostgreSQL, after createAclSchemaPostgres.sql of
-- spring-security-acl (which has the class_id_type column), with object ids and class
-- names up to 255 characters (entity ids may be strings). JdbcMutableAclService reads the
-- key it just generated with currval(pg_get_serial_sequence(...)).
CREATE TABLE acl_sid (
	id BIGSERIAL NOT NULL PRIMARY KEY,
	principal BOOLEAN NOT NULL,
	sid VARCHAR(255) NOT NULL,
	CONSTRAINT acl_sid_uk UNIQUE (sid, principal)
);

CREATE TABLE acl_class (
	id BIGSERIAL NOT NULL PRIMARY KEY,
	class VARCHAR(255) NOT NULL,
	class_id_type VARCHAR(255),
	CONSTRAINT acl_class_uk UNIQUE (class)
);

CREATE TABLE acl_object_identity (
	id BIGSERIAL PRIMARY KEY,
	object_id_class BIGINT NOT NULL,
	object_id_identity VARCHAR(255) NOT NULL,
	parent_object BIGINT,
	owner_sid BIGINT,
	entries_inheriting BOOLEAN NOT NULL,
	CONSTRAINT acl_object_identity_uk UNIQUE (object_id_class, object_id_identity),
	CONSTRAINT acl_object_identity_parent_fk FOREIGN KEY (parent_object) REFERENCES acl_object_identity (id),
	CONSTRAINT acl_object_identity_class_fk FOREIGN KEY (object_id_class) REFERENCES acl_class (id),
	CONSTRAINT acl_object_identity_owner_fk FOREIGN KEY (owner_sid) REFERENCES acl_sid (id)
);

CREATE TABLE acl_entry (
	id BIGSERIAL PRIMARY KEY,
	acl_object_identity BIGINT NOT NULL,
	ace_order INT NOT NULL,
	sid BIGINT NOT NULL,
	mask INTEGER NOT NULL,
	granting BOOLEAN NOT NULL,
	audit_success BOOLEAN NOT NULL,
	audit_failure BOOLEAN NOT NULL,
	CONSTRAINT acl_entry_uk UNIQUE (acl_object_identity, ace_order),
	CONSTRAINT acl_entry_object_fk FOREIGN KEY (acl_object_identity) REFERENCES acl_object_identity (id),
	CONSTRAINT acl_entry_sid_fk FOREIGN KEY (sid) REFERENCES acl_sid (id)
);
