package io.entanglement.engine;

import java.util.regex.Pattern;

import io.entanglement.InvalidRequestException;

/**
 * A position in the change sequence of one database: a client holding it has seen every
 * change numbered up to {@code seq}. On the wire it reads {@code <epoch>.<seq>}.
 *
 * @param epoch identifies the database whose sequence this is
 * @param seq the sequence number
 * @author Entanglement
 */
public record ResumeToken(String epoch, long seq) {

	private static final Pattern FORMAT = Pattern.compile("[0-9a-f]{1,32}\\.[0-9]{1,18}");

	/**
	 * A position in no database's sequence. Frames carry it until their client holds a
	 * complete state (the first frames of a large snapshot), and a session that resumes
	 * with a token handed to another identity resumes from it: a client resuming from it
	 * is reset. Every number of a database, 0 included, is a position its client can
	 * resume from.
	 */
	public static final ResumeToken NONE = new ResumeToken("0", 0);

	/**
	 * Parse a token as sent by a client.
	 * @param value the header value
	 * @return the token
	 * @throws InvalidRequestException if the value is not a token
	 */
	public static ResumeToken parse(String value) {
		if (!FORMAT.matcher(value).matches()) {
			throw new InvalidRequestException("Malformed resume token");
		}
		int dot = value.indexOf('.');
		return new ResumeToken(value.substring(0, dot), Long.parseLong(value.substring(dot + 1)));
	}

	@Override
	public String toString() {
		return this.epoch + "." + this.seq;
	}

}
