// A STOMP 1.2 client over a WebSocket (RFC 6455) on a plain TCP socket, for the load clients.
// The load clients run in the same two cores as the server they measure, so whatever they
// spend per frame and per connection is taken from the server. This one does only what the
// scenarios use: the opening handshake (HTTP Basic, the v12.stomp subprotocol and, if offered
// and accepted, permessage-deflate as `ws` offers it), CONNECT, SUBSCRIBE, SEND, MESSAGE,
// RECEIPT and ERROR frames, DISCONNECT with a receipt and the closing handshake, or dropping
// the connection. The server sees the same bytes a browser or `ws` with stompjs would send.
import { createHash, randomBytes, randomFillSync } from 'node:crypto';
import net from 'node:net';
import zlib from 'node:zlib';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
// The end of a deflated message, which permessage-deflate leaves off (RFC 7692, 7.2.2).
const TRAILER = Buffer.from([0x00, 0x00, 0xff, 0xff]);
const HEAD_END = Buffer.from('\r\n\r\n');
const LF = 10;
// What the sockets read goes into one buffer, reused by every socket of the process (net's
// `onread`): no buffer and no stream event per read. Whatever outlives the read is copied.
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);

// Masking keys are random (RFC 6455, 5.3), drawn from a pool refilled as it runs out.
const masks = Buffer.alloc(4096);
let maskAt = masks.length;
function nextMask() {
	if (maskAt === masks.length) {
		randomFillSync(masks);
		maskAt = 0;
	}
	maskAt += 4;
	return maskAt - 4;
}

// A client frame: FIN, the opcode, the masked payload.
function clientFrame(opcode, payload) {
	const length = payload.length;
	const head = (length < 126) ? 2 : (length < 65536) ? 4 : 10;
	const frame = Buffer.allocUnsafe(head + 4 + length);
	frame[0] = 0x80 | opcode;
	if (head === 2) {
		frame[1] = 0x80 | length;
	}
	else if (head === 4) {
		frame[1] = 0x80 | 126;
		frame.writeUInt16BE(length, 2);
	}
	else {
		frame[1] = 0x80 | 127;
		frame.writeBigUInt64BE(BigInt(length), 2);
	}
	const m = nextMask();
	masks.copy(frame, head, m, m + 4);
	for (let i = 0; i < length; i++) {
		frame[head + 4 + i] = payload[i] ^ masks[m + (i & 3)];
	}
	return frame;
}

// STOMP 1.2 header values escape \, CR, LF and : (MESSAGE and the others but CONNECT/CONNECTED).
function unescape(value) {
	return value.includes('\\') ? value.replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c === 'c' ? ':' : c)) : value;
}

function escape(value) {
	return String(value).replace(/[\\\r\n:]/g, (c) => (c === '\\' ? '\\\\' : c === '\r' ? '\\r' : c === '\n' ? '\\n' : '\\c'));
}

function headerLines(headers, escaped) {
	let text = '';
	for (const [name, value] of Object.entries(headers)) {
		text += name + ':' + (escaped ? escape(value) : value) + '\n';
	}
	return text;
}

export class StompSocket {
	/**
	 * @param {object} options port, path, headers (of the opening handshake), deflate (offer
	 * permessage-deflate), connectHeaders (of CONNECT), onClose (called once when the TCP
	 * connection has ended, for whatever reason)
	 */
	constructor({ port, path, headers = {}, deflate = false, connectHeaders = {}, onClose = () => {} }) {
		this.options = { port, path, headers, deflate, connectHeaders };
		this.onClose = onClose;
		this.socket = null;
		this.upgraded = false;
		this.stompConnected = false;
		this.closed = false;
		// A closing frame was sent: nothing may follow it (RFC 6455, 5.5.1).
		this.closeSent = false;
		this.rest = null;
		this.fragments = [];
		this.compressed = false;
		this.inflater = null;
		this.inflating = false;
		this.inflated = [];
		this.queue = [];
		this.subscriptions = new Map();
		this.nextSubscription = 0;
		this.receipts = new Map();
		this.onConnected = null;
		this.onError = null;
	}

	get connected() {
		return this.stompConnected && !this.closed;
	}

	/** Opens the connection and sends CONNECT; resolves on CONNECTED. */
	connect() {
		return new Promise((resolve, reject) => {
			const { port, path, headers, deflate } = this.options;
			const key = randomBytes(16).toString('base64');
			this.expectedAccept = createHash('sha1').update(key + GUID).digest('base64');
			let request = `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n`
				+ `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Protocol: v12.stomp\r\n`;
			if (deflate) {
				request += 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n';
			}
			for (const [name, value] of Object.entries(headers)) {
				request += `${name}: ${value}\r\n`;
			}
			request += '\r\n';
			let settled = false;
			this.onConnected = () => {
				settled = true;
				resolve();
			};
			this.onError = (error) => {
				if (!settled) {
					settled = true;
					reject(error);
				}
			};
			const socket = net.connect({ port, host: '127.0.0.1', onread: { buffer: READ_BUFFER, callback: (length, buffer) => {
				this.received(buffer.subarray(0, length));
			} } });
			this.socket = socket;
			socket.setNoDelay(true);
			socket.on('connect', () => socket.write(request));
			socket.on('error', () => {});
			socket.on('close', () => {
				this.closed = true;
				this.inflater?.close();
				for (const done of this.receipts.values()) {
					done();
				}
				this.receipts.clear();
				this.onError?.(new Error('closed before connected'));
				this.onClose();
			});
		});
	}

	subscribe(destination, callback, headers = {}) {
		const id = 'sub-' + this.nextSubscription++;
		this.subscriptions.set(id, callback);
		this.send('SUBSCRIBE\n' + headerLines({ id, destination, ...headers }, true) + '\n\0');
		return id;
	}

	publish({ destination, body }) {
		if (!this.connected) {
			throw new Error('not connected');
		}
		const bytes = Buffer.byteLength(body);
		this.send('SEND\n' + headerLines({ destination }, true) + 'content-length:' + bytes + '\n\n' + body + '\0');
	}

	/**
	 * As a client leaving cleanly: DISCONNECT with a receipt, then the WebSocket closing
	 * handshake; resolves once the TCP connection has ended.
	 */
	async close() {
		if (!this.stompConnected) {
			return this.drop();
		}
		if (this.closed) {
			return;
		}
		const ended = new Promise((resolve) => this.socket.once('close', resolve));
		const receipt = 'close-' + this.nextSubscription++;
		const receipted = new Promise((resolve) => this.receipts.set(receipt, resolve));
		this.send('DISCONNECT\nreceipt:' + receipt + '\n\n\0');
		await receipted;
		// Normal closure (1000), unless the server closed first and was answered.
		this.write(0x8, Buffer.from([0x03, 0xe8]));
		await ended;
	}

	/** As a lost connection: no DISCONNECT, no closing handshake; resolves once closed. */
	drop() {
		if (this.closed) {
			return Promise.resolve();
		}
		const ended = new Promise((resolve) => this.socket.once('close', resolve));
		this.socket.destroy();
		return ended;
	}

	send(text) {
		this.write(0x1, Buffer.from(text));
	}

	write(opcode, payload) {
		if (!this.closed && !this.closeSent) {
			this.closeSent = (opcode === 0x8);
			this.socket.write(clientFrame(opcode, payload));
		}
	}

	received(chunk) {
		let buffer = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
		this.rest = null;
		let at = 0;
		if (!this.upgraded) {
			const end = buffer.indexOf(HEAD_END);
			if (end < 0) {
				this.rest = Buffer.from(buffer);
				return;
			}
			this.upgrade(buffer.toString('latin1', 0, end));
			if (this.closed) {
				return;
			}
			at = end + 4;
		}
		while (buffer.length - at >= 2 && !this.closed) {
			const b0 = buffer[at];
			const b1 = buffer[at + 1];
			let length = b1 & 0x7f;
			let head = 2;
			if (length === 126) {
				if (buffer.length - at < 4) {
					break;
				}
				length = buffer.readUInt16BE(at + 2);
				head = 4;
			}
			else if (length === 127) {
				if (buffer.length - at < 10) {
					break;
				}
				length = Number(buffer.readBigUInt64BE(at + 2));
				head = 10;
			}
			if (buffer.length - at < head + length) {
				break;
			}
			if (b1 & 0x80) {
				this.fail('a masked frame from the server');
				return;
			}
			this.frame(b0, buffer.subarray(at + head, at + head + length));
			at += head + length;
		}
		if (at < buffer.length) {
			this.rest = Buffer.from(buffer.subarray(at));
		}
	}

	upgrade(head) {
		const lines = head.split('\r\n');
		if (!/^HTTP\/1\.1 101 /.test(lines[0])) {
			this.fail('handshake: ' + lines[0]);
			return;
		}
		const headers = new Map();
		for (let i = 1; i < lines.length; i++) {
			const colon = lines[i].indexOf(':');
			headers.set(lines[i].slice(0, colon).trim().toLowerCase(), lines[i].slice(colon + 1).trim());
		}
		if (headers.get('sec-websocket-accept') !== this.expectedAccept) {
			this.fail('handshake: wrong Sec-WebSocket-Accept');
			return;
		}
		const extensions = headers.get('sec-websocket-extensions');
		if (extensions) {
			const [name, ...parameters] = extensions.split(';').map((p) => p.trim());
			if (name !== 'permessage-deflate' || !this.options.deflate) {
				this.fail('handshake: extension not offered: ' + extensions);
				return;
			}
			const bits = parameters.find((p) => p.startsWith('server_max_window_bits'));
			this.inflateBits = bits ? Number(bits.split('=')[1]) : 15;
			this.noContextTakeover = parameters.includes('server_no_context_takeover');
		}
		this.upgraded = true;
		this.send('CONNECT\naccept-version:1.2,1.1,1.0\nheart-beat:0,0\n' + headerLines(this.options.connectHeaders, false) + '\n\0');
	}

	frame(b0, payload) {
		const opcode = b0 & 0x0f;
		if (opcode >= 0x8) {
			if (opcode === 0x8) {
				// The server closes: answer, then the server ends the TCP connection.
				this.write(0x8, payload.subarray(0, 2));
			}
			else if (opcode === 0x9) {
				this.write(0xa, payload);
			}
			return;
		}
		if (opcode !== 0x0) {
			this.fragments = [];
			this.compressed = (b0 & 0x40) !== 0;
		}
		if (!(b0 & 0x80)) {
			// The read buffer is reused: a fragment waiting for the rest of its message is copied.
			this.fragments.push(Buffer.from(payload));
			return;
		}
		this.fragments.push(payload);
		const message = (this.fragments.length === 1) ? this.fragments[0] : Buffer.concat(this.fragments);
		this.fragments = [];
		if (!this.compressed && !this.inflating) {
			this.stomp(message);
			return;
		}
		this.queue.push([(message === payload) ? Buffer.from(message) : message, this.compressed]);
		if (!this.inflating) {
			this.drainQueue();
		}
	}

	// Messages in order, inflating the compressed ones (zlib works off the event loop).
	drainQueue() {
		while (this.queue.length && !this.closed) {
			const [message, compressed] = this.queue.shift();
			if (!compressed) {
				this.stomp(message);
				continue;
			}
			this.inflating = true;
			this.inflate(message, (inflated) => {
				this.inflating = false;
				this.stomp(inflated);
				this.drainQueue();
			});
			return;
		}
	}

	inflate(message, done) {
		if (!this.inflater) {
			this.inflater = zlib.createInflateRaw({ windowBits: this.inflateBits });
			this.inflater.on('data', (data) => this.inflated.push(data));
			this.inflater.on('error', (error) => this.fail('inflate: ' + error.message));
		}
		const inflater = this.inflater;
		this.inflated = [];
		inflater.write(message);
		inflater.write(TRAILER);
		inflater.flush(() => {
			if (this.closed) {
				return;
			}
			const inflated = Buffer.concat(this.inflated);
			if (this.noContextTakeover) {
				inflater.close();
				this.inflater = null;
			}
			done(inflated);
		});
	}

	// One WebSocket message: STOMP frames, and heart-beats (end of lines) between them.
	stomp(message) {
		let at = 0;
		while (at < message.length) {
			const first = message[at];
			if (first === LF || first === 13 || first === 0) {
				at++;
				continue;
			}
			const headEnd = message.indexOf('\n\n', at);
			if (headEnd < 0) {
				this.fail('a STOMP frame without the end of its headers');
				return;
			}
			const lines = message.toString('utf8', at, headEnd).split('\n');
			const command = lines[0];
			const escaped = command !== 'CONNECTED';
			const headers = Object.create(null);
			let length = -1;
			for (let i = 1; i < lines.length; i++) {
				const colon = lines[i].indexOf(':');
				const name = lines[i].slice(0, colon);
				// The first of a repeated header counts (STOMP 1.2).
				if (headers[name] === undefined) {
					headers[name] = escaped ? unescape(lines[i].slice(colon + 1)) : lines[i].slice(colon + 1);
				}
			}
			if (headers['content-length'] !== undefined) {
				length = parseInt(headers['content-length'], 10);
			}
			const bodyStart = headEnd + 2;
			const bodyEnd = (length >= 0) ? bodyStart + length : message.indexOf(0, bodyStart);
			if (bodyEnd < 0 || bodyEnd > message.length) {
				this.fail('a STOMP frame cut short');
				return;
			}
			this.dispatch(command, headers, message, bodyStart, bodyEnd);
			at = bodyEnd + 1;
		}
	}

	dispatch(command, headers, message, bodyStart, bodyEnd) {
		if (command === 'MESSAGE') {
			const callback = this.subscriptions.get(headers.subscription);
			callback?.({ headers, body: message.toString('utf8', bodyStart, bodyEnd), bytes: bodyEnd - bodyStart });
		}
		else if (command === 'CONNECTED') {
			this.stompConnected = true;
			const connected = this.onConnected;
			this.onConnected = null;
			this.onError = null;
			connected?.();
		}
		else if (command === 'RECEIPT') {
			const done = this.receipts.get(headers['receipt-id']);
			this.receipts.delete(headers['receipt-id']);
			done?.();
		}
		else if (command === 'ERROR') {
			this.fail('STOMP ERROR ' + headers.message);
		}
	}

	fail(reason) {
		this.closed = true;
		const error = this.onError;
		this.onError = null;
		error?.(new Error(reason));
		this.socket.destroy();
	}

}
