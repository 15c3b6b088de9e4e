package com.example.meetup.group;

import java.util.Arrays;
import java.util.List;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/**
 * Stores a list of user names in one column, comma separated. Clients receive the list as
 * a JSON array.
 *
 * @author Entanglement
 */
@Converter
class NameList implements AttributeConverter<List<String>, String> {

	@Override
	public String convertToDatabaseColumn(List<String> names) {
		return String.join(",", names);
	}

	@Override
	public List<String> convertToEntityAttribute(String column) {
		return column.isEmpty() ? List.of() : Arrays.asList(column.split(","));
	}

}
