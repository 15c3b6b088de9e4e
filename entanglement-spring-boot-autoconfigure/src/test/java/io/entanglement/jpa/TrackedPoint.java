package io.entanglement.jpa;

import io.entanglement.SyncIgnore;
import io.entanglement.SyncOwner;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Version;
import org.jspecify.annotations.Nullable;

/**
 * A synchronized entity with an owner column and a field that is never synchronized.
 *
 * @author Entanglement
 */
@Entity
public class TrackedPoint {

	@Id
	private String id;

	@Version
	private @Nullable Long version;

	private String name;

	@SyncIgnore
	private @Nullable String secret;

	@SyncOwner
	private @Nullable String owner;

	protected TrackedPoint() {
		this.id = "";
		this.name = "";
	}

	public TrackedPoint(String id, String name) {
		this.id = id;
		this.name = name;
	}

	public String getId() {
		return this.id;
	}

	public @Nullable Long getVersion() {
		return this.version;
	}

	public String getName() {
		return this.name;
	}

	public void setName(String name) {
		this.name = name;
	}

	public @Nullable String getSecret() {
		return this.secret;
	}

	public void setSecret(@Nullable String secret) {
		this.secret = secret;
	}

	public @Nullable String getOwner() {
		return this.owner;
	}

	public void setOwner(@Nullable String owner) {
		this.owner = owner;
	}

}
