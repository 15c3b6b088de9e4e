package io.entanglement.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks that every {@code include::} of the reference documentation names a file that
 * exists and tags that the file opens and closes, so a renamed class or a moved tag fails
 * the build even where Asciidoctor is not run.
 *
 * @author Entanglement
 */
class IncludedSnippetsTests {

	private static final Path DOCS = Path.of("src/docs/asciidoc");

	private static final Pattern INCLUDE = Pattern.compile("^include::([^\\[]+)\\[([^\\]]*)\\]\\s*$",
			Pattern.MULTILINE);

	private static final Pattern ATTRIBUTE_REFERENCE = Pattern.compile("\\{([a-z0-9-]+)\\}");

	/** The attributes the pom passes to Asciidoctor, each a path under the module. */
	private static final Pattern POM_ATTRIBUTE = Pattern
		.compile("<(docs-[a-z-]+)>\\$\\{project\\.basedir\\}/([^<]+)</\\1>");

	private static final Pattern TEXT_FILE = Pattern.compile(".+\\.(java|ya?ml|json|xml|properties|sql)");

	private static final Pattern TAG = Pattern.compile("(tag|end)::([A-Za-z0-9_-]+)\\[\\]");

	@Test
	void everyIncludeNamesAnExistingFileAndTag() throws IOException {
		Map<String, Path> attributes = pomAttributes();
		List<Path> pages = pages();
		assertThat(pages).isNotEmpty();
		int includes = 0;
		for (Path page : pages) {
			Matcher include = INCLUDE.matcher(Files.readString(page));
			while (include.find()) {
				includes++;
				String where = page.getFileName() + ": include::" + include.group(1);
				Path target = resolve(page, include.group(1), attributes, where);
				assertThat(target).as(where).isRegularFile();
				Map<String, Integer> balance = tagBalance(target);
				for (String tag : tags(include.group(2))) {
					assertThat(balance).as(where + " has tag '" + tag + "'").containsKey(tag);
				}
			}
		}
		assertThat(includes).as("includes found").isGreaterThan(5);
	}

	@Test
	void everyTaggedRegionInTheSnippetSourcesIsClosed() throws IOException {
		List<Path> sources = new ArrayList<>();
		for (Path root : List.of(Path.of("src/test"), Path.of("pom.xml"))) {
			try (Stream<Path> files = Files.walk(root)) {
				files.filter((file) -> TEXT_FILE.matcher(file.getFileName().toString()).matches())
					.forEach(sources::add);
			}
		}
		for (Path source : sources) {
			assertThat(tagBalance(source).values()).as(source + " opens and closes each tag").allMatch((n) -> n == 0);
		}
	}

	private static List<Path> pages() throws IOException {
		try (Stream<Path> files = Files.list(DOCS)) {
			return files.filter((file) -> file.toString().endsWith(".adoc")).sorted().toList();
		}
	}

	private static Map<String, Path> pomAttributes() throws IOException {
		Map<String, Path> attributes = new LinkedHashMap<>();
		Matcher attribute = POM_ATTRIBUTE.matcher(Files.readString(Path.of("pom.xml")));
		while (attribute.find()) {
			attributes.put(attribute.group(1), Path.of(attribute.group(2)));
		}
		assertThat(attributes).containsKeys("docs-java", "docs-resources");
		return attributes;
	}

	private static Path resolve(Path page, String target, Map<String, Path> attributes, String where) {
		Matcher reference = ATTRIBUTE_REFERENCE.matcher(target);
		if (!reference.find()) {
			return page.resolveSibling(target);
		}
		assertThat(reference.start()).as(where + " starts with its attribute").isZero();
		assertThat(attributes).as(where + " uses an attribute the pom sets").containsKey(reference.group(1));
		String rest = target.substring(reference.end()).replaceFirst("^/", "");
		Path base = attributes.get(reference.group(1));
		return rest.isEmpty() ? base : base.resolve(rest);
	}

	private static List<String> tags(String attributeList) {
		List<String> tags = new ArrayList<>();
		for (String attribute : attributeList.split(",")) {
			String[] pair = attribute.trim().split("=", 2);
			if (pair.length == 2 && (pair[0].equals("tag") || pair[0].equals("tags"))) {
				for (String tag : pair[1].replace("\"", "").split(";")) {
					tags.add(tag.trim());
				}
			}
		}
		return tags;
	}

	/**
	 * Per tag, how many regions are open at the end of the file; a tag that closes before
	 * it opens is recorded as -1 at once.
	 */
	private static Map<String, Integer> tagBalance(Path file) throws IOException {
		Map<String, Integer> balance = new LinkedHashMap<>();
		for (String line : Files.readAllLines(file)) {
			Matcher tag = TAG.matcher(line);
			while (tag.find()) {
				int open = balance.getOrDefault(tag.group(2), 0);
				if (open < 0) {
					continue;
				}
				balance.put(tag.group(2), tag.group(1).equals("tag") ? open + 1 : open - 1);
			}
		}
		return balance;
	}

}
