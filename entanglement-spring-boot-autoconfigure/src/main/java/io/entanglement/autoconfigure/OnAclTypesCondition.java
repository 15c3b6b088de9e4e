package io.entanglement.autoconfigure;

import java.util.List;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when {@code entanglement.security.acl.types} lists at least one type, in any of
 * the forms a list property takes.
 *
 * @author Entanglement
 */
class OnAclTypesCondition extends SpringBootCondition {

	private static final String PROPERTY = "entanglement.security.acl.types";

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		ConditionMessage.Builder message = ConditionMessage.forCondition("Entanglement access control lists");
		List<String> types = Binder.get(context.getEnvironment())
			.bind(PROPERTY, Bindable.listOf(String.class))
			.orElse(List.of());
		if (types.isEmpty()) {
			return ConditionOutcome.noMatch(message.because("no type is listed in " + PROPERTY));
		}
		return ConditionOutcome.match(message.found("type", "types").items(types));
	}

}
