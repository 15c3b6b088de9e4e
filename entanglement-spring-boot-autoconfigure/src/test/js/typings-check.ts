// Compiled (never run) by typings.test.mjs: a typed use of the client, which must
// compile, and misuses marked @ts-expect-error, which must not.
import {
	connect,
	EntanglementError,
	type EntangledObject,
	type LiveCollection,
	type OwnerRequest,
	type TransitionEndReason,
} from '../../main/resources/META-INF/resources/entanglement/entanglement.js';

interface MarkerState {
	name: string;
	lat: number;
	lng: number;
}

const connection = connect('/entanglement', {
	headers: { Authorization: 'Bearer token' },
	webSocketFactory: (url, protocols) => new WebSocket(url, protocols),
	reconnect: { minDelay: 100, maxDelay: 10_000 },
	storage: sessionStorage,
	debug: (line) => console.log(line),
});
connect();
connect('wss://example.com/entanglement', { csrf: false, reconnect: false, debug: true });

const markers: LiveCollection<MarkerState> = connection.subscribe<MarkerState>('marker', { filter: { name: 'x', n: 1 } });
const asMap: ReadonlyMap<string, EntangledObject<MarkerState>> = markers;
for (const [id, marker] of markers) {
	const key: string = id;
	const version: number = marker.version;
	const lat: number = marker.state.lat;
	const owner: string | null = marker.owner;
}
const shownLat: number | undefined = markers.current(42)?.lat;
const synced: boolean = markers.synced;
const token: string | null = markers.token;

const off: () => void = markers.on('upsert', ({ id, object, previous }) => {
	const name: string = object.state.name;
	const before: number | undefined = previous?.version;
});
off();
markers.on('delete', ({ previous }) => previous.state.name);
markers.on('transition', ({ transition }) => {
	const lat: number | undefined = transition.state.lat;
	const local: boolean = transition.local;
});
markers.on('transition-end', ({ reason }) => {
	const why: TransitionEndReason = reason;
});
markers.on('reset', ({ previous }) => previous.size);
markers.on('error', (error) => error.code === 'unknown-type');
// @ts-expect-error: no such event
markers.on('updated', () => {});
// @ts-expect-error: the objects are read-only
markers.get('1')!.state.lat = 3;
// @ts-expect-error: the collection can not be written
markers.set('1', markers.get('1')!);

connection.on('connected', ({ user }) => user?.toUpperCase());
connection.on('error', (error) => error.destination);

async function use(): Promise<void> {
	await markers.whenSynced();
	const created = await connection.propose<MarkerState>('marker', null, { name: 'a', lat: 1, lng: 2 });
	const version: number = created.version;
	// @ts-expect-error: not an attribute of a marker
	await connection.propose<MarkerState>('marker', created.id, { nope: 1 });
	await connection.propose('marker', created.id, null, { delete: true, baseVersion: version });
	try {
		await connection.propose<MarkerState>('marker', created.id, { lat: 2 }, { baseVersion: version });
	}
	catch (error) {
		if (error instanceof EntanglementError && error.code === 'conflict') {
			const current: number | undefined = error.current?.version;
		}
	}
	await connection.changeOwner('marker', created.id, 'bob', { baseVersion: version });

	const drag = connection.transition<MarkerState>('marker', created.id, { lat: 2 });
	drag.update({ lng: 3 });
	const sentAgain: boolean = drag.update({ lat: 4 });
	await drag.commit(undefined, { baseVersion: version });
	const { reason } = await drag.ended;
	await connection.propose('marker', created.id, { lat: 5 }, { transition: drag });

	const removeHandler = connection.onRequest((request: OwnerRequest) =>
		(request.from === 'bob') ? { decision: 'accept', state: { lat: 1 } } : undefined);
	connection.onRequest(async () => ({ decision: 'reject', code: 'forbidden', message: 'No' }));
	// @ts-expect-error: not a decision
	connection.onRequest(() => ({ decision: 'maybe' }));
	removeHandler();
	connection.reconnect();
	await connection.close();
}
