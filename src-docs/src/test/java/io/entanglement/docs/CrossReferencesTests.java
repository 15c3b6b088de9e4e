package io.entanglement.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks that every {@code xref:page.adoc#anchor[]} of the reference documentation names
 * a page that exists and an anchor on it: Asciidoctor does not check anchors across
 * pages. Section ids are worked out as the pom configures them (no prefix, {@code -}
 * between words).
 *
 * @author Entanglement
 */
class CrossReferencesTests {

	private static final Path DOCS = Path.of("src/docs/asciidoc");

	private static final Pattern XREF = Pattern.compile("xref:([A-Za-z0-9_-]+\\.adoc)(?:#([A-Za-z0-9_-]+))?\\[");

	private static final Pattern SECTION = Pattern.compile("^=+ (.+)$", Pattern.MULTILINE);

	private static final Pattern EXPLICIT_ID = Pattern
		.compile("\\[\\[([A-Za-z0-9_-]+)(?:,[^\\]]*)?\\]\\]|\\[#([A-Za-z0-9_-]+)[\\].,%]");

	@Test
	void everyCrossReferenceNamesAnExistingPageAndAnchor() throws IOException {
		int checked = 0;
		try (Stream<Path> pages = Files.list(DOCS)) {
			for (Path page : pages.filter((file) -> file.toString().endsWith(".adoc")).sorted().toList()) {
				Matcher xref = XREF.matcher(Files.readString(page));
				while (xref.find()) {
					String where = page.getFileName() + ": " + xref.group();
					Path target = DOCS.resolve(xref.group(1));
					assertThat(target).as(where).isRegularFile();
					if (xref.group(2) != null) {
						assertThat(ids(target)).as(where).contains(xref.group(2));
						checked++;
					}
				}
			}
		}
		assertThat(checked).as("anchors checked").isGreaterThan(5);
	}

	@Test
	void sectionIdsAreWorkedOutAsAsciidoctorDoes() {
		assertThat(sectionId("Thin links")).isEqualTo("thin-links");
		assertThat(sectionId("The `propose` frame: what it carries")).isEqualTo("the-propose-frame-what-it-carries");
		assertThat(sectionId("P1 and P2, side by side")).isEqualTo("p1-and-p2-side-by-side");
	}

	private static Set<String> ids(Path page) throws IOException {
		String text = Files.readString(page);
		Set<String> ids = new HashSet<>();
		Matcher section = SECTION.matcher(text);
		while (section.find()) {
			ids.add(sectionId(section.group(1)));
		}
		Matcher explicit = EXPLICIT_ID.matcher(text);
		while (explicit.find()) {
			ids.add((explicit.group(1) != null) ? explicit.group(1) : explicit.group(2));
		}
		return ids;
	}

	/**
	 * Asciidoctor's id of a section title with an empty prefix and {@code -} as the
	 * separator: lower case, markup and punctuation dropped, words joined by {@code -}.
	 */
	static String sectionId(String title) {
		String id = title.toLowerCase(Locale.ROOT)
			.replaceAll("<[^>]+>", "")
			.replaceAll("&[a-z0-9#]+;", "")
			.replaceAll("[^\\p{L}\\p{N}_ .-]", "")
			.replaceAll("[ .-]+", "-");
		return id.replaceAll("^-+|-+$", "");
	}

}
