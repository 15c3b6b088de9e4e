package io.entanglement.jdbc;

import java.sql.DatabaseMetaData;
import java.util.Locale;

import javax.sql.DataSource;

import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;

/**
 * The Spring Security ACL tables that Entanglement creates, for one database: where their
 * migrations are, and how {@code JdbcMutableAclService} reads the key of a row it has
 * just inserted.
 *
 * @param vendor the database, as named in the migration locations ({@code h2},
 * {@code postgresql})
 * @param classIdentityQuery the query for the key of the last {@code acl_class} row
 * inserted in this transaction
 * @param sidIdentityQuery the query for the key of the last {@code acl_sid} row inserted
 * in this transaction
 * @author Entanglement
 */
public record JdbcAclSchema(String vendor, String classIdentityQuery, String sidIdentityQuery) {

	/** Where the ACL migrations are, one folder per vendor. */
	public static final String LOCATION = "classpath:io/entanglement/db/acl";

	/** H2 2.x: explicit sequences, read per session. */
	public static final JdbcAclSchema H2 = new JdbcAclSchema("h2", "SELECT CURRENT VALUE FOR acl_class_seq",
			"SELECT CURRENT VALUE FOR acl_sid_seq");

	/** PostgreSQL: the serial columns' sequences, read per session. */
	public static final JdbcAclSchema POSTGRESQL = new JdbcAclSchema("postgresql",
			"SELECT currval(pg_get_serial_sequence('acl_class', 'id'))",
			"SELECT currval(pg_get_serial_sequence('acl_sid', 'id'))");

	/**
	 * The location of this database's migrations.
	 * @return the Flyway location
	 */
	public String location() {
		return LOCATION + "/" + this.vendor;
	}

	/**
	 * The schema for the database behind a data source.
	 * @param dataSource the data source
	 * @return the schema
	 * @throws IllegalStateException if the database is not supported or cannot be reached
	 */
	public static JdbcAclSchema of(DataSource dataSource) {
		String product;
		try {
			product = JdbcUtils.extractDatabaseMetaData(dataSource, DatabaseMetaData::getDatabaseProductName);
		}
		catch (MetaDataAccessException ex) {
			throw new IllegalStateException("Could not tell which database holds the access control lists", ex);
		}
		return forProduct(product);
	}

	/**
	 * The schema for a database product.
	 * @param product the product name the JDBC driver reports
	 * @return the schema
	 * @throws IllegalStateException if the database is not supported
	 */
	public static JdbcAclSchema forProduct(String product) {
		String name = product.toLowerCase(Locale.ROOT);
		if (name.equals("h2")) {
			return H2;
		}
		if (name.equals("postgresql")) {
			return POSTGRESQL;
		}
		throw new UnsupportedAclDatabaseException(product);
	}

}
