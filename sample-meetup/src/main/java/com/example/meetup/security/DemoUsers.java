package com.example.meetup.security;

import java.util.List;

/**
 * The people who can sign in to the demo.
 *
 * @author Entanglement
 */
public final class DemoUsers {

	/**
	 * The demo user names. Everyone's password is {@value #PASSWORD}.
	 */
	public static final List<String> NAMES = List.of("alice", "bob", "carol", "dave", "erin", "frank", "mallory");

	/**
	 * The demo users who are staff: they see every group.
	 */
	public static final List<String> STAFF = List.of("erin");

	/**
	 * The authority of staff, granted {@code READ} on every group, meeting point and
	 * location, and cleared for {@code SECRET} in {@code application.yml}.
	 */
	public static final String STAFF_AUTHORITY = "ROLE_STAFF";

	/**
	 * The password of every demo user.
	 */
	public static final String PASSWORD = "password";

	private DemoUsers() {
	}

}
