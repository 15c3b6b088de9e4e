package io.entanglement.docs;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks the properties table of {@code configuration.adoc} against the configuration
 * metadata that the annotation processor generates from {@code EntanglementProperties}:
 * the same keys, the same defaults, the same descriptions.
 *
 * @author Entanglement
 */
class ConfigurationPropertiesDocumentationTests {

	private static final Path PAGE = Path.of("src/docs/asciidoc/configuration.adoc");

	/**
	 * A row: the key, the default and the description, each in a cell of its own line.
	 */
	private static final Pattern ROW = Pattern.compile("^\\|`(entanglement\\.[a-z0-9.-]+)`\\n\\|(.*)\\n\\|(.+)$",
			Pattern.MULTILINE);

	@Test
	void tableDocumentsEveryPropertyWithItsDefaultAndDescription() throws IOException {
		Map<String, JsonNode> metadata = metadata();
		assertThat(metadata).containsKeys("entanglement.enabled", "entanglement.session.max-pending");
		Map<String, String[]> rows = rows();
		assertThat(rows.keySet()).as("documented properties").containsExactlyElementsOf(metadata.keySet());
		metadata.forEach((name, property) -> {
			String[] row = rows.get(name);
			assertThat(row[0]).as("default of " + name).isEqualTo(shownDefault(property.get("defaultValue")));
			assertThat(unescape(row[1])).as("description of " + name).isEqualTo(property.get("description").asString());
		});
	}

	private static Map<String, JsonNode> metadata() throws IOException {
		Map<String, JsonNode> properties = new TreeMap<>();
		List<URL> files = Collections
			.list(getClassLoader().getResources("META-INF/spring-configuration-metadata.json"));
		for (URL file : files) {
			try (InputStream in = file.openStream()) {
				for (JsonNode property : JsonMapper.shared().readTree(in).path("properties")) {
					String name = property.get("name").asString();
					if (name.startsWith("entanglement.")) {
						properties.put(name, property);
					}
				}
			}
		}
		return properties;
	}

	private static ClassLoader getClassLoader() {
		return ConfigurationPropertiesDocumentationTests.class.getClassLoader();
	}

	private static Map<String, String[]> rows() throws IOException {
		Map<String, String[]> rows = new TreeMap<>();
		Matcher row = ROW.matcher(Files.readString(PAGE));
		while (row.find()) {
			String[] previous = rows.put(row.group(1), new String[] { row.group(2).trim(), row.group(3).trim() });
			assertThat(previous).as(row.group(1) + " documented once").isNull();
		}
		return rows;
	}

	/**
	 * The default as the table shows it: in backticks, nothing for no default or an empty
	 * list.
	 */
	private static String shownDefault(JsonNode value) {
		if (value == null || value.isNull() || (value.isArray() && value.isEmpty())) {
			return "";
		}
		if (value.isArray()) {
			return "`" + value.valueStream().map(JsonNode::asString).collect(Collectors.joining(",")) + "`";
		}
		return "`" + value.asString() + "`";
	}

	/**
	 * Undo the escapes AsciiDoc needs, such as a backslash that keeps a URL pattern from
	 * becoming a link.
	 */
	private static String unescape(String cell) {
		return cell.replace("\\", "");
	}

}
