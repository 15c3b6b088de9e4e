/**
 * Types of Entanglement's JavaScript client, served beside it at
 * `/entanglement/entanglement.d.ts`.
 *
 * `S` is the shape of an object's state as the server sends it (the synchronized
 * attributes of its type).
 */

/** A synchronized object as this client holds it. Ids are strings on the wire. */
export interface EntangledObject<S = Record<string, unknown>> {
	readonly id: string;
	/** The principal name of a user owner, or the owning node's id. */
	readonly owner: string | null;
	/** Increases with every committed change; a change that is not newer is ignored. */
	readonly version: number;
	readonly state: Readonly<S>;
}

/** A transition in progress: state shown over an object's committed state, never persisted. */
export interface TransitionOverlay<S = Record<string, unknown>> {
	readonly id: string;
	/** The transition's id. */
	readonly transition: string;
	/** Who started it. */
	readonly by: string | null;
	/** The attributes the transition changes so far. */
	readonly state: Readonly<Partial<S>>;
	/** Whether this connection started it. */
	readonly local: boolean;
	/** The initiator's handle, when `local`. */
	readonly handle?: Transition<S>;
}

/**
 * Why a transition ended: the server's reasons, or this client's own
 * (`disconnected`, `cancelled`).
 */
export type TransitionEndReason =
	| 'committed'
	| 'broken'
	| 'rejected'
	| 'expired'
	| 'disconnected'
	| 'cancelled';

/** The reply to an accepted proposal or ownership change. */
export interface ProposalReply {
	readonly requestId: string;
	readonly status: 'accepted';
	readonly id: string;
	readonly version: number;
	/** What a call (a proposal to a type answered by the server) returned. */
	readonly result?: Record<string, unknown>;
}

/** The codes of the server's rejections, and this client's own failures. */
export type ErrorCode =
	| 'forbidden'
	| 'conflict'
	| 'invalid'
	| 'not-found'
	| 'unknown-type'
	| 'owner-unreachable'
	| 'timeout'
	| 'transition-broken'
	| 'unavailable'
	| 'closed'
	| 'csrf'
	| 'stomp'
	| (string & {});

/** A rejected proposal, a refused subscription, or a failure of the connection. */
export class EntanglementError extends Error {
	constructor(code: ErrorCode, message?: string, details?: {
		requestId?: string;
		destination?: string;
		current?: EntanglementError['current'];
	});

	readonly name: 'EntanglementError';
	readonly code: ErrorCode;
	/** The proposal's requestId, for a rejected proposal. */
	readonly requestId?: string;
	/** The refused destination, for a refused subscription or SEND. */
	readonly destination?: string;
	/** The object's current state, sent with a `conflict`. */
	readonly current?: {
		readonly op: 'upsert' | 'delete';
		readonly id: string;
		readonly owner?: string;
		readonly version: number;
		readonly state: Record<string, unknown>;
	};
}

/** Something with `sessionStorage`'s methods, where resume tokens and objects are kept. */
export interface StorageLike {
	getItem(key: string): string | null;
	setItem(key: string, value: string): void;
	removeItem(key: string): void;
}

/** What `webSocketFactory` returns: a browser WebSocket, or one of the `ws` package. */
export interface WebSocketLike {
	readonly readyState: number;
	binaryType?: string;
	onopen: ((event: any) => any) | null;
	onclose: ((event: any) => any) | null;
	onerror: ((event: any) => any) | null;
	onmessage: ((event: any) => any) | null;
	send(data: any): void;
	close(code?: number, reason?: string): void;
}

export interface ConnectOptions {
	/**
	 * HTTP headers for the WebSocket handshake and the CSRF token request, such as
	 * `Authorization`. Browsers can not set handshake headers: use them with a
	 * `webSocketFactory` that can (Node's `ws`).
	 */
	headers?: Record<string, string>;
	/**
	 * Extra headers of the STOMP CONNECT frame, such as
	 * `entanglement-binary-frames: 'true'` for batches as binary WebSocket messages.
	 */
	connectHeaders?: Record<string, string>;
	/**
	 * Whether to fetch the CSRF token (`GET {endpoint}/csrf`, with credentials) and send it
	 * on CONNECT, or the URL to fetch it from. By default it is fetched in a browser unless
	 * an `Authorization` header is given, and never in Node.
	 */
	csrf?: boolean | string;
	/**
	 * Creates the WebSocket, for where there is no global one (Node 20):
	 * `(url, protocols, headers) => new WebSocket(url, protocols, { headers })` with `ws`.
	 */
	webSocketFactory?: (url: string, protocols: string[], headers: Record<string, string>) => WebSocketLike;
	/**
	 * Reconnect backoff in milliseconds: the first retry after `minDelay` (default 500),
	 * doubling up to `maxDelay` (default 30000). `false` closes the connection when the
	 * socket closes.
	 */
	reconnect?: { minDelay?: number; maxDelay?: number } | false;
	/**
	 * Opt-in: where each subscription keeps its resume token and objects (e.g.
	 * `sessionStorage`), so a reloaded page resumes instead of loading a full snapshot.
	 * Kept per endpoint, type, filter and user.
	 */
	storage?: StorageLike;
	/** `true` logs to `console.debug`; a function receives each line. */
	debug?: boolean | ((message: string) => void);
}

export interface SubscribeOptions {
	/**
	 * Equality on attributes, sent as the `entanglement-filter` header
	 * (`a=1&b=x`, names and values URL-encoded).
	 */
	filter?: Record<string, string | number | boolean>;
	/**
	 * Whether the server may send an update as a patch of the version this collection
	 * holds (only the attributes that changed); the collection always holds full states.
	 * Default `true`.
	 */
	delta?: boolean;
}

export interface ProposeOptions {
	/** Reject with `conflict` unless the object is still at this version. */
	baseVersion?: number;
	/** Delete the object. */
	delete?: boolean;
	/** Commit this transition (its id or handle). */
	transition?: string | Transition<any>;
}

/** A proposal forwarded to this user as the owner of the object. */
export interface OwnerRequest<S = Record<string, unknown>> {
	readonly requestId: string;
	readonly type: string;
	readonly id: string;
	/** The proposer's principal name. */
	readonly from?: string;
	readonly baseVersion?: number;
	readonly state: Readonly<Partial<S>>;
	readonly delete?: boolean;
}

/**
 * An owner's decision. `accept` applies the proposed state with `state` laid over it;
 * `reject` sends `code` (`forbidden`, `conflict`, `invalid` or `not-found`) to the proposer.
 */
export type OwnerDecision<S = Record<string, unknown>> =
	| { decision: 'accept'; state?: Partial<S> }
	| { decision: 'reject'; code?: 'forbidden' | 'conflict' | 'invalid' | 'not-found'; message?: string };

/**
 * Decides a forwarded proposal, or returns nothing to leave it to the next handler (a
 * request no handler decides is rejected as `forbidden`).
 */
export type OwnerRequestHandler = (request: OwnerRequest) =>
	| OwnerDecision
	| undefined
	| null
	| Promise<OwnerDecision | undefined | null>;

export interface ConnectionEvents {
	/** A STOMP session is up (again); every subscription is being resumed. */
	connected: { readonly user: string | null };
	/** The socket closed; a reconnect follows unless the connection was closed. */
	disconnected: { readonly code?: number; readonly reason?: string };
	/** A refusal or failure not tied to a pending proposal. */
	error: EntanglementError;
}

export interface CollectionEvents<S> {
	/** An object appeared or changed. */
	upsert: { readonly id: string; readonly object: EntangledObject<S>; readonly previous?: EntangledObject<S> };
	/** An object held was deleted. */
	delete: { readonly id: string; readonly version: number; readonly previous: EntangledObject<S> };
	/** An object held still exists but may no longer be seen. */
	forget: { readonly id: string; readonly previous: EntangledObject<S> };
	/** A transition started or moved on. */
	transition: { readonly id: string; readonly transition: TransitionOverlay<S> };
	/** A transition's overlay is gone. */
	'transition-end': {
		readonly id: string;
		readonly transition: string;
		readonly reason: TransitionEndReason;
		readonly local: boolean;
	};
	/** The snapshot or catch-up has fully arrived. */
	synced: { readonly token: string | null };
	/** Everything held was dropped; a full snapshot follows. */
	reset: { readonly previous: ReadonlyMap<string, EntangledObject<S>> };
	/** One frame was applied (after its upsert, delete, ... events). */
	batch: {
		readonly changes: readonly Record<string, unknown>[];
		readonly synced: boolean;
		readonly reset: boolean;
		readonly token?: string;
	};
	/**
	 * The server refused the subscription; nothing will arrive on it. Or, with code
	 * `unavailable`, it could not load the objects for now: the collection keeps what it
	 * holds and subscribes again after the longest reconnect delay (unless the connection
	 * does not reconnect).
	 */
	error: EntanglementError;
}

/** One connection to an Entanglement endpoint. */
export class Connection {
	private constructor();

	/** Whether the STOMP session is up. */
	readonly connected: boolean;
	/** The principal name the server gave this connection, once connected. */
	readonly user: string | null;

	on<E extends keyof ConnectionEvents>(event: E, listener: (detail: ConnectionEvents[E]) => void): () => void;

	/** Subscribe to a type: the collection fills from the server's snapshot, then stays current. */
	subscribe<S = Record<string, unknown>>(type: string, options?: SubscribeOptions): LiveCollection<S>;

	/**
	 * Propose a change: create (`id` null), update, or delete (`{delete: true}`). Settles on
	 * the server's reply; a rejection is an {@link EntanglementError}. Sent again with the
	 * same requestId after a reconnect.
	 */
	propose<S = Record<string, unknown>>(type: string, id: string | number | null | undefined,
		state?: Partial<S> | null, options?: ProposeOptions): Promise<ProposalReply>;

	/** Hand an object over to another owner. */
	changeOwner(type: string, id: string | number, owner: string,
		options?: { baseVersion?: number }): Promise<ProposalReply>;

	/**
	 * Start a transition of an object, or move on the one this connection has in progress:
	 * others see `state` at once, before any commit.
	 */
	transition<S = Record<string, unknown>>(type: string, id: string | number, state: Partial<S>): Transition<S>;

	/** Decide proposals forwarded to this user as an owner. Returns a function that removes the handler. */
	onRequest(handler: OwnerRequestHandler): () => void;

	/** Close the socket and connect again after the reconnect delay, resuming every subscription. */
	reconnect(): void;

	/** Disconnect for good; pending proposals reject with `closed`. */
	close(): Promise<void>;
}

/**
 * The objects of one type this connection may see, kept current: a read-only Map of id to
 * object, plus the transitions in progress. Events are registered with `on`, which
 * returns a function that removes the listener.
 */
export class LiveCollection<S = Record<string, unknown>> implements ReadonlyMap<string, EntangledObject<S>> {
	private constructor();

	readonly type: string;
	readonly filter: Readonly<Record<string, string | number | boolean>>;
	/** `/entanglement/{type}` */
	readonly destination: string;
	/** The resume token valid for what this collection holds. */
	readonly token: string | null;
	/** Whether the snapshot (or catch-up) of the current connection has fully arrived. */
	readonly synced: boolean;
	/** Transitions in progress, by object id. */
	readonly transitions: ReadonlyMap<string, TransitionOverlay<S>>;
	readonly size: number;

	get(id: string | number): EntangledObject<S> | undefined;
	has(id: string | number): boolean;
	keys(): ReturnType<ReadonlyMap<string, EntangledObject<S>>['keys']>;
	values(): ReturnType<ReadonlyMap<string, EntangledObject<S>>['values']>;
	entries(): ReturnType<ReadonlyMap<string, EntangledObject<S>>['entries']>;
	forEach(callback: (value: EntangledObject<S>, key: string, map: ReadonlyMap<string, EntangledObject<S>>) => void,
		thisArg?: any): void;
	[Symbol.iterator](): ReturnType<ReadonlyMap<string, EntangledObject<S>>['entries']>;

	/** The state to show: the committed state with a transition's state laid over it. */
	current(id: string | number): Readonly<Partial<S>> | undefined;

	on<E extends keyof CollectionEvents<S>>(event: E, listener: (detail: CollectionEvents<S>[E]) => void): () => void;

	/** Resolves once synced; rejects if the subscription is refused or closed. */
	whenSynced(): Promise<void>;

	/** Unsubscribe. */
	close(): void;
}

/** The initiator's handle of a transition. */
export class Transition<S = Record<string, unknown>> {
	private constructor();

	readonly type: string;
	readonly id: string;
	/** The transition's id, sent with every update and with the commit. */
	readonly transition: string;
	/** The last state sent. */
	readonly state: Partial<S> | undefined;
	/** Whether the transition is in progress. */
	readonly active: boolean;
	/** Whether its commit was sent. */
	readonly committing: boolean;
	/** Settles when the transition ends, with why. */
	readonly ended: Promise<{ reason: TransitionEndReason }>;

	/** Move on: show and send a new state. Returns whether it was sent. */
	update(state: Partial<S>): boolean;

	/**
	 * Propose `state` (the last one by default) committing this transition. Its overlay goes
	 * once the committed version arrives, or rolls back if the proposal is rejected.
	 */
	commit(state?: Partial<S>, options?: Omit<ProposeOptions, 'transition' | 'delete'>): Promise<ProposalReply>;

	/** Roll back this connection's overlay; others see the transition end when it expires. */
	cancel(): void;
}

/**
 * Connect to an Entanglement endpoint (`/entanglement` of the page's origin by default,
 * or a `ws:`, `wss:`, `http:` or `https:` URL) and stay connected until `close()`.
 */
export function connect(url?: string, options?: ConnectOptions): Connection;
