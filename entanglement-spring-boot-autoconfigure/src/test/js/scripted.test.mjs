// The client against a scripted STOMP server: every frame the server sends is written
// here, so the cases a real server produces rarely or not yet are covered exactly.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { REPLIES, REQUESTS, scriptedServer } from './scripted-server.mjs';
import { loadClient, next, record, webSocketFactory, within } from './support.mjs';

let server;
const connections = [];

beforeEach(async () => {
	server = await scriptedServer();
});

afterEach(async () => {
	await Promise.all(connections.splice(0).map((connection) => connection.close()));
	await server.close();
});

async function connectTo(options = {}) {
	const { connect } = await loadClient();
	const connection = connect(server.url, {
		webSocketFactory,
		reconnect: { minDelay: 50, maxDelay: 200 },
		...options,
	});
	connections.push(connection);
	await next(connection, 'connected');
	return connection;
}

/** A collection of "marker" with its SUBSCRIBE frame. */
async function markers(connection, options) {
	const collection = connection.subscribe('marker', options);
	const subscribe = await server.subscribed('/entanglement/marker');
	return { collection, subscribe };
}

function upsert(id, version, state, owner = 'alice') {
	return { op: 'upsert', id, owner, version, state };
}

/** Send a batch and wait until the collection has applied it. */
async function apply(collection, subscribe, changes, options) {
	const applied = next(collection, 'batch', ({ token }) => token === options.token);
	server.batch(subscribe, changes, options);
	return applied;
}

describe('subscriptions', () => {
	test('send the filter as URL-encoded pairs in the entanglement-filter header', async () => {
		const connection = await connectTo();
		connection.subscribe('marker', { filter: { name: 'a b', group: 'x&y=z', count: 1, none: undefined } });
		const subscribe = await server.subscribed('/entanglement/marker');
		assert.equal(subscribe.headers['entanglement-filter'], 'name=a%20b&group=x%26y%3Dz&count=1');
		assert.equal(subscribe.headers['entanglement-since'], undefined);
		connection.subscribe('marker');
		assert.equal((await server.subscribed('/entanglement/marker')).headers['entanglement-filter'], undefined);
	});

	test('never let a version go backwards', async () => {
		const connection = await connectTo();
		const { collection, subscribe } = await markers(connection);
		const upserts = record(collection, 'upsert');
		const deletes = record(collection, 'delete');
		await apply(collection, subscribe, [upsert('1', 5, { lat: 5 })], { token: 't1' });
		await apply(collection, subscribe, [upsert('1', 3, { lat: 3 }), upsert('1', 5, { lat: 55 }),
			{ op: 'delete', id: '1', version: 4 }], { token: 't2' });
		assert.equal(collection.get('1').version, 5);
		assert.equal(collection.get('1').state.lat, 5);
		assert.equal(collection.token, 't2');

		await apply(collection, subscribe, [upsert('1', 6, { lat: 6 })], { token: 't3' });
		await apply(collection, subscribe, [{ op: 'delete', id: '1', version: 7 }, upsert('1', 7, { lat: 7 })],
			{ token: 't4' });
		assert.equal(collection.has('1'), false, 'a delete is a version too');
		await apply(collection, subscribe, [upsert('1', 8, { lat: 8 })], { token: 't5' });
		assert.equal(collection.get('1').state.lat, 8);

		await apply(collection, subscribe, [{ op: 'forget', id: '1' }], { token: 't6' });
		assert.equal(collection.has('1'), false);
		await apply(collection, subscribe, [upsert('1', 8, { lat: 8 })], { token: 't7' });
		assert.equal(collection.get('1').version, 8, 'seen again after a forget');

		assert.deepEqual(upserts.map(({ object }) => object.version), [5, 6, 8, 8]);
		assert.deepEqual(deletes.map(({ version }) => version), [7]);
	});

	test('ask for patches unless told not to, and merge a patch into the version it follows', async () => {
		const connection = await connectTo();
		const { collection, subscribe } = await markers(connection);
		assert.equal(subscribe.headers['entanglement-delta'], 'true');
		const upserts = record(collection, 'upsert');
		await apply(collection, subscribe, [upsert('1', 1, { lat: 1, lng: 2, name: 'a' })], { token: 't1' });
		await apply(collection, subscribe, [{ op: 'patch', id: '1', version: 2, state: { lat: 5 } }], { token: 't2' });
		assert.deepEqual(collection.get('1').state, { lat: 5, lng: 2, name: 'a' });
		assert.equal(collection.get('1').owner, 'alice');
		assert.equal(collection.get('1').version, 2);
		await apply(collection, subscribe, [{ op: 'patch', id: '1', version: 2, state: { lat: 9 } }], { token: 't3' });
		assert.equal(collection.get('1').state.lat, 5, 'a patch of a version already held is old news');
		assert.deepEqual(upserts.map(({ object }) => object.version), [1, 2]);
		connection.subscribe('marker', { delta: false });
		assert.equal((await server.subscribed('/entanglement/marker')).headers['entanglement-delta'], undefined);
	});

	test('start over from a snapshot when a patch does not follow the version held', async () => {
		const connection = await connectTo();
		const { collection, subscribe } = await markers(connection);
		await apply(collection, subscribe, [upsert('1', 1, { lat: 1 })], { token: 't1' });
		const resubscribed = server.subscribed('/entanglement/marker');
		server.batch(subscribe, [{ op: 'patch', id: '1', version: 3, state: { lat: 3 } }], { token: 't2' });
		const again = await resubscribed;
		assert.equal(again.headers['entanglement-since'], undefined, 'no token: a full snapshot');
		assert.equal(collection.size, 0, 'what was held is dropped');
		await apply(collection, again, [upsert('1', 3, { lat: 3 })], { token: 't3', reset: true });
		assert.equal(collection.get('1').state.lat, 3);
		assert.equal(collection.token, 't3');
	});

	test('are synced once the last frame of the snapshot arrives', async () => {
		const connection = await connectTo();
		const { collection, subscribe } = await markers(connection);
		const synced = record(collection, 'synced');
		await apply(collection, subscribe, [upsert('1', 1, {})], { token: 't1', synced: false });
		assert.equal(collection.synced, false);
		await apply(collection, subscribe, [upsert('2', 1, {})], { token: 't2', synced: true });
		assert.equal(collection.synced, true);
		await apply(collection, subscribe, [upsert('3', 1, {})], { token: 't3', synced: true });
		assert.deepEqual(synced, [{ token: 't2' }]);
		await collection.whenSynced();
	});

	test('drop everything held on a reset, then apply the frame', async () => {
		const connection = await connectTo();
		const { collection, subscribe } = await markers(connection);
		await apply(collection, subscribe, [upsert('1', 5, {}), upsert('2', 9, {})], { token: 't1' });
		const resets = record(collection, 'reset');
		await apply(collection, subscribe, [upsert('2', 1, { fresh: true }), upsert('3', 1, {})],
			{ token: 't2', reset: true });
		assert.deepEqual([...collection.keys()].sort(), ['2', '3']);
		assert.equal(collection.get('2').version, 1, 'after a reset any version is taken');
		assert.deepEqual([...resets[0].previous.keys()].sort(), ['1', '2']);
	});

	test('resume on the same subscription id with the last token after a reconnect', async () => {
		const connection = await connectTo();
		const { collection, subscribe } = await markers(connection);
		await apply(collection, subscribe, [upsert('1', 5, {})], { token: 't1' });
		await apply(collection, subscribe, [upsert('2', 5, {})], { token: 't2', synced: false });
		const reconnected = next(connection, 'connected');
		server.drop();
		await reconnected;
		const resumed = await server.subscribed('/entanglement/marker');
		assert.equal(resumed.connection, 1);
		assert.equal(resumed.headers.id, subscribe.headers.id);
		assert.equal(resumed.headers['entanglement-since'], 't2');
		assert.ok(server.frames.some((frame) => frame.connection === 1 && frame.command === 'SUBSCRIBE'
			&& frame.headers.destination === REPLIES));
		assert.equal(collection.size, 2, 'kept while away');
	});

	test('surface a refusal as an error of the refused collection only', async () => {
		const connection = await connectTo();
		const errors = record(connection, 'error');
		const { collection } = await markers(connection);
		const refusedOne = connection.subscribe('nope');
		await server.subscribed('/entanglement/nope');
		const error = next(refusedOne, 'error');
		await server.reply({ destination: '/entanglement/nope', status: 'rejected', code: 'forbidden', message: 'No' });
		assert.equal((await error).code, 'forbidden');
		await assert.rejects(refusedOne.whenSynced(), (failure) => failure.destination === '/entanglement/nope');
		assert.deepEqual(errors.map(({ message }) => message), ['No']);
		assert.equal(collection.synced, false, 'the other collection waits on');
	});

	test('tell of a live collection the server could no longer load, keep it, and resume it', async () => {
		const connection = await connectTo();
		const { collection, subscribe } = await markers(connection);
		const notes = connection.subscribe('note');
		const notesSubscribe = await server.subscribed('/entanglement/note');
		await apply(collection, subscribe, [upsert('1', 1, { lat: 1 })], { token: 't1', synced: true });
		await apply(notes, notesSubscribe, [], { token: 'n1', synced: true });
		const errors = record(collection, 'error');
		// A refusal of a SUBSCRIBE comes before anything arrives on it: late, it is not this one's.
		await server.reply({ destination: '/entanglement/marker', subscription: subscribe.headers.id,
			status: 'rejected', code: 'forbidden', message: 'No' });
		const ended = next(collection, 'error');
		await server.reply({ destination: '/entanglement/marker', subscription: subscribe.headers.id,
			status: 'rejected', code: 'unavailable', message: 'Could not load marker' });
		assert.equal((await ended).code, 'unavailable');
		assert.deepEqual(errors.map(({ code }) => code), ['unavailable']);
		assert.equal(collection.get('1').version, 1, 'what it held stays readable');
		assert.equal(collection.synced, false);

		// After the longest reconnect delay it subscribes again, from its token.
		const again = await server.subscribed('/entanglement/marker');
		assert.equal(again.headers.id, subscribe.headers.id);
		assert.equal(again.headers['entanglement-since'], 't1');
		await apply(collection, again, [upsert('1', 2, { lat: 2 })], { token: 't2', synced: true });
		assert.equal(collection.get('1').version, 2);
		assert.equal(collection.synced, true);
		await apply(notes, notesSubscribe, [upsert('n', 1, {})], { token: 'n2' });
		assert.equal(notes.get('n').version, 1, 'the other collection carries on');
	});

	test('keep resume token and objects in storage across a reload, for the same user only', async () => {
		const storage = new MemoryStorage();
		const first = await connectTo({ storage });
		const { collection, subscribe } = await markers(first);
		await apply(collection, subscribe, [upsert('1', 5, { lat: 1 }), { op: 'delete', id: '2', version: 3 }],
			{ token: 'tA' });
		await first.close();
		assert.equal(storage.size, 1);

		// The page reloads: a new connection, the same storage.
		const second = await connectTo({ storage });
		const restored = second.subscribe('marker');
		const resumed = await server.subscribed('/entanglement/marker');
		assert.equal(resumed.headers['entanglement-since'], 'tA');
		assert.equal(restored.get('1').version, 5);
		assert.equal(restored.get('1').state.lat, 1);
		assert.equal(restored.synced, false);
		await apply(restored, resumed, [upsert('2', 2, {})], { token: 'tB' });
		assert.equal(restored.has('2'), false, 'a deletion is kept too');
		await second.close();

		server.user = 'mallory';
		const third = await connectTo({ storage });
		const other = third.subscribe('marker');
		const fresh = await server.subscribed('/entanglement/marker');
		assert.equal(fresh.headers['entanglement-since'], undefined);
		assert.equal(other.size, 0);
		assert.equal(storage.size, 0);
	});
});

describe('proposals', () => {
	test('are sent again with the same requestId after a reconnect, and settle on the one reply', async () => {
		const connection = await connectTo();
		const reply = connection.propose('marker', 42, { lat: 2 }, { baseVersion: 5 });
		const first = await server.sent('/app/entanglement/marker/propose');
		const body = first.json();
		assert.deepEqual({ ...body, requestId: undefined }, { requestId: undefined, id: '42', baseVersion: 5,
			state: { lat: 2 } });
		assert.equal(first.headers['content-type'], 'application/json');
		server.drop();
		const again = await server.sent('/app/entanglement/marker/propose');
		assert.equal(again.connection, 1);
		assert.equal(again.json().requestId, body.requestId);
		await server.reply({ requestId: body.requestId, status: 'accepted', id: '42', version: 6 });
		assert.deepEqual(await within(reply, 'the reply'),
			{ requestId: body.requestId, status: 'accepted', id: '42', version: 6 });
	});

	test('of a create, a delete and an ownership change have the contract\'s bodies', async () => {
		const connection = await connectTo();
		const unanswered = [];
		unanswered.push(connection.propose('marker', null, { name: 'new' }));
		assert.deepEqual(Object.keys((await server.sent('/app/entanglement/marker/propose')).json()).sort(),
			['requestId', 'state']);
		unanswered.push(connection.propose('marker', '7', null, { delete: true, baseVersion: 2 }));
		const deletion = (await server.sent('/app/entanglement/marker/propose')).json();
		assert.deepEqual({ ...deletion, requestId: undefined },
			{ requestId: undefined, id: '7', baseVersion: 2, delete: true });
		unanswered.push(connection.changeOwner('marker', 7, 'bob', { baseVersion: 3 }));
		const owner = (await server.sent('/app/entanglement/marker/owner')).json();
		assert.deepEqual({ ...owner, requestId: undefined }, { requestId: undefined, id: '7', owner: 'bob',
			baseVersion: 3 });
		assert.throws(() => connection.propose('marker/../x', null, {}), TypeError);
		await connection.close();
		for (const reply of unanswered) {
			await assert.rejects(reply, (error) => error.code === 'closed');
		}
	});

	test('reject with a typed error, and all pending ones reject when the connection closes', async () => {
		const { EntanglementError } = await loadClient();
		const connection = await connectTo();
		const rejected = connection.propose('marker', '1', { lat: 1 });
		const { requestId } = (await server.sent('/app/entanglement/marker/propose')).json();
		const current = { op: 'upsert', id: '1', owner: 'alice', version: 9, state: { lat: 9 } };
		await server.reply({ requestId, status: 'rejected', code: 'conflict', message: 'Stale', current });
		await assert.rejects(rejected, (error) => error instanceof EntanglementError && error.code === 'conflict'
			&& error.message === 'Stale' && error.requestId === requestId && error.current.version === 9);
		const pending = connection.propose('marker', '1', { lat: 2 });
		await server.sent('/app/entanglement/marker/propose');
		await connection.close();
		await assert.rejects(pending, (error) => error.code === 'closed');
	});
});

describe('transitions', () => {
	async function dragging() {
		const connection = await connectTo();
		const { collection, subscribe } = await markers(connection);
		await apply(collection, subscribe, [upsert('1', 5, { lat: 5, lng: 5 })], { token: 't1' });
		return { connection, collection, subscribe };
	}

	test('show the initiator\'s overlay at once and keep it until the committed version arrives', async () => {
		const { connection, collection, subscribe } = await dragging();
		// tag::transition[]
		const drag = connection.transition('marker', '1', { lat: 6 });
		// end::transition[]
		assert.deepEqual(collection.current('1'), { lat: 6, lng: 5 });
		assert.equal(collection.transitions.get('1').local, true);
		const first = (await server.sent('/app/entanglement/marker/transition')).json();
		assert.deepEqual(first, { id: '1', transition: drag.transition, state: { lat: 6 } });
		// tag::transition[]
		connection.transition('marker', '1', { lat: 7 }); // the same transition moves on
		// end::transition[]
		assert.equal(connection.transition('marker', '1', { lat: 7 }), drag, 'the same drag goes on');
		await server.sent('/app/entanglement/marker/transition');
		assert.equal((await server.sent('/app/entanglement/marker/transition')).json().transition, drag.transition);

		const ends = record(collection, 'transition-end');
		// tag::transition[]
		const commit = drag.commit({ lat: 8 }, { baseVersion: 5 });
		// end::transition[]
		const proposal = (await server.sent('/app/entanglement/marker/propose')).json();
		assert.equal(proposal.transition, drag.transition);
		assert.deepEqual(proposal.state, { lat: 8 });
		assert.equal(proposal.baseVersion, 5);
		await server.reply({ requestId: proposal.requestId, status: 'accepted', id: '1', version: 6 });
		await commit;
		assert.equal(collection.current('1').lat, 7, 'no flicker back to the old state');
		assert.deepEqual(ends, []);

		await apply(collection, subscribe, [upsert('1', 6, { lat: 8, lng: 5 })], { token: 't2' });
		assert.deepEqual(ends, [{ id: '1', transition: drag.transition, reason: 'committed', local: true }]);
		assert.deepEqual(await drag.ended, { reason: 'committed' });
		assert.deepEqual(collection.current('1'), { lat: 8, lng: 5 });
	});

	test('show someone else\'s transition heard before the reply that ends this one, once it ends', async () => {
		const { connection, collection, subscribe } = await dragging();
		const drag = connection.transition('marker', '1', { lat: 6 });
		await server.sent('/app/entanglement/marker/transition');
		const events = [];
		collection.on('transition', ({ transition }) => events.push(['transition', transition.by, collection.current('1').lat]));
		collection.on('transition-end', ({ local }) => events.push(['transition-end', local, collection.current('1').lat]));

		// Bob's transition comes on the collection before the reply that ends alice's.
		await apply(collection, subscribe, [{ op: 'transition', id: '1', transition: 'bobs', by: 'bob',
			state: { lat: 60 } }], { token: 't2' });
		assert.equal(collection.current('1').lat, 6, 'this connection\'s own is still shown');
		assert.deepEqual(events, []);
		await server.reply({ transition: drag.transition, type: 'marker', id: '1', status: 'rejected',
			code: 'transition-broken', reason: 'broken', message: 'Someone else moved it' });
		assert.deepEqual(await within(drag.ended, 'broken'), { reason: 'broken' });
		assert.deepEqual(events, [['transition-end', true, 5], ['transition', 'bob', 60]]);
		assert.equal(collection.transitions.get('1').by, 'bob');

		// One that ended while it waited is not shown.
		const again = connection.transition('marker', '1', { lat: 7 });
		await apply(collection, subscribe, [{ op: 'transition', id: '1', transition: 'bobs-2', by: 'bob',
			state: { lat: 70 } }, { op: 'transition-end', id: '1', transition: 'bobs-2', reason: 'expired' }],
		{ token: 't3' });
		again.cancel();
		assert.equal(collection.transitions.has('1'), false);
		assert.equal(collection.current('1').lat, 5);
	});

	test('roll back the initiator\'s overlay when the transition ends without a commit', async () => {
		const { connection, collection, subscribe } = await dragging();

		const errors = record(connection, 'error');
		const broken = connection.transition('marker', '1', { lat: 6 });
		await server.reply({ transition: broken.transition, type: 'marker', id: '1', status: 'rejected',
			code: 'transition-broken', reason: 'broken', message: 'Someone else moved it' });
		assert.deepEqual(await within(broken.ended, 'broken'), { reason: 'broken' });
		assert.deepEqual(collection.current('1'), { lat: 5, lng: 5 });

		const idle = connection.transition('marker', '1', { lat: 6 });
		await server.reply({ transition: idle.transition, type: 'marker', id: '1', status: 'rejected',
			code: 'transition-broken', reason: 'expired', message: 'No activity' });
		assert.deepEqual(await within(idle.ended, 'expired'), { reason: 'expired' });

		const refusedByServer = connection.transition('marker', '1', { lat: 6 });
		await server.reply({ transition: refusedByServer.transition, type: 'marker', id: '1', status: 'rejected',
			code: 'not-found', message: 'No such object' });
		assert.deepEqual(await within(refusedByServer.ended, 'refused'), { reason: 'rejected' });
		assert.deepEqual(errors.map(({ code }) => code), ['not-found'], 'only a refusal is an error');

		const rejected = connection.transition('marker', '1', { lat: 7 });
		assert.notEqual(rejected.transition, broken.transition, 'a new transition');
		const commit = rejected.commit();
		const { requestId } = (await server.sent('/app/entanglement/marker/propose')).json();
		await server.reply({ requestId, status: 'rejected', code: 'forbidden', message: 'No' });
		await assert.rejects(commit, (error) => error.code === 'forbidden');
		assert.deepEqual(await rejected.ended, { reason: 'rejected' });
		assert.equal(collection.current('1').lat, 5);

		const expired = connection.transition('marker', '1', { lat: 8 });
		await apply(collection, subscribe, [{ op: 'transition-end', id: '1', transition: expired.transition,
			reason: 'expired' }], { token: 't2' });
		assert.deepEqual(await expired.ended, { reason: 'expired' });

		const cancelled = connection.transition('marker', '1', { lat: 9 });
		cancelled.cancel();
		assert.deepEqual(await cancelled.ended, { reason: 'cancelled' });
		assert.equal(collection.transitions.size, 0);

		const refused = connection.transition('marker', '1', { lat: 10 });
		await server.reply({ destination: '/app/entanglement/marker/transition', status: 'rejected',
			code: 'forbidden', message: 'Not allowed' });
		assert.deepEqual(await refused.ended, { reason: 'rejected' });

		const cut = connection.transition('marker', '1', { lat: 11 });
		server.drop();
		assert.deepEqual(await within(cut.ended, 'disconnected'), { reason: 'disconnected' });
		assert.equal(collection.current('1').lat, 5);
	});

	test('of others are shown over the committed state until they end', async () => {
		const { collection, subscribe } = await dragging();
		const shown = next(collection, 'transition');
		await apply(collection, subscribe, [{ op: 'transition', id: '1', transition: 'tb', by: 'bob',
			state: { lat: 6 } }], { token: 't2' });
		assert.deepEqual((await shown).transition, { id: '1', transition: 'tb', by: 'bob', state: { lat: 6 },
			local: false });
		assert.deepEqual(collection.current('1'), { lat: 6, lng: 5 });
		assert.equal(collection.get('1').state.lat, 5);
		const ended = next(collection, 'transition-end');
		await apply(collection, subscribe, [upsert('1', 6, { lat: 6, lng: 5 }),
			{ op: 'transition-end', id: '1', transition: 'tb', reason: 'committed' }], { token: 't3' });
		assert.deepEqual(await ended, { id: '1', transition: 'tb', reason: 'committed', local: false });
		assert.equal(collection.transitions.size, 0);
	});
});

describe('owner requests', () => {
	test('are decided by the first handler that decides, and answered to the server', async () => {
		const connection = await connectTo();
		const seen = [];
		connection.onRequest((request) => {
			seen.push(request.requestId);
			return undefined;
		});
		const off = connection.onRequest(async (request) => (request.state.lat > 0
			? { decision: 'accept', state: { lng: 1 } } : { decision: 'reject', code: 'invalid', message: 'South' }));
		await server.subscribed(REQUESTS);

		await server.queue(REQUESTS, { requestId: 'q1', type: 'marker', id: '7', from: 'bob', state: { lat: 1 } });
		assert.deepEqual((await server.sent('/app/entanglement/requests/q1')).json(),
			{ decision: 'accept', state: { lng: 1 } });
		await server.queue(REQUESTS, { requestId: 'q2', type: 'marker', id: '7', from: 'bob', state: { lat: -1 } });
		assert.deepEqual((await server.sent('/app/entanglement/requests/q2')).json(),
			{ decision: 'reject', code: 'invalid', message: 'South' });
		assert.deepEqual(seen, ['q1', 'q2']);

		off();
		await server.queue(REQUESTS, { requestId: 'q3', type: 'marker', id: '7', from: 'bob', state: { lat: 1 } });
		assert.equal((await server.sent('/app/entanglement/requests/q3')).json().decision, 'reject',
			'a request no handler decides is rejected');
	});

	test('whose handler fails are rejected without its details', async () => {
		const connection = await connectTo();
		const errors = record(connection, 'error');
		connection.onRequest(() => {
			throw new Error('database password is hunter2');
		});
		await server.subscribed(REQUESTS);
		await server.queue(REQUESTS, { requestId: 'q1', type: 'marker', id: '7', from: 'bob', state: {} });
		const answer = (await server.sent('/app/entanglement/requests/q1')).json();
		assert.equal(answer.decision, 'reject');
		assert.doesNotMatch(answer.message, /hunter2/);
		assert.match(errors[0].message, /hunter2/, 'the owner hears the details');
	});
});

describe('connecting', () => {
	test('fetches the CSRF token and sends it on CONNECT when asked to', async () => {
		await server.close();
		server = await scriptedServer({ csrf: { headerName: 'X-CSRF-TOKEN', token: 'abc' } });
		const connection = await connectTo({ csrf: true, headers: { Cookie: 'SESSION=1' } });
		const connect = await server.frame((frame) => frame.command === 'CONNECT', 'CONNECT');
		assert.equal(connect.headers['X-CSRF-TOKEN'], 'abc');
		assert.equal(server.csrfRequests[0].cookie, 'SESSION=1');
		assert.equal(server.handshakes[0].cookie, 'SESSION=1');
		assert.equal(connection.user, 'scripted');
	});

	test('sends no CSRF token with an Authorization header, and the header on the handshake', async () => {
		await server.close();
		server = await scriptedServer({ csrf: { headerName: 'X-CSRF-TOKEN', token: 'abc' } });
		await connectTo({ headers: { Authorization: 'Bearer t' }, connectHeaders: { extra: 'x' } });
		const connect = await server.frame((frame) => frame.command === 'CONNECT', 'CONNECT');
		assert.equal(connect.headers['X-CSRF-TOKEN'], undefined);
		assert.equal(connect.headers.extra, 'x');
		assert.equal(server.csrfRequests.length, 0);
		assert.equal(server.handshakes[0].authorization, 'Bearer t');
		assert.equal(server.handshakes[0]['sec-websocket-protocol'].split(/, */)[0], 'v12.stomp');
	});

	test('without a WebSocket implementation fails at once', async () => {
		const { connect } = await loadClient();
		assert.throws(() => connect(server.url), /webSocketFactory/);
	});
});

class MemoryStorage {
	#items = new Map();

	get size() {
		return this.#items.size;
	}

	getItem(key) {
		return this.#items.get(key) ?? null;
	}

	setItem(key, value) {
		this.#items.set(key, String(value));
	}

	removeItem(key) {
		this.#items.delete(key);
	}
}
