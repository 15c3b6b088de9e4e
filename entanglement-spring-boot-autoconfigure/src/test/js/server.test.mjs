// The client against the running test application: users alice, bob and erin, type
// "marker" (name, lat, lng; the creator owns what it creates).
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ENDPOINT, loadClient, next, open, record, testData, unique, webSocketFactory, within } from './support.mjs';

const connections = [];

async function user(name, options) {
	const connection = await open(name, options);
	connections.push(connection);
	return connection;
}

after(async () => {
	await Promise.all(connections.map((connection) => connection.close()));
});

/** Every version an upsert event showed, per id, must increase. */
function watchVersions(collection) {
	const versions = new Map();
	const backwards = [];
	collection.on('upsert', ({ id, object }) => {
		if (versions.has(id) && object.version <= versions.get(id)) {
			backwards.push(id + ': ' + versions.get(id) + ' then ' + object.version);
		}
		versions.set(id, object.version);
	});
	return backwards;
}

describe('live collections', () => {
	test('hold the snapshot, then the upserts and deletes the server commits', async () => {
		const seeded = await testData.create({ name: unique('seeded'), lat: 1.5, lng: 2.5 });
		const alice = await user('alice');
		const markers = alice.subscribe('marker');
		const backwards = watchVersions(markers);
		await within(markers.whenSynced(), 'the snapshot');
		assert.equal(markers.synced, true);
		assert.ok(markers.token, 'a resume token');
		const held = markers.get(seeded.id);
		assert.equal(held.version, seeded.version);
		assert.equal(held.owner, 'node');
		assert.equal(held.state.lat, 1.5);
		assert.equal(held.state.secret, undefined, '@SyncIgnore attributes are never sent');

		const name = unique('live');
		const created = next(markers, 'upsert', ({ object }) => object.state.name === name);
		const marker = await testData.create({ name, lat: 3, lng: 4 });
		assert.equal((await created).object.version, marker.version);
		assert.equal(markers.get(marker.id).state.lng, 4);

		const updated = next(markers, 'upsert', ({ id }) => id === marker.id);
		const patched = next(markers, 'batch', ({ changes }) => changes.some(({ id }) => id === marker.id));
		const update = await testData.update(marker.id, { lat: 5 });
		const { object, previous } = await updated;
		assert.equal(object.version, update.version);
		assert.ok(object.version > previous.version);
		assert.equal(object.state.lat, 5);
		assert.equal(previous.state.lat, 3);
		const change = (await patched).changes.find(({ id }) => id === marker.id);
		assert.equal(change.op, 'patch', 'only what changed travels');
		assert.deepEqual(change.state, { lat: 5 });
		assert.equal(object.state.lng, 4, 'the collection holds the full state');
		assert.equal(object.state.name, name);

		const deleted = next(markers, 'delete', ({ id }) => id === marker.id);
		await testData.remove(marker.id);
		assert.equal((await deleted).previous.state.name, name);
		assert.equal(markers.has(marker.id), false);
		assert.deepEqual(backwards, []);
	});

	test('resume after a reconnect with a catch-up of what changed, not a reset', async () => {
		const [kept, changed, removed] = await Promise.all(['kept', 'changed', 'removed']
			.map((name) => testData.create({ name: unique(name), lat: 1, lng: 1 })));
		let offline = false;
		const alice = await user('alice', {
			// While offline, every attempt is refused at the handshake.
			webSocketFactory: (url, protocols, headers) =>
				webSocketFactory(offline ? url.replace(/\/entanglement$/, '/offline') : url, protocols, headers),
		});
		const markers = alice.subscribe('marker');
		const backwards = watchVersions(markers);
		await within(markers.whenSynced(), 'the snapshot');
		const tokenBefore = markers.token;
		assert.ok(markers.has(kept.id) && markers.has(changed.id) && markers.has(removed.id));

		offline = true;
		const disconnected = next(alice, 'disconnected');
		alice.reconnect();
		await disconnected;
		assert.equal(markers.synced, false);
		const update = await testData.update(changed.id, { lat: 9 });
		await testData.remove(removed.id);
		const added = await testData.create({ name: unique('added'), lat: 2, lng: 2 });

		const resets = record(markers, 'reset');
		const upserts = record(markers, 'upsert');
		const deletes = record(markers, 'delete');
		const reconnected = next(alice, 'connected');
		offline = false;
		await reconnected;
		await within(markers.whenSynced(), 'the catch-up');

		assert.deepEqual(resets, [], 'resumed, not reset');
		assert.deepEqual(upserts.map(({ id }) => id).sort(), [changed.id, added.id].sort(),
			'only what changed while away');
		assert.deepEqual(deletes.map(({ id }) => id), [removed.id]);
		assert.equal(markers.get(changed.id).version, update.version);
		assert.equal(markers.get(changed.id).state.lat, 9);
		assert.equal(markers.get(kept.id).version, kept.version);
		assert.equal(markers.has(removed.id), false);
		assert.notEqual(markers.token, tokenBefore);
		assert.deepEqual(backwards, []);

		// What it holds now is what a fresh subscription gets.
		const fresh = alice.subscribe('marker');
		await within(fresh.whenSynced(), 'a fresh snapshot');
		assert.deepEqual(new Map(markers), new Map(fresh));
		fresh.close();
	});

	test('receive batches as text WebSocket messages, or as binary ones when asked, and hold the same either way', async () => {
		const marker = await testData.create({ name: unique('either kind'), lat: 7, lng: 8 });
		/** Opens a connection that notes, per batch message from the server, whether it was binary. */
		async function noting(options = {}) {
			const kinds = [];
			const connection = await user('alice', {
				...options,
				webSocketFactory: (url, protocols, headers) => {
					const socket = webSocketFactory(url, protocols, headers);
					socket.on('message', (data, isBinary) => {
						// An ArrayBuffer: the STOMP client sets the socket's binaryType.
						const frame = Buffer.from(data).toString('utf8');
						if (frame.startsWith('MESSAGE\n') && frame.includes('"changes"')) {
							kinds.push(isBinary ? 'binary' : 'text');
						}
					});
					return socket;
				},
			});
			const markers = connection.subscribe('marker');
			await within(markers.whenSynced(), 'the snapshot');
			return { kinds, markers };
		}
		const text = await noting();
		const binary = await noting({ connectHeaders: { 'entanglement-binary-frames': 'true' } });
		assert.ok(binary.kinds.length > 0 && binary.kinds.every((kind) => kind === 'binary'), binary.kinds.join());
		assert.ok(text.kinds.length > 0 && text.kinds.every((kind) => kind === 'text'), text.kinds.join());
		assert.deepEqual(binary.markers.get(marker.id), text.markers.get(marker.id));
		assert.equal(binary.markers.get(marker.id).state.lat, 7);

		const updated = Promise.all([binary, text].map(({ markers }) => next(markers, 'upsert', ({ id }) => id === marker.id)));
		await testData.update(marker.id, { lat: 9 });
		await updated;
		assert.deepEqual(binary.markers.get(marker.id), text.markers.get(marker.id));
		assert.equal(text.markers.get(marker.id).state.lat, 9);
		assert.deepEqual(binary.kinds.filter((kind) => kind !== 'binary'), []);
		assert.deepEqual(text.kinds.filter((kind) => kind !== 'text'), []);
	});

	test('a refused subscription is an error on its collection, and nothing arrives on it', async () => {
		const alice = await user('alice');
		const errors = record(alice, 'error');
		const markers = alice.subscribe('marker');
		const unknown = alice.subscribe('no-such-type');
		const refused = next(unknown, 'error');
		const error = await refused;
		assert.equal(error.name, 'EntanglementError');
		assert.equal(error.code, 'unknown-type');
		assert.equal(error.destination, '/entanglement/no-such-type');
		await assert.rejects(unknown.whenSynced(), (failure) => failure.code === 'unknown-type');
		await within(markers.whenSynced(), 'the other subscription');
		assert.equal(unknown.size, 0);
		assert.deepEqual(errors.map(({ code }) => code), ['unknown-type']);
	});

	test('with a filter hold only the objects that match it', async () => {
		const alice = await user('alice');
		const name = unique('filtered & found');
		const marker = await testData.create({ name, lat: 1, lng: 1 });
		const other = await testData.create({ name: unique('other'), lat: 1, lng: 1 });
		// tag::filter[]
		const markers = alice.subscribe('marker', { filter: { name } });
		// end::filter[]
		assert.deepEqual(markers.filter, { name });
		await within(markers.whenSynced(), 'the filtered snapshot');
		assert.deepEqual([...markers.keys()], [marker.id]);

		const renamed = next(markers, 'upsert', ({ id }) => id === other.id);
		await testData.update(other.id, { name });
		await renamed;
		const forgotten = next(markers, 'forget', ({ id }) => id === marker.id);
		await testData.update(marker.id, { name: unique('renamed') });
		await forgotten;
		assert.deepEqual([...markers.keys()], [other.id]);
	});

	test('with a filter on an attribute that is never sent are refused', async () => {
		const alice = await user('alice');
		const markers = alice.subscribe('marker', { filter: { secret: 'hidden-x' } });
		const error = await next(markers, 'error');
		assert.equal(error.code, 'invalid');
		assert.equal(markers.size, 0);
	});
});

describe('proposals', () => {
	test('settle with the reply: accepted, or rejected with a typed error', async () => {
		const { EntanglementError } = await loadClient();
		const alice = await user('alice');
		const name = unique('proposed');
		// tag::propose[]
		const created = await alice.propose('marker', null, { name, lat: 1, lng: 2 });
		const updated = await alice.propose('marker', created.id, { lat: 3 }, { baseVersion: created.version });
		// end::propose[]
		assert.equal(created.status, 'accepted');
		assert.equal(typeof created.id, 'string');
		assert.ok(updated.version > created.version);

		let current;
		// tag::conflict[]
		try {
			await alice.propose('marker', created.id, { lat: 4 }, { baseVersion: created.version });
		}
		catch (error) {
			if (!(error instanceof EntanglementError && error.code === 'conflict')) {
				throw error;
			}
			// Someone was faster: error.current is the object as it is now.
			current = error.current;
		}
		// end::conflict[]
		assert.equal(current.version, updated.version);
		assert.equal(current.state.lat, 3);
		await assert.rejects(alice.propose('marker', created.id, { nope: 1 }),
			(error) => error instanceof EntanglementError && error.code === 'invalid');
		await assert.rejects(alice.propose('no-such-type', null, { name }), (error) => error.code === 'unknown-type');
		await assert.rejects(alice.propose('marker', '424242424', { lat: 1 }), (error) => error.code === 'not-found');

		const markers = alice.subscribe('marker');
		await within(markers.whenSynced(), 'the snapshot');
		assert.equal(markers.get(created.id).state.lat, 3);
		const deleted = next(markers, 'delete', ({ id }) => id === created.id);
		await alice.propose('marker', created.id, null, { delete: true });
		await deleted;
	});

	test('made while offline are sent once connected', async () => {
		let offline = true;
		const { connect } = await loadClient();
		const alice = connect(ENDPOINT, {
			headers: { Authorization: 'Basic ' + Buffer.from('alice:password').toString('base64') },
			webSocketFactory: (url, protocols, headers) =>
				webSocketFactory(offline ? url.replace(/\/entanglement$/, '/offline') : url, protocols, headers),
			reconnect: { minDelay: 100, maxDelay: 200 },
		});
		connections.push(alice);
		const reply = alice.propose('marker', null, { name: unique('offline'), lat: 1, lng: 1 });
		await next(alice, 'disconnected');
		offline = false;
		assert.equal((await within(reply, 'the reply')).status, 'accepted');
	});

	test('an ownership change hands an object over', async () => {
		const alice = await user('alice');
		const created = await alice.propose('marker', null, { name: unique('handed'), lat: 1, lng: 1 });
		const markers = alice.subscribe('marker');
		await within(markers.whenSynced(), 'the snapshot');
		assert.equal(markers.get(created.id).owner, 'alice');
		const handed = next(markers, 'upsert', ({ id, object }) => id === created.id && object.owner === 'bob');
		const reply = await alice.changeOwner('marker', created.id, 'bob', { baseVersion: created.version });
		assert.equal(reply.status, 'accepted');
		assert.equal((await handed).object.version, reply.version);
		await assert.rejects(alice.changeOwner('marker', created.id, 'alice'), (error) => error.code === 'forbidden');
	});
});

describe('owner requests', () => {
	test('reach the owner, whose handler accepts or rejects for the proposer', async () => {
		const alice = await user('alice');
		const bob = await user('bob');
		const requests = [];
		// tag::on-request[]
		alice.onRequest((request) => {
			requests.push(request);
			if (request.state.lat === 13) {
				return { decision: 'reject', code: 'forbidden', message: 'Not there' };
			}
			// A handler may also decide later: return a promise.
			return Promise.resolve({ decision: 'accept', state: { lng: 7 } });
		});
		// end::on-request[]
		// Alice's frames are handled in order: the reply to her proposal proves her
		// subscription to requests is in place.
		const created = await alice.propose('marker', null, { name: unique('owned'), lat: 1, lng: 1 });

		const accepted = await bob.propose('marker', created.id, { lat: 12 }, { baseVersion: created.version });
		assert.equal(accepted.status, 'accepted');
		assert.equal(requests.length, 1);
		assert.equal(requests[0].from, 'bob');
		assert.equal(requests[0].type, 'marker');
		assert.equal(requests[0].id, created.id);
		assert.equal(requests[0].baseVersion, created.version);
		assert.deepEqual(requests[0].state, { lat: 12 });

		const markers = bob.subscribe('marker');
		await within(markers.whenSynced(), 'the snapshot');
		const object = markers.get(created.id);
		assert.equal(object.version, accepted.version);
		assert.equal(object.owner, 'alice');
		assert.deepEqual([object.state.lat, object.state.lng], [12, 7]);

		await assert.rejects(bob.propose('marker', created.id, { lat: 13 }), (error) => {
			assert.equal(error.code, 'forbidden');
			assert.equal(error.message, 'Not there');
			return true;
		});
		assert.equal(markers.get(created.id).version, accepted.version, 'a rejection changes nothing');
	});

	test('to an owner who is not connected are owner-unreachable', async () => {
		const bob = await user('bob');
		const marker = await testData.create({ name: unique('erins'), owner: 'erin' });
		await assert.rejects(bob.propose('marker', marker.id, { lat: 2 }), (error) => error.code === 'owner-unreachable');
	});
});

describe('transitions', () => {
	/** Users connected and subscribed to markers, and a marker the first created. */
	async function dragged(...names) {
		const users = await Promise.all(names.map((name) => user(name)));
		const created = await users[0].propose('marker', null, { name: unique('dragged'), lat: 1, lng: 1 });
		const collections = users.map((connection) => connection.subscribe('marker'));
		await within(Promise.all(collections.map((collection) => collection.whenSynced())), 'the snapshots');
		return { users, collections, id: created.id, version: created.version };
	}

	test('are seen by others before the commit, and the initiator\'s overlay goes with the commit', async () => {
		const { users: [alice], collections: [markers, bobsMarkers], id, version } =
			await dragged('alice', 'bob');
		const seen = next(bobsMarkers, 'transition', ({ transition }) => transition.state.lat === 50);

		const drag = alice.transition('marker', id, { lat: 50 });
		assert.equal(markers.current(id).lat, 50, 'shown at once');
		assert.equal(markers.current(id).lng, 1);
		assert.equal(markers.transitions.get(id).local, true);
		assert.equal(markers.get(id).state.lat, 1, 'the committed state is untouched');
		const { transition } = await seen;
		assert.deepEqual([transition.by, transition.local], ['alice', false]);
		assert.equal(bobsMarkers.current(id).lat, 50);
		assert.equal(bobsMarkers.get(id).state.lat, 1);

		const bobSawTheEnd = next(bobsMarkers, 'transition-end', ({ id: ended }) => ended === id);
		const reply = await drag.commit({ lat: 51 }, { baseVersion: version });
		assert.deepEqual(await within(drag.ended, 'the end of the transition'), { reason: 'committed' });
		assert.equal(markers.get(id).version, reply.version);
		assert.equal(markers.current(id).lat, 51);
		assert.equal((await bobSawTheEnd).reason, 'committed');
		assert.equal(bobsMarkers.get(id).state.lat, 51);
		assert.equal(bobsMarkers.transitions.size, 0);
	});

	test('roll the initiator\'s overlay back when someone else\'s transition breaks it', async () => {
		const { users: [alice, bob], collections: [markers, bobsMarkers], id } = await dragged('alice', 'bob');
		// What alice's collection shows the moment her transition ends, before bob's (which
		// may arrive in the same frame) is laid over it.
		let shownAtTheEnd;
		const ended = next(markers, 'transition-end', ({ id: endedId }) => {
			shownAtTheEnd = markers.current(id).lat;
			return endedId === id;
		});
		const seenByBob = next(bobsMarkers, 'transition', ({ transition }) => transition.by === 'alice');
		const drag = alice.transition('marker', id, { lat: 50 });
		assert.equal(markers.current(id).lat, 50);

		// Once bob has seen alice's transition, his is the later one.
		await seenByBob;
		const bobsShown = next(markers, 'transition', ({ transition }) => transition.by === 'bob' && !transition.local);
		bob.transition('marker', id, { lat: 60 });
		assert.deepEqual(await within(drag.ended, 'the end of the transition'), { reason: 'broken' });
		assert.equal((await ended).local, true);
		assert.equal(drag.active, false);
		assert.equal(shownAtTheEnd, 1, 'rolled back');
		// Bob's transition is shown to alice in its place.
		await bobsShown;
		assert.equal(markers.current(id).lat, 60);
	});
});

describe('ephemeral types', () => {
	test('answer calls through the proposal\'s reply', async () => {
		const alice = await user('alice');
		const reply = await alice.propose('echo', null, { text: 'hello' });
		assert.deepEqual(reply.result, { text: 'alice said hello' });
		await assert.rejects(alice.propose('echo', null, { text: 'forbidden' }), (error) =>
			error.code === 'forbidden' && error.message === 'Not that');
	});

	test('bound to their owner\'s sessions are deleted for viewers when the last one closes', async () => {
		// Erin has no other session in these tests.
		const erin = await user('erin');
		const bob = await user('bob');
		const presence = bob.subscribe('presence');
		await within(presence.whenSynced(), 'the snapshot');
		const online = next(presence, 'upsert', ({ object }) => object.owner === 'erin');
		const { id } = await erin.propose('presence', null, { group: 'hikers', status: 'walking' });
		assert.equal((await online).object.state.status, 'walking');
		const offline = next(presence, 'delete', ({ id: deleted }) => deleted === id);
		await erin.close();
		await offline;
		assert.equal(presence.has(id), false);
	});
});
