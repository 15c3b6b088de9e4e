/**
 * The change log on JDBC: the commit-ordered sequence and tombstones that resume tokens
 * point into.
 */
@NullMarked
package io.entanglement.jdbc;

import org.jspecify.annotations.NullMarked;
