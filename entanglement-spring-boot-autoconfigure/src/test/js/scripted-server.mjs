// A STOMP 1.2 server whose every frame the test writes: for what a real server sends
// rarely or not yet (stale versions, resets, transitions, lost replies), to the wire
// contract of the design (DESIGN §3).
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { TIMEOUT } from './support.mjs';

export const REPLIES = '/user/queue/entanglement/replies';
export const REQUESTS = '/user/queue/entanglement/requests';

export async function scriptedServer({ user = 'scripted', csrf = null } = {}) {
	const frames = [];
	const claimed = new Set();
	const waiters = [];
	const handshakes = [];
	const csrfRequests = [];
	const sockets = [];
	let messageId = 0;

	const http = createServer((request, response) => {
		if (request.url === '/entanglement/csrf' && csrf) {
			csrfRequests.push(request.headers);
			response.writeHead(200, { 'Content-Type': 'application/json' });
			response.end(JSON.stringify(csrf));
			return;
		}
		response.writeHead(404).end();
	});
	const webSockets = new WebSocketServer({
		server: http,
		path: '/entanglement',
		handleProtocols: (protocols) => (protocols.has('v12.stomp') ? 'v12.stomp' : false),
	});
	webSockets.on('connection', (socket, request) => {
		const connection = sockets.length;
		sockets.push(socket);
		handshakes.push(request.headers);
		socket.on('message', (data) => {
			for (const text of data.toString().split('\0')) {
				const frame = parse(text, connection);
				if (!frame) {
					continue;
				}
				if (frame.command === 'CONNECT' || frame.command === 'STOMP') {
					socket.send('CONNECTED\nversion:1.2\nheart-beat:0,0\nuser-name:' + server.user + '\n\n\0');
				}
				else if (frame.command === 'DISCONNECT' && frame.headers.receipt) {
					socket.send('RECEIPT\nreceipt-id:' + frame.headers.receipt + '\n\n\0');
				}
				frames.push(frame);
				notify();
			}
		});
	});
	await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));

	function notify() {
		for (const waiter of [...waiters]) {
			const frame = frames.find((candidate) => !claimed.has(candidate) && waiter.predicate(candidate));
			if (frame) {
				claimed.add(frame);
				waiters.splice(waiters.indexOf(waiter), 1);
				clearTimeout(waiter.timer);
				waiter.resolve(frame);
			}
		}
	}

	function write(frame, destination, headers, body) {
		let text = 'MESSAGE\ndestination:' + destination + '\nsubscription:' + frame.headers.id
			+ '\nmessage-id:' + (++messageId) + '\ncontent-type:application/json\n';
		for (const [name, value] of Object.entries(headers)) {
			text += name + ':' + escape(value) + '\n';
		}
		sockets[frame.connection].send(text + '\n' + body + '\0');
	}

	const server = {
		url: 'ws://127.0.0.1:' + http.address().port + '/entanglement',
		user,
		frames,
		handshakes,
		csrfRequests,

		/** The first frame not taken yet that matches, waiting for it if needed. */
		frame(predicate, what = 'a matching frame', timeout = TIMEOUT) {
			return new Promise((resolve, reject) => {
				const waiter = { predicate, resolve };
				waiter.timer = setTimeout(() => {
					waiters.splice(waiters.indexOf(waiter), 1);
					reject(new Error('No ' + what + ' within ' + timeout + ' ms'));
				}, timeout);
				waiters.push(waiter);
				notify();
			});
		},

		subscribed(destination) {
			return server.frame((frame) => frame.command === 'SUBSCRIBE' && frame.headers.destination === destination,
				'SUBSCRIBE to ' + destination);
		},

		sent(destination) {
			return server.frame((frame) => frame.command === 'SEND' && frame.headers.destination === destination,
				'SEND to ' + destination);
		},

		/** A batch on a subscription, as the server frames it. */
		batch(subscribe, changes, { synced = true, reset = false, token } = {}) {
			const type = subscribe.headers.destination.slice('/entanglement/'.length);
			write(subscribe, subscribe.headers.destination, token ? { 'entanglement-token': token } : {},
				JSON.stringify({ type, changes, synced, reset }));
		},

		/** A message on the latest connection's subscription to a user queue. */
		async queue(destination, body) {
			const subscriptions = frames.filter((frame) => frame.command === 'SUBSCRIBE'
				&& frame.headers.destination === destination && frame.connection === sockets.length - 1);
			if (subscriptions.length === 0) {
				throw new Error('No subscription to ' + destination + ' on the latest connection');
			}
			write(subscriptions.at(-1), destination, {}, JSON.stringify(body));
		},

		reply(body) {
			return server.queue(REPLIES, body);
		},

		/** Cut every connection, as a network failure would. */
		drop() {
			for (const socket of sockets) {
				socket.terminate();
			}
		},

		close() {
			server.drop();
			webSockets.close();
			return new Promise((resolve) => http.close(resolve));
		},
	};
	return server;
}

function parse(text, connection) {
	const trimmed = text.replace(/^(\r?\n)+/, '');
	if (trimmed === '') {
		return null;
	}
	const end = trimmed.indexOf('\n\n');
	const head = (end >= 0) ? trimmed.slice(0, end) : trimmed;
	const [command, ...lines] = head.split('\n');
	const headers = {};
	for (const line of lines) {
		const colon = line.indexOf(':');
		const name = unescape(line.slice(0, colon));
		if (!(name in headers)) {
			headers[name] = unescape(line.slice(colon + 1));
		}
	}
	const body = (end >= 0) ? trimmed.slice(end + 2) : '';
	return { command, headers, body, json: () => JSON.parse(body), connection };
}

function escape(value) {
	return String(value).replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/:/g, '\\c');
}

function unescape(value) {
	return value.replace(/\\([\\nrc])/g, (match, c) => ({ '\\': '\\', n: '\n', r: '\r', c: ':' })[c]);
}
