package io.entanglement.engine;

import java.util.Collection;
import java.util.List;
import java.util.Set;

import io.entanglement.StoreWrite;
import io.entanglement.SyncChange;
import io.entanglement.SyncStore;

/**
 * A store that hands everything to another; tests override what they change, such as what
 * happens while a snapshot is read.
 *
 * @author Entanglement
 */
class ForwardingSyncStore implements SyncStore {

	private final SyncStore delegate;

	ForwardingSyncStore(SyncStore delegate) {
		this.delegate = delegate;
	}

	@Override
	public String type() {
		return this.delegate.type();
	}

	@Override
	public boolean durable() {
		return this.delegate.durable();
	}

	@Override
	public List<SyncChange> snapshot() {
		return this.delegate.snapshot();
	}

	@Override
	public List<SyncChange> load(Collection<String> ids) {
		return this.delegate.load(ids);
	}

	@Override
	public Set<String> attributes() {
		return this.delegate.attributes();
	}

	@Override
	public SyncChange apply(StoreWrite write) {
		return this.delegate.apply(write);
	}

}
