package io.entanglement.jdbc;

/**
 * Entanglement has no access control list tables for the application's database.
 *
 * @author Entanglement
 */
public class UnsupportedAclDatabaseException extends IllegalStateException {

	private final String product;

	/**
	 * Create a new exception.
	 * @param product the database product name
	 */
	public UnsupportedAclDatabaseException(String product) {
		super("Entanglement cannot store access control lists in " + product + "; it supports H2 and PostgreSQL");
		this.product = product;
	}

	/**
	 * The database product.
	 * @return the product name the JDBC driver reports
	 */
	public String getProduct() {
		return this.product;
	}

}
