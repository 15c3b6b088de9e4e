-- Spring Security ACL tables for H2, after createAclSchemaWithAclClassIdType.sql of
-- spring-security-acl, with these changes:
-- * explicit sequences, so that JdbcMutableAclService reads the key it just generated with
--   CURRENT VALUE FOR (H2 2 no longer has IDENTITY());
-- * case-sensitive VARCHAR instead of VARCHAR_IGNORECASE, so that principals 'Alice' and
--   'alice' are different sids;
-- * object ids up to 255 characters (entity ids may be strings), class names likewise.
CREATE SEQUENCE acl_sid_seq START WITH 100;
CREATE SEQUENCE acl_class_seq START WITH 100;
CREATE SEQUENCE acl_object_identity_seq START WITH 100;
CREATE SEQUENCE acl_entry_seq START WITH 100;

CREATE TABLE acl_sid (
	id BIGINT DEFAULT NEXT VALUE FOR acl_sid_seq NOT NULL PRIMARY KEY,
	principal BOOLEAN NOT NULL,
	sid VARCHAR(255) NOT NULL,
	CONSTRAINT acl_sid_uk UNIQUE (sid, principal)
);

CREATE TABLE acl_class (
	id BIGINT DEFAULT NEXT VALUE FOR acl_class_seq NOT NULL PRIMARY KEY,
	class VARCHAR(255) NOT NULL,
	class_id_type VARCHAR(255),
	CONSTRAINT acl_class_uk UNIQUE (class)
);

CREATE TABLE acl_object_identity (
	id BIGINT DEFAULT NEXT VALUE FOR acl_object_identity_seq NOT NULL PRIMARY KEY,
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
	id BIGINT DEFAULT NEXT VALUE FOR acl_entry_seq NOT NULL PRIMARY KEY,
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
