// A STOMP frame parser for the load clients, installed in place of stompjs's own. stompjs
// reads a frame byte by byte and pushes every body byte into an array; at the rates of the
// load scenarios that made the client processes, not the servers, the limit on a machine
// they share. This one finds the end of the headers with a native search and takes the
// body by its content-length (or up to the NUL without one), and hands stompjs the same raw
// frame ({command, headers, binaryBody}). Both servers' clients use it alike. It expects
// LF line ends, which both servers send.
import { Buffer } from 'node:buffer';
import { Parser } from './node_modules/@stomp/stompjs/esm6/parser.js';

const decoder = new TextDecoder();

Parser.prototype.parseChunk = function parseChunk(segment, appendMissingNULLonIncoming = false) {
	let chunk = typeof segment === 'string' ? Buffer.from(segment, 'utf8') : Buffer.from(segment);
	if (appendMissingNULLonIncoming && chunk[chunk.length - 1] !== 0) {
		chunk = Buffer.concat([chunk, Buffer.from([0])]);
	}
	if (this._rest) {
		chunk = Buffer.concat([this._rest, chunk]);
		this._rest = null;
	}
	let at = 0;
	while (at < chunk.length) {
		const first = chunk[at];
		if (first === 0 || first === 13) {
			at++;
			continue;
		}
		if (first === 10) {
			this.onIncomingPing();
			at++;
			continue;
		}
		const headEnd = chunk.indexOf('\n\n', at);
		if (headEnd < 0) {
			break;
		}
		const lines = decoder.decode(chunk.subarray(at, headEnd)).split('\n');
		const headers = [];
		let length = -1;
		for (let i = 1; i < lines.length; i++) {
			const colon = lines[i].indexOf(':');
			const name = lines[i].slice(0, colon);
			const value = lines[i].slice(colon + 1);
			headers.push([name, value]);
			if (name === 'content-length' && length < 0) {
				length = parseInt(value, 10);
			}
		}
		const bodyStart = headEnd + 2;
		const bodyEnd = length >= 0 ? bodyStart + length : chunk.indexOf(0, bodyStart);
		if (bodyEnd < 0 || bodyEnd >= chunk.length) {
			break;
		}
		const frame = { command: lines[0], headers, binaryBody: new Uint8Array(chunk.subarray(bodyStart, bodyEnd)) };
		try {
			this.onFrame(frame);
		}
		catch (e) {
			console.log('Ignoring an exception thrown by a frame handler', e);
		}
		at = bodyEnd + 1;
	}
	if (at < chunk.length) {
		this._rest = Buffer.from(chunk.subarray(at));
	}
};
