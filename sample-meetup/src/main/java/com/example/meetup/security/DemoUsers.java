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
	public static final List<String> NAMES = List.of("alice", "bob", "carol", "dave", "erin");

	/**
	 * The password of every demo user.
	 */
	public static final String PASSWORD = "password";

	private DemoUsers() {
	}

}
