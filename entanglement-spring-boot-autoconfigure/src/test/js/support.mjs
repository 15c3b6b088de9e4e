// Helpers of the client tests: the client as the server serves it, connections over the
// `ws` package, waiting for events, and the test application's data endpoint.
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
// tag::node-import[]
import WebSocket from 'ws';
// end::node-import[]

/** The running server, e.g. http://localhost:8080 (set by JsClientIntegrationTests). */
export const BASE_URL = process.env.ENTANGLEMENT_TEST_URL;
if (!BASE_URL) {
	throw new Error('Set ENTANGLEMENT_TEST_URL to the URL of a running test application');
}

export const ENDPOINT = BASE_URL.replace(/^http/, 'ws') + '/entanglement';

export const TIMEOUT = 10_000;

export function basic(user) {
	return 'Basic ' + Buffer.from(user + ':password').toString('base64');
}

let client;

/**
 * The client module exactly as served at /entanglement/entanglement.js, with every module
 * it imports (the STOMP client under /entanglement/stompjs/), copied to a temporary
 * directory and imported from there.
 */
export function loadClient() {
	client ??= download();
	return client;
}

async function download() {
	const directory = await mkdtemp(path.join(tmpdir(), 'entanglement-js-'));
	process.on('exit', () => rmSync(directory, { recursive: true, force: true }));
	await writeFile(path.join(directory, 'package.json'), '{"type":"module"}');
	const fetched = new Set();
	const fetchModule = async (relative) => {
		if (fetched.has(relative)) {
			return;
		}
		fetched.add(relative);
		const url = new URL(relative, BASE_URL + '/entanglement/');
		const response = await fetch(url, { headers: { Authorization: basic('alice') } });
		if (!response.ok) {
			throw new Error('GET ' + url + ': HTTP ' + response.status);
		}
		const type = response.headers.get('content-type') ?? '';
		if (!/javascript/.test(type)) {
			throw new Error('GET ' + url + ': not served as JavaScript but as ' + type);
		}
		const text = await response.text();
		const file = path.join(directory, relative);
		await mkdir(path.dirname(file), { recursive: true });
		await writeFile(file, text);
		for (const match of text.matchAll(/(?:\bfrom|\bimport)\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
			await fetchModule(path.posix.normalize(path.posix.join(path.posix.dirname(relative), match[1])));
		}
	};
	await fetchModule('entanglement.js');
	return import(pathToFileURL(path.join(directory, 'entanglement.js')).href);
}

/** A WebSocket factory for Node: the `ws` package, which can send handshake headers. */
export function webSocketFactory(url, protocols, headers) {
	return new WebSocket(url, protocols, { headers });
}

/** Connect as a user of the test application (HTTP Basic on the handshake) and wait until connected. */
export async function open(user, options = {}) {
	const { connect } = await loadClient();
	// tag::node-connect[]
	const connection = connect(ENDPOINT, {
		headers: { Authorization: basic(user) },
		webSocketFactory: (url, protocols, headers) => new WebSocket(url, protocols, { headers }),
		reconnect: { minDelay: 100, maxDelay: 500 },
		// end::node-connect[]
		...options,
		// tag::node-connect[]
	});
	// end::node-connect[]
	const connected = next(connection, 'connected');
	try {
		await connected;
	}
	catch (error) {
		await connection.close();
		throw error;
	}
	return connection;
}

/**
 * The next event of `target` for which `predicate` holds. Call before causing the event.
 */
export function next(target, event, predicate = () => true, timeout = TIMEOUT) {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			off();
			reject(new Error('No matching "' + event + '" event within ' + timeout + ' ms'));
		}, timeout);
		const off = target.on(event, (detail) => {
			if (predicate(detail)) {
				clearTimeout(timer);
				off();
				resolve(detail);
			}
		});
	});
}

/** Fails if the promise does not settle in time. */
export function within(promise, what, timeout = TIMEOUT) {
	let timer;
	const timedOut = new Promise((resolve, reject) => {
		timer = setTimeout(() => reject(new Error(what + ' did not happen within ' + timeout + ' ms')), timeout);
	});
	return Promise.race([promise, timedOut]).finally(() => clearTimeout(timer));
}

/** Records every event of a kind. */
export function record(target, event) {
	const events = [];
	target.on(event, (detail) => events.push(detail));
	return events;
}

let counter = 0;

/** A name no other test uses. */
export function unique(prefix) {
	return prefix + '-' + process.pid + '-' + (++counter) + '-' + Date.now().toString(36);
}

/** Markers committed through the repository by the server, as server code writes. */
export const testData = {
	create(fields) {
		return call('POST', '/test-data/markers', { lat: 0, lng: 0, ...fields });
	},
	update(id, fields) {
		return call('PUT', '/test-data/markers/' + id, fields);
	},
	remove(id) {
		return call('DELETE', '/test-data/markers/' + id);
	},
};

async function call(method, uri, body) {
	const response = await fetch(BASE_URL + uri, {
		method,
		headers: { Authorization: basic('alice'), 'Content-Type': 'application/json' },
		body: body && JSON.stringify(body),
	});
	if (!response.ok) {
		throw new Error(method + ' ' + uri + ': HTTP ' + response.status + ' ' + await response.text());
	}
	return (response.status === 204) ? undefined : response.json();
}
