/**
 * JDBC: the change log (the commit-ordered sequence and tombstones that resume tokens
 * point into) and the tables of Spring Security access control lists.
 */
@NullMarked
package io.entanglement.jdbc;

import org.jspecify.annotations.NullMarked;
