/*
 * Entanglement's JavaScript client, for browsers and Node.
 *
 * Keeps live collections of the objects a server synchronizes (what its policy lets this
 * user see), resumes them after a reconnect from the last resume token, sends proposals
 * and transitions, and answers the proposals forwarded to this user as an owner. Served
 * by the Entanglement starter at /entanglement/entanglement.js, on top of @stomp/stompjs
 * served at /entanglement/stompjs/. Types: entanglement.d.ts beside this file.
 */
import { Client, ReconnectionTimeMode } from './stompjs/index.js';

const REPLIES = '/user/queue/entanglement/replies';
const REQUESTS = '/user/queue/entanglement/requests';
const TYPE_PREFIX = '/entanglement/';
const APP_PREFIX = '/app/entanglement/';
const TOKEN_HEADER = 'entanglement-token';
const SINCE_HEADER = 'entanglement-since';
const FILTER_HEADER = 'entanglement-filter';
const DELTA_HEADER = 'entanglement-delta';
const NAME = /^[A-Za-z0-9_-]{1,100}$/;
const STORAGE_PREFIX = 'entanglement:';
const STORAGE_DELAY = 1000;
const CLOSE_TIMEOUT = 2000;

// Internal entry points between a connection and its collections and transitions.
const APPLY = Symbol('apply');
const RESUBSCRIBE = Symbol('resubscribe');
const DISCONNECTED = Symbol('disconnected');
const REFUSED = Symbol('refused');
const OVERLAY = Symbol('overlay');
const SETTLE = Symbol('settle');
const HELD = Symbol('held');
const END = Symbol('end');

/**
 * A rejected proposal, a refused subscription, or a failure of the connection. `code` is
 * one of the server's reply codes (`forbidden`, `conflict`, `invalid`, `not-found`,
 * `unknown-type`, `owner-unreachable`, `timeout`, `transition-broken`) or a code of this
 * client (`closed`, `csrf`, `stomp`).
 */
export class EntanglementError extends Error {
	constructor(code, message, details = {}) {
		super(message || code);
		this.name = 'EntanglementError';
		this.code = code;
		this.requestId = details.requestId;
		this.destination = details.destination;
		this.current = details.current;
	}
}

/**
 * Connect to an Entanglement endpoint and keep connected (reconnecting with backoff)
 * until `close()`.
 */
export function connect(url, options = {}) {
	return new Connection(url, options);
}

/** Listeners by event name; a listener's failure is reported without stopping the others. */
class Listeners {
	#listeners = new Map();

	on(event, listener) {
		if (typeof listener !== 'function') {
			throw new TypeError('A listener must be a function');
		}
		let listeners = this.#listeners.get(event);
		if (!listeners) {
			listeners = new Set();
			this.#listeners.set(event, listeners);
		}
		listeners.add(listener);
		return () => listeners.delete(listener);
	}

	emit(event, detail) {
		const listeners = this.#listeners.get(event);
		if (!listeners) {
			return;
		}
		for (const listener of [...listeners]) {
			try {
				listener(detail);
			}
			catch (error) {
				// The client's own state is already consistent: report, and go on.
				setTimeout(() => {
					throw error;
				});
			}
		}
	}
}

/** One connection to the server, with its collections, proposals and transitions. */
export class Connection {
	#client;
	#url;
	#csrfUrl;
	#headers;
	#connectHeaders;
	#storage;
	#log;
	#events = new Listeners();
	#collections = new Set();
	#pending = new Map();
	#answers = new Map();
	#transitions = new Set();
	#requestHandlers = [];
	#requests = null;
	#user = null;
	#closed = false;
	#reconnects;
	#retryDelay;
	#nextSubscription = 1;

	constructor(url, options = {}) {
		this.#url = endpointUrl(url);
		this.#headers = { ...options.headers };
		this.#connectHeaders = { ...options.connectHeaders };
		this.#storage = options.storage ?? null;
		this.#log = logger(options.debug);
		this.#csrfUrl = csrfUrl(this.#url, options.csrf, this.#headers);
		const factory = options.webSocketFactory;
		if (!factory && typeof WebSocket === 'undefined') {
			throw new TypeError('No WebSocket here: pass a webSocketFactory (for example with the "ws" package)');
		}
		const reconnect = reconnectDelays(options.reconnect);
		this.#reconnects = reconnect.minDelay > 0;
		this.#retryDelay = reconnect.maxDelay;
		this.#client = new Client({
			brokerURL: this.#url.href,
			connectHeaders: { ...this.#connectHeaders },
			reconnectDelay: reconnect.minDelay,
			maxReconnectDelay: reconnect.maxDelay,
			reconnectTimeMode: ReconnectionTimeMode.EXPONENTIAL,
			debug: (message) => this.#log(message),
			beforeConnect: () => this.#beforeConnect(reconnect),
			onConnect: (frame) => this.#onConnect(frame),
			onStompError: (frame) => this.#fail(new EntanglementError('stomp',
				frame.headers.message || frame.body || 'The server refused the connection')),
			onWebSocketClose: (event) => this.#onClose(event),
		});
		if (factory) {
			this.#client.webSocketFactory = () => factory(this.#url.href,
				this.#client.stompVersions.protocolVersions(), { ...this.#headers });
		}
		this.#client.activate();
	}

	/** Whether the STOMP session is up. */
	get connected() {
		return this.#client.connected;
	}

	/** The principal name the server gave this connection, once connected. */
	get user() {
		return this.#user;
	}

	on(event, listener) {
		return this.#events.on(event, listener);
	}

	subscribe(type, options = {}) {
		checkName(type, 'type');
		this.#checkOpen();
		const collection = new LiveCollection(this.#hooks(), type, options.filter ?? {},
			'entanglement-' + (this.#nextSubscription++), options.delta !== false);
		this.#collections.add(collection);
		if (this.connected) {
			collection[RESUBSCRIBE](this.#client, this.#user, this.#storage);
		}
		return collection;
	}

	propose(type, id, state, options = {}) {
		checkName(type, 'type');
		const body = { requestId: randomId() };
		if (id !== undefined && id !== null) {
			body.id = String(id);
		}
		if (options.baseVersion !== undefined && options.baseVersion !== null) {
			body.baseVersion = options.baseVersion;
		}
		if (state !== undefined && state !== null) {
			body.state = state;
		}
		if (options.delete) {
			body.delete = true;
		}
		const transition = options.transition instanceof Transition ? options.transition.transition
			: options.transition;
		if (transition) {
			body.transition = transition;
		}
		return this.#request(APP_PREFIX + type + '/propose', body, transition);
	}

	changeOwner(type, id, owner, options = {}) {
		checkName(type, 'type');
		const body = { requestId: randomId(), id: String(id), owner };
		if (options.baseVersion !== undefined && options.baseVersion !== null) {
			body.baseVersion = options.baseVersion;
		}
		return this.#request(APP_PREFIX + type + '/owner', body);
	}

	transition(type, id, state) {
		checkName(type, 'type');
		const key = String(id);
		for (const active of this.#transitions) {
			if (active.type === type && active.id === key && !active.committing) {
				active.update(state);
				return active;
			}
		}
		const transition = new Transition(this.#hooks(), type, key, randomId());
		this.#transitions.add(transition);
		transition.update(state);
		return transition;
	}

	onRequest(handler) {
		if (typeof handler !== 'function') {
			throw new TypeError('A request handler must be a function');
		}
		this.#requestHandlers.push(handler);
		if (this.#requestHandlers.length === 1 && this.connected) {
			this.#subscribeRequests();
		}
		return () => {
			const index = this.#requestHandlers.indexOf(handler);
			if (index >= 0) {
				this.#requestHandlers.splice(index, 1);
			}
			if (this.#requestHandlers.length === 0 && this.#requests) {
				this.#unsubscribe(this.#requests);
				this.#requests = null;
			}
		};
	}

	reconnect() {
		this.#checkOpen();
		this.#client.forceDisconnect();
	}

	async close() {
		if (this.#closed) {
			return;
		}
		this.#closed = true;
		for (const collection of this.#collections) {
			collection.close();
		}
		// A server that does not answer DISCONNECT does not hold the close up for long.
		const deactivated = this.#client.deactivate();
		const timer = setTimeout(() => this.#client.deactivate({ force: true }), CLOSE_TIMEOUT);
		await deactivated;
		clearTimeout(timer);
		const closed = new EntanglementError('closed', 'The connection was closed');
		for (const [requestId, pending] of this.#pending) {
			this.#pending.delete(requestId);
			pending.reject(closed);
		}
		this.#answers.clear();
	}

	/** What collections and transitions may call on their connection. */
	#hooks() {
		return {
			user: () => this.#user,
			storage: () => this.#storage,
			storageKey: (type, filter) => STORAGE_PREFIX + this.#url.href + '|' + type + '|' + filter,
			publish: (destination, body) => this.#publish(destination, body),
			unsubscribe: (subscription) => this.#unsubscribe(subscription),
			forget: (collection) => this.#collections.delete(collection),
			collections: (type) => [...this.#collections].filter((collection) => collection.type === type),
			propose: (type, id, state, options) => this.propose(type, id, state, options),
			ended: (transition) => this.#transitions.delete(transition),
			resubscribe: (collection) => {
				if (this.connected) {
					collection[RESUBSCRIBE](this.#client, this.#user, this.#storage);
				}
			},
			// How long a collection the server could not load waits before subscribing
			// again: the longest reconnect delay; 0 when the connection does not reconnect.
			retryDelay: () => this.#retryDelay,
			log: this.#log,
		};
	}

	#checkOpen() {
		if (this.#closed) {
			throw new EntanglementError('closed', 'The connection was closed');
		}
	}

	async #beforeConnect(reconnect) {
		if (!this.#csrfUrl) {
			return;
		}
		// Until the token is there, CONNECT would only be refused: retry with the same backoff.
		let delay = reconnect.minDelay;
		while (this.#client.active) {
			try {
				this.#client.connectHeaders = { ...this.#connectHeaders, ...(await this.#csrfHeader()) };
				return;
			}
			catch (error) {
				this.#fail(error instanceof EntanglementError ? error
					: new EntanglementError('csrf', 'The CSRF token could not be fetched: ' + error.message));
				await new Promise((resolve) => setTimeout(resolve, delay));
				delay = Math.min(delay * 2, reconnect.maxDelay || delay * 2);
			}
		}
	}

	async #csrfHeader() {
		const response = await fetch(this.#csrfUrl, {
			credentials: 'include',
			cache: 'no-store',
			headers: { Accept: 'application/json', ...this.#headers },
		});
		if (response.status === 404) {
			// No CSRF protection on this server.
			return {};
		}
		if (!response.ok) {
			throw new EntanglementError('csrf', 'The CSRF token could not be fetched: HTTP ' + response.status);
		}
		const csrf = await response.json();
		return { [csrf.headerName]: csrf.token };
	}

	#onConnect(frame) {
		this.#user = frame.headers['user-name'] ?? null;
		// Replies first: every later frame of this session may be answered there.
		this.#client.subscribe(REPLIES, (message) => this.#onReply(message), { id: 'entanglement-replies' });
		this.#requests = null;
		if (this.#requestHandlers.length > 0) {
			this.#subscribeRequests();
		}
		for (const collection of this.#collections) {
			collection[RESUBSCRIBE](this.#client, this.#user, this.#storage);
		}
		// Unanswered requests are sent again with the same requestId: the server answers a
		// repeat from its record and never applies it twice.
		for (const pending of this.#pending.values()) {
			this.#client.publish(pending.frame);
		}
		for (const answer of this.#answers.values()) {
			answer.repeated = answer.sent;
			answer.sent = true;
			this.#client.publish(answer.frame);
		}
		this.#events.emit('connected', { user: this.#user });
	}

	#onClose(event) {
		for (const transition of [...this.#transitions]) {
			transition[END]('disconnected');
		}
		for (const collection of this.#collections) {
			collection[DISCONNECTED]();
		}
		this.#requests = null;
		if (this.#closed) {
			return;
		}
		this.#events.emit('disconnected', { code: event?.code, reason: event?.reason });
		if (!this.#reconnects) {
			this.close();
		}
	}

	#fail(error) {
		this.#log('Error: ' + error.code + ': ' + error.message);
		this.#events.emit('error', error);
	}

	#request(destination, body, transition) {
		if (this.#closed) {
			return Promise.reject(new EntanglementError('closed', 'The connection was closed'));
		}
		return new Promise((resolve, reject) => {
			const frame = jsonFrame(destination, body);
			this.#pending.set(body.requestId, { frame, resolve, reject, transition });
			if (this.connected) {
				this.#client.publish(frame);
			}
		});
	}

	#publish(destination, body) {
		if (!this.connected) {
			return false;
		}
		this.#client.publish(jsonFrame(destination, body));
		return true;
	}

	#unsubscribe(subscription) {
		if (this.connected) {
			subscription.unsubscribe();
		}
	}

	#subscribeRequests() {
		this.#requests = this.#client.subscribe(REQUESTS, (message) => this.#onOwnerRequest(message),
			{ id: 'entanglement-requests' });
	}

	#onReply(message) {
		const reply = parseJson(message.body);
		if (!reply) {
			return;
		}
		const pending = reply.requestId !== undefined && this.#pending.get(reply.requestId);
		if (pending) {
			this.#pending.delete(reply.requestId);
			this.#settle(pending, reply);
			return;
		}
		const answer = reply.requestId !== undefined && this.#answers.get(reply.requestId);
		if (answer) {
			// The server's word on this owner's answer to a forwarded request; an answer sent
			// again after a reconnect may find the first one already taken.
			this.#answers.delete(reply.requestId);
			if (reply.status !== 'accepted' && !(answer.repeated && reply.code === 'conflict')) {
				this.#fail(replyError(reply));
			}
			return;
		}
		if (reply.transition !== undefined && reply.requestId === undefined) {
			this.#transitionRejected(reply);
			return;
		}
		if (reply.destination !== undefined) {
			this.#refused(reply);
			return;
		}
		this.#fail(replyError(reply));
	}

	/** A transition of this connection ended on the server, or was refused. */
	#transitionRejected(reply) {
		const local = this.#localTransition(reply.transition);
		if (reply.code === 'transition-broken') {
			// Also told of one this connection already let go of (cancelled): nothing to undo.
			local?.[END](reply.reason ?? 'broken');
			return;
		}
		local?.[END]('rejected');
		this.#fail(replyError(reply));
	}

	#settle(pending, reply) {
		const transition = pending.transition && this.#localTransition(pending.transition);
		if (reply.status === 'accepted') {
			transition?.[SETTLE](reply.version ?? 0);
			pending.resolve(reply);
		}
		else {
			transition?.[END](reply.code === 'transition-broken' ? 'broken' : 'rejected');
			pending.reject(replyError(reply));
		}
	}

	#refused(reply) {
		const error = replyError(reply);
		const destination = reply.destination;
		if (destination.startsWith(TYPE_PREFIX)) {
			for (const collection of this.#collections) {
				collection[REFUSED](destination, reply.subscription, error);
			}
		}
		const transition = /^\/app\/entanglement\/([A-Za-z0-9_-]+)\/transition$/.exec(destination);
		if (transition) {
			// A transition the server does not take ends here, without a commit.
			for (const local of [...this.#transitions]) {
				if (local.type === transition[1]) {
					local[END]('rejected');
				}
			}
		}
		this.#fail(error);
	}

	#localTransition(transitionId) {
		if (!transitionId) {
			return undefined;
		}
		for (const transition of this.#transitions) {
			if (transition.transition === transitionId) {
				return transition;
			}
		}
		return undefined;
	}

	async #onOwnerRequest(message) {
		const request = parseJson(message.body);
		if (!request || typeof request.requestId !== 'string' || !NAME.test(request.requestId)) {
			return;
		}
		const answer = await this.#decide(request);
		const frame = jsonFrame(APP_PREFIX + 'requests/' + request.requestId, answer);
		const entry = { frame, sent: false, repeated: false };
		this.#answers.set(request.requestId, entry);
		if (this.connected) {
			entry.sent = true;
			this.#client.publish(frame);
		}
	}

	async #decide(request) {
		try {
			for (const handler of [...this.#requestHandlers]) {
				const decision = await handler(request);
				if (decision) {
					return decision.decision === 'accept' ? { decision: 'accept', state: decision.state ?? {} }
						: { decision: 'reject', code: decision.code ?? 'forbidden', message: decision.message };
				}
			}
			return { decision: 'reject', code: 'forbidden', message: 'No handler decided this request' };
		}
		catch (error) {
			// The proposer hears a plain refusal; the details stay with this owner.
			this.#fail(new EntanglementError('invalid', 'A request handler failed: ' + error?.message,
				{ requestId: request.requestId }));
			return { decision: 'reject', code: 'invalid', message: 'The owner could not decide this request' };
		}
	}
}

/**
 * The objects of one type this connection may see, kept current: a read-only Map of id to
 * `{id, owner, version, state}`, with transitions shown beside it.
 */
export class LiveCollection {
	#hooks;
	#objects = new Map();
	#tombstones = new Map();
	#overlays = new Map();
	/** Others' transitions heard while this connection's own is still shown, by object. */
	#heldBack = new Map();
	#events = new Listeners();
	#filterHeader;
	#subscriptionId;
	#subscription = null;
	#delta = true;
	#outOfStep = false;
	#token = null;
	#synced = false;
	#live = false;
	#restored = false;
	#closed = false;
	#error = null;
	#waiting = [];
	#saveTimer = null;
	#retryTimer = null;

	constructor(hooks, type, filter, subscriptionId, delta) {
		this.#hooks = hooks;
		this.type = type;
		this.filter = Object.freeze({ ...filter });
		this.#filterHeader = filterHeader(filter);
		this.#subscriptionId = subscriptionId;
		this.#delta = delta;
	}

	/** The destination subscribed to. */
	get destination() {
		return TYPE_PREFIX + this.type;
	}

	/** The resume token valid for what this collection holds. */
	get token() {
		return this.#token;
	}

	/** Whether the snapshot (or catch-up) of the current connection has fully arrived. */
	get synced() {
		return this.#synced;
	}

	/** Transitions in progress by object id: the state others are dragging the object through. */
	get transitions() {
		return this.#overlays;
	}

	get size() {
		return this.#objects.size;
	}

	get(id) {
		return this.#objects.get(String(id));
	}

	has(id) {
		return this.#objects.has(String(id));
	}

	keys() {
		return this.#objects.keys();
	}

	values() {
		return this.#objects.values();
	}

	entries() {
		return this.#objects.entries();
	}

	forEach(callback, thisArg) {
		this.#objects.forEach((value, key) => callback.call(thisArg, value, key, this));
	}

	[Symbol.iterator]() {
		return this.#objects.entries();
	}

	/** The state to show: the committed state with a transition's state laid over it. */
	current(id) {
		const key = String(id);
		const object = this.#objects.get(key);
		const overlay = this.#overlays.get(key);
		if (!overlay) {
			return object?.state;
		}
		return { ...object?.state, ...overlay.state };
	}

	on(event, listener) {
		return this.#events.on(event, listener);
	}

	whenSynced() {
		if (this.#synced) {
			return Promise.resolve();
		}
		if (this.#error) {
			return Promise.reject(this.#error);
		}
		if (this.#closed) {
			return Promise.reject(new EntanglementError('closed', 'The subscription was closed'));
		}
		return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
	}

	close() {
		if (this.#closed) {
			return;
		}
		this.#closed = true;
		clearTimeout(this.#retryTimer);
		if (this.#subscription) {
			this.#hooks.unsubscribe(this.#subscription);
			this.#subscription = null;
		}
		this.#save();
		this.#hooks.forget(this);
		this.#release(new EntanglementError('closed', 'The subscription was closed'));
	}

	[RESUBSCRIBE](client, user, storage) {
		if (this.#closed || this.#error) {
			return;
		}
		if (!this.#restored) {
			this.#restored = true;
			this.#restore(storage, user);
		}
		const headers = { id: this.#subscriptionId };
		if (this.#token) {
			headers[SINCE_HEADER] = this.#token;
		}
		else if (this.#objects.size > 0) {
			// A snapshot does not tell what is gone: start from nothing.
			this.#reset();
		}
		if (this.#filterHeader) {
			headers[FILTER_HEADER] = this.#filterHeader;
		}
		if (this.#delta) {
			headers[DELTA_HEADER] = 'true';
		}
		this.#synced = false;
		this.#live = false;
		this.#subscription = client.subscribe(this.destination, (message) => this[APPLY](message), headers);
	}

	[DISCONNECTED]() {
		this.#subscription = null;
		this.#synced = false;
		this.#heldBack.clear();
		// The server ends every transition it can no longer tell this client about.
		for (const [id, overlay] of [...this.#overlays]) {
			if (!overlay.local) {
				this.#endOverlay(id, overlay, 'disconnected');
			}
		}
	}

	[REFUSED](destination, subscription, error) {
		if (destination !== this.destination || this.#closed) {
			return;
		}
		if (subscription !== undefined && subscription !== this.#subscriptionId) {
			// Another subscription to the same type was refused.
			return;
		}
		if (error.code === 'unavailable' && this.#hooks.retryDelay() > 0) {
			// The server could not load the objects for now and ended the subscription, live
			// or not: say so, keep what is held, and subscribe again (resuming from the token).
			this.#subscription = null;
			this.#synced = false;
			this.#live = false;
			this.#events.emit('error', error);
			clearTimeout(this.#retryTimer);
			this.#retryTimer = setTimeout(() => {
				this.#retryTimer = null;
				if (!this.#closed && !this.#subscription) {
					this.#hooks.resubscribe(this);
				}
			}, this.#hooks.retryDelay());
			return;
		}
		// A refused SUBSCRIBE is answered before anything arrives on it.
		if (this.#live && error.code !== 'unavailable') {
			return;
		}
		// Nothing more is sent on a refused subscription.
		this.#error = error;
		this.#subscription = null;
		this.#events.emit('error', error);
		this.#release(error);
	}

	[APPLY](message) {
		if (this.#closed) {
			return;
		}
		const batch = parseJson(message.body);
		if (!batch || !Array.isArray(batch.changes)) {
			return;
		}
		this.#live = true;
		if (batch.reset) {
			this.#reset();
		}
		const applied = [];
		for (const change of batch.changes) {
			if (this.#apply(change)) {
				applied.push(change);
			}
		}
		if (this.#outOfStep) {
			this.#resync();
			return;
		}
		const token = message.headers[TOKEN_HEADER];
		if (token) {
			this.#token = token;
		}
		this.#events.emit('batch', { changes: applied, synced: !!batch.synced, reset: !!batch.reset, token });
		if (batch.synced && !this.#synced) {
			this.#synced = true;
			this.#events.emit('synced', { token: this.#token });
			this.#release(null);
		}
		this.#scheduleSave();
	}

	[OVERLAY](id, overlay) {
		// A new transition of this connection's is the later one.
		this.#heldBack.delete(id);
		const previous = this.#overlays.get(id);
		if (previous && !previous.local && previous.transition !== overlay.transition) {
			// Starting a transition ends anyone else's on the object.
			this.#endOverlay(id, previous, 'broken');
		}
		this.#overlays.set(id, overlay);
		this.#events.emit('transition', { id, transition: overlay });
	}

	[END](id, transitionId, reason) {
		const overlay = this.#overlays.get(id);
		if (overlay && overlay.transition === transitionId) {
			this.#endOverlay(id, overlay, reason);
			// Someone else's transition heard meanwhile is shown in its place.
			const heldBack = this.#heldBack.get(id);
			if (heldBack && !this.#overlays.has(id)) {
				this.#heldBack.delete(id);
				this.#overlays.set(id, heldBack);
				this.#events.emit('transition', { id, transition: heldBack });
			}
		}
	}

	/** The version this collection holds of an object, or undefined. */
	[HELD](id) {
		return this.#objects.get(id)?.version;
	}

	#apply(change) {
		const id = String(change.id);
		switch (change.op) {
			case 'upsert':
				return this.#upsert(id, change);
			case 'patch':
				return this.#patch(id, change);
			case 'delete':
				return this.#delete(id, change);
			case 'forget':
				return this.#forget(id);
			case 'transition':
				return this.#transition(id, change);
			case 'transition-end':
				return this.#transitionEnd(id, change);
			default:
				// A newer server's operation this client does not know.
				return false;
		}
	}

	#known(id) {
		return this.#objects.get(id)?.version ?? this.#tombstones.get(id);
	}

	#upsert(id, change) {
		const known = this.#known(id);
		if (known !== undefined && !(change.version > known)) {
			return false;
		}
		const previous = this.#objects.get(id);
		const object = Object.freeze({
			id,
			owner: change.owner ?? null,
			version: change.version,
			state: Object.freeze(change.state ?? {}),
		});
		this.#tombstones.delete(id);
		this.#objects.set(id, object);
		this.#events.emit('upsert', { id, object, previous });
		const overlay = this.#overlays.get(id);
		if (overlay?.local) {
			overlay.handle[SETTLE](undefined);
		}
		return true;
	}

	/** Only the attributes that changed since the version just before it. */
	#patch(id, change) {
		const held = this.#objects.get(id);
		if (held && held.version === change.version - 1) {
			return this.#upsert(id, { owner: held.owner, version: change.version, state: { ...held.state, ...change.state } });
		}
		const known = this.#known(id);
		if (known === undefined || change.version > known) {
			// The server sends a patch only on top of what it sent: this collection is out of step.
			this.#outOfStep = true;
		}
		return false;
	}

	/** Start over from a full snapshot. */
	#resync() {
		this.#hooks.log(`${this.type}: received a patch it cannot apply; loading a fresh snapshot`);
		this.#outOfStep = false;
		this.#token = null;
		if (this.#subscription) {
			this.#hooks.unsubscribe(this.#subscription);
			this.#subscription = null;
		}
		this.#hooks.resubscribe(this);
	}

	#delete(id, change) {
		const known = this.#known(id);
		if (known !== undefined && !(change.version > known)) {
			return false;
		}
		const previous = this.#objects.get(id);
		this.#objects.delete(id);
		this.#tombstones.set(id, change.version);
		this.#dropOverlay(id);
		if (previous) {
			this.#events.emit('delete', { id, version: change.version, previous });
		}
		return true;
	}

	#forget(id) {
		const previous = this.#objects.get(id);
		this.#objects.delete(id);
		// Seen again later, the object may come back at the version it had.
		this.#tombstones.delete(id);
		this.#dropOverlay(id);
		if (previous) {
			this.#events.emit('forget', { id, previous });
		}
		return true;
	}

	#transition(id, change) {
		const previous = this.#overlays.get(id);
		const overlay = Object.freeze({
			id,
			transition: change.transition,
			by: change.by ?? null,
			state: Object.freeze(change.state ?? {}),
			local: false,
		});
		if (previous?.local) {
			// This connection's own transition stays shown until the server ends it; the end
			// comes on the replies queue, which may be read after this frame, so the later
			// transition waits to be shown then.
			this.#heldBack.set(id, overlay);
			return false;
		}
		if (previous && previous.transition !== change.transition) {
			this.#endOverlay(id, previous, 'broken');
		}
		this.#overlays.set(id, overlay);
		this.#events.emit('transition', { id, transition: overlay });
		return true;
	}

	#transitionEnd(id, change) {
		if (this.#heldBack.get(id)?.transition === change.transition) {
			this.#heldBack.delete(id);
		}
		const overlay = this.#overlays.get(id);
		if (overlay && overlay.transition === change.transition) {
			if (overlay.local) {
				// Ends the initiator's transition everywhere it is shown.
				overlay.handle[END](change.reason ?? 'expired');
			}
			else {
				this.#endOverlay(id, overlay, change.reason ?? 'expired');
			}
		}
		return true;
	}

	#dropOverlay(id) {
		this.#heldBack.delete(id);
		const overlay = this.#overlays.get(id);
		if (!overlay) {
			return;
		}
		if (overlay.local) {
			overlay.handle[END]('broken');
		}
		else {
			this.#endOverlay(id, overlay, 'broken');
		}
	}

	#endOverlay(id, overlay, reason) {
		this.#overlays.delete(id);
		this.#events.emit('transition-end', { id, transition: overlay.transition, reason, local: overlay.local });
	}

	#reset() {
		const previous = new Map(this.#objects);
		this.#objects.clear();
		this.#tombstones.clear();
		this.#heldBack.clear();
		for (const [id, overlay] of [...this.#overlays]) {
			if (!overlay.local) {
				this.#endOverlay(id, overlay, 'broken');
			}
		}
		this.#synced = false;
		this.#events.emit('reset', { previous });
	}

	#release(error) {
		const waiting = this.#waiting;
		this.#waiting = [];
		for (const waiter of waiting) {
			if (error) {
				waiter.reject(error);
			}
			else {
				waiter.resolve();
			}
		}
	}

	#storageKey() {
		return this.#hooks.storageKey(this.type, this.#filterHeader);
	}

	#restore(storage, user) {
		if (!storage || this.#token) {
			return;
		}
		let saved;
		try {
			saved = parseJson(storage.getItem(this.#storageKey()));
		}
		catch (error) {
			this.#hooks.log('Could not read ' + this.#storageKey() + ': ' + error);
			return;
		}
		if (!saved || typeof saved.token !== 'string' || !Array.isArray(saved.objects)) {
			return;
		}
		if (saved.user !== user) {
			// Never show one user what was kept for another.
			storage.removeItem(this.#storageKey());
			return;
		}
		for (const object of saved.objects) {
			this.#upsert(String(object.id), { ...object, op: 'upsert' });
		}
		for (const [id, version] of saved.tombstones ?? []) {
			this.#tombstones.set(id, version);
		}
		this.#token = saved.token;
	}

	#scheduleSave() {
		if (!this.#hooks.storage() || this.#saveTimer) {
			return;
		}
		// The token and the objects are saved together, so a reload resumes consistently.
		this.#saveTimer = setTimeout(() => this.#save(), STORAGE_DELAY);
	}

	#save() {
		if (this.#saveTimer) {
			clearTimeout(this.#saveTimer);
			this.#saveTimer = null;
		}
		const storage = this.#hooks.storage();
		if (!storage || !this.#token || this.#error) {
			return;
		}
		try {
			storage.setItem(this.#storageKey(), JSON.stringify({
				user: this.#hooks.user(),
				token: this.#token,
				objects: [...this.#objects.values()],
				tombstones: [...this.#tombstones],
			}));
		}
		catch (error) {
			this.#hooks.log('Could not save ' + this.#storageKey() + ': ' + error);
		}
	}
}

/**
 * The initiator's side of a transition: its overlay is shown in this connection's
 * collections at once, and removed when the transition is committed (once the committed
 * version arrives) or rolled back when it ends any other way.
 */
export class Transition {
	#hooks;
	#active = true;
	#committing = false;
	#commitVersion = undefined;
	#resolveEnded;

	constructor(hooks, type, id, transition) {
		this.#hooks = hooks;
		this.type = type;
		this.id = id;
		this.transition = transition;
		this.state = undefined;
		this.ended = new Promise((resolve) => {
			this.#resolveEnded = resolve;
		});
	}

	/** Whether the transition is still in progress. */
	get active() {
		return this.#active;
	}

	/** Whether a commit of this transition was sent. */
	get committing() {
		return this.#committing;
	}

	update(state) {
		if (!this.#active || this.#committing) {
			return false;
		}
		this.state = state;
		const overlay = Object.freeze({
			id: this.id,
			transition: this.transition,
			by: this.#hooks.user(),
			state: Object.freeze({ ...state }),
			local: true,
			handle: this,
		});
		for (const collection of this.#hooks.collections(this.type)) {
			collection[OVERLAY](this.id, overlay);
		}
		return this.#hooks.publish(APP_PREFIX + this.type + '/transition',
			{ id: this.id, transition: this.transition, state });
	}

	commit(state = this.state, options = {}) {
		const transition = this.#active ? this.transition : undefined;
		this.#committing = this.#active;
		return this.#hooks.propose(this.type, this.id, state, { ...options, transition });
	}

	cancel() {
		if (this.#active && !this.#committing) {
			// Viewers are told at once that the transition ended.
			this.#hooks.publish(APP_PREFIX + this.type + '/transition',
				{ id: this.id, transition: this.transition, end: true });
		}
		this[END]('cancelled');
	}

	/** The commit was accepted: the overlay goes once the committed version is shown. */
	[SETTLE](version) {
		if (version !== undefined) {
			this.#commitVersion = version;
		}
		if (!this.#active || this.#commitVersion === undefined) {
			return;
		}
		const waiting = this.#hooks.collections(this.type).some((collection) => {
			const held = collection[HELD](this.id);
			return held !== undefined && held < this.#commitVersion
				&& collection.transitions.get(this.id)?.transition === this.transition;
		});
		if (!waiting) {
			this[END]('committed');
		}
	}

	[END](reason) {
		if (!this.#active) {
			return;
		}
		this.#active = false;
		this.#hooks.ended(this);
		for (const collection of this.#hooks.collections(this.type)) {
			collection[END](this.id, this.transition, reason);
		}
		this.#resolveEnded({ reason });
	}
}

function endpointUrl(url) {
	const base = (typeof location !== 'undefined') ? location.href : undefined;
	const endpoint = new URL(url ?? '/entanglement', base);
	if (endpoint.protocol === 'http:') {
		endpoint.protocol = 'ws:';
	}
	else if (endpoint.protocol === 'https:') {
		endpoint.protocol = 'wss:';
	}
	return endpoint;
}

function csrfUrl(endpoint, csrf, headers) {
	if (csrf === false) {
		return null;
	}
	if (typeof csrf === 'string') {
		return new URL(csrf, httpUrl(endpoint)).href;
	}
	const authorized = Object.keys(headers).some((name) => name.toLowerCase() === 'authorization');
	const browser = typeof document !== 'undefined';
	if (csrf !== true && (!browser || authorized)) {
		// A handshake authenticated by a header carries no ambient credential to protect.
		return null;
	}
	const url = httpUrl(endpoint);
	url.pathname = url.pathname.replace(/\/$/, '') + '/csrf';
	return url.href;
}

function httpUrl(endpoint) {
	const url = new URL(endpoint.href);
	url.protocol = (endpoint.protocol === 'wss:') ? 'https:' : 'http:';
	url.search = '';
	url.hash = '';
	return url;
}

function reconnectDelays(reconnect) {
	if (reconnect === false) {
		return { minDelay: 0, maxDelay: 0 };
	}
	const minDelay = reconnect?.minDelay ?? 500;
	const maxDelay = Math.max(reconnect?.maxDelay ?? 30000, minDelay);
	return { minDelay, maxDelay };
}

function filterHeader(filter) {
	return Object.entries(filter)
		.filter(([, value]) => value !== undefined && value !== null)
		.map(([name, value]) => encodeURIComponent(name) + '=' + encodeURIComponent(String(value)))
		.join('&');
}

function logger(debug) {
	if (typeof debug === 'function') {
		return debug;
	}
	if (debug) {
		return (message) => console.debug('[entanglement] ' + message);
	}
	return () => {};
}

function checkName(name, what) {
	if (typeof name !== 'string' || !NAME.test(name)) {
		throw new TypeError('Invalid ' + what + ' name: ' + name);
	}
}

function jsonFrame(destination, body) {
	return {
		destination,
		body: JSON.stringify(body),
		headers: { 'content-type': 'application/json' },
	};
}

function parseJson(text) {
	if (typeof text !== 'string') {
		return null;
	}
	try {
		return JSON.parse(text);
	}
	catch {
		return null;
	}
}

function replyError(reply) {
	return new EntanglementError(reply.code ?? 'invalid', reply.message, {
		requestId: reply.requestId,
		destination: reply.destination,
		current: reply.current,
	});
}

function randomId() {
	// getRandomValues, unlike randomUUID, also works on pages served over plain http.
	const bytes = new Uint8Array(16);
	crypto.getRandomValues(bytes);
	return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
