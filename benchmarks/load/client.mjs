// One load-client process: opens STOMP sessions (stompjs over `ws`, HTTP Basic on the
// handshake) to one of the harness's servers and counts what they receive. It is driven by
// run.mjs over stdin/stdout, one JSON object per line:
//   in:  {"cmd":"start"} | {"cmd":"stop"} | {"cmd":"drain","lastSentAt":µs,"timeoutMs":n}
//        | {"cmd":"offline"} | {"cmd":"reconnect"} | {"cmd":"exit"}
//   out: {"event":"ready",...} and one reply per command.
// Changes are counted, not frames: an Entanglement batch carries several changes, a
// baseline message one. Latency (now minus the committed sentAt attribute) is measured on
// every `latencyEvery`-th session only, which parses its bodies; the others count by
// scanning, so that the client's own CPU stays small next to the server's.
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { Client } from '@stomp/stompjs';
import WebSocket from 'ws';

const options = JSON.parse(process.argv[2]);
const {
	app, // 'entangled' | 'baseline'
	port,
	sessions: sessionCount,
	latencyEvery = 1,
	throttle = 0, // bytes per second the reader reads, through a loopback proxy; 0: no proxy
	firstUser = 0,
	deflate = true, // offer permessage-deflate, as browsers and `ws` do by default
} = options;

const ENTANGLED = app === 'entangled';
const PATH = ENTANGLED ? '/entanglement' : '/baseline';
const DESTINATION = ENTANGLED ? '/entanglement/marker' : '/topic/marker';
const UPSERT = '{"op":"upsert"';

function now() {
	return performance.timeOrigin + performance.now();
}

function send(message) {
	process.stdout.write(JSON.stringify(message) + '\n');
}

let measuring = false;
let windowChanges = 0;
let totalChanges = 0;
let frames = 0;
let bodyBytes = 0;
let lastFrameAt = 0;
let latencies = [];
let proxyIn = 0;
let proxyOut = 0;

// --- the throttling proxy (P3): reads from the server no faster than `throttle` bytes/s ---
let proxyPort = 0;
async function startProxy() {
	const server = net.createServer((down) => {
		const up = net.connect(port, '127.0.0.1');
		down.setNoDelay(true);
		down.pipe(up);
		const queue = [];
		let queued = 0;
		up.on('data', (chunk) => {
			proxyIn += chunk.length;
			queue.push(chunk);
			queued += chunk.length;
			if (queued > 1024) {
				up.pause();
			}
		});
		const TICK = 50;
		let allowance = 0;
		const timer = setInterval(() => {
			allowance = Math.min(allowance + (throttle * TICK) / 1000, throttle / 4);
			while (queue.length && allowance >= 1) {
				let chunk = queue[0];
				if (chunk.length > allowance) {
					const n = Math.floor(allowance);
					queue[0] = chunk.subarray(n);
					chunk = chunk.subarray(0, n);
				}
				else {
					queue.shift();
				}
				allowance -= chunk.length;
				queued -= chunk.length;
				proxyOut += chunk.length;
				down.write(chunk);
			}
			if (queued <= 1024) {
				up.resume();
			}
		}, TICK);
		const end = () => {
			clearInterval(timer);
			up.destroy();
			down.destroy();
		};
		up.on('close', end);
		down.on('close', end);
		up.on('error', end);
		down.on('error', end);
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	proxyPort = server.address().port;
}

// --- sessions ---
class Session {
	constructor(index) {
		this.index = index;
		this.user = 'u' + ((firstUser + index) % 10);
		this.parse = index % latencyEvery === 0;
		this.maxSentAt = 0;
		this.maxSentAtArrival = 0;
		this.lastSeenAt = 0;
		this.closedAt = 0;
		this.token = undefined;
		this.synced = false;
		this.catchUp = null;
	}

	open(since) {
		return new Promise((resolve, reject) => {
			const url = `ws://127.0.0.1:${throttle ? proxyPort : port}${PATH}`;
			const authorization = 'Basic ' + Buffer.from(this.user + ':bench').toString('base64');
			this.closedAt = 0;
			this.synced = false;
			let settled = false;
			const client = new Client({
				webSocketFactory: () => {
					const socket = new WebSocket(url, ['v12.stomp'], { headers: { Authorization: authorization }, perMessageDeflate: deflate });
					socket.on('close', () => {
						if (!this.closedAt) {
							this.closedAt = now();
						}
						if (!settled) {
							settled = true;
							reject(new Error('closed before connected'));
						}
					});
					return socket;
				},
				heartbeatIncoming: 0,
				heartbeatOutgoing: 0,
				reconnectDelay: 0,
				debug: () => {},
				onStompError: (frame) => {
					if (!settled) {
						settled = true;
						reject(new Error('STOMP ERROR ' + frame.headers.message));
					}
				},
				onConnect: () => {
					const headers = since ? { 'entanglement-since': since } : {};
					client.subscribe(DESTINATION, (message) => this.received(message), headers);
					if (!ENTANGLED) {
						settled = true;
						resolve();
					}
				},
			});
			this.ready = () => {
				if (!settled) {
					settled = true;
					resolve();
				}
			};
			this.client = client;
			client.activate();
		});
	}

	received(message) {
		const at = now();
		const body = message.body;
		frames++;
		bodyBytes += Buffer.byteLength(body);
		lastFrameAt = at;
		this.lastSeenAt = at;
		if (ENTANGLED) {
			this.token = message.headers['entanglement-token'] ?? this.token;
		}
		if (this.catchUp) {
			this.catchUp.frames++;
			this.catchUp.bytes += Buffer.byteLength(body);
			this.catchUp.changes += count(body);
		}
		if (!this.parse) {
			const n = ENTANGLED ? count(body) : 1;
			this.counted(n);
			if (ENTANGLED && !this.synced && body.includes('"synced":true')) {
				this.synced = true;
				this.ready?.();
			}
			return;
		}
		const parsed = JSON.parse(body);
		const changes = ENTANGLED ? parsed.changes : [parsed];
		let n = 0;
		for (const change of changes) {
			const sentAt = ENTANGLED ? change.state?.sentAt : change.sentAt;
			if (change.op !== undefined && change.op !== 'upsert') {
				continue;
			}
			n++;
			if (sentAt > this.maxSentAt) {
				this.maxSentAt = sentAt;
				this.maxSentAtArrival = at;
			}
			if (measuring || draining) {
				latencies.push(at - sentAt / 1000);
			}
		}
		this.counted(n);
		if (ENTANGLED && parsed.synced && !this.synced) {
			this.synced = true;
			this.ready?.();
		}
	}

	counted(n) {
		totalChanges += n;
		if (measuring) {
			windowChanges += n;
		}
	}

	async close() {
		await this.client?.deactivate();
	}
}

function count(body) {
	let n = 0;
	let i = body.indexOf(UPSERT);
	while (i >= 0) {
		n++;
		i = body.indexOf(UPSERT, i + UPSERT.length);
	}
	return n;
}

let draining = false;
const all = [];

async function openAll() {
	let failed = 0;
	const CONCURRENCY = 16;
	let next = 0;
	const worker = async () => {
		while (next < sessionCount) {
			const session = new Session(next++);
			all.push(session);
			try {
				await withTimeout(session.open(), 60_000);
			}
			catch (error) {
				failed++;
				if (failed <= 3) {
					process.stderr.write(`session ${session.index}: ${error.message}\n`);
				}
			}
		}
	};
	await Promise.all(Array.from({ length: CONCURRENCY }, worker));
	return failed;
}

function withTimeout(promise, ms) {
	let timer;
	return Promise.race([promise, new Promise((_, reject) => {
		timer = setTimeout(() => reject(new Error('timed out')), ms);
	})]).finally(() => clearTimeout(timer));
}

function sleep(ms) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

function percentile(sorted, p) {
	if (!sorted.length) {
		return null;
	}
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

if (throttle) {
	await startProxy();
}
const failed = await openAll();
send({ event: 'ready', sessions: all.length - failed, failed });

let startedAt = 0;
let stoppedAt = 0;
let cpuAtStart = process.cpuUsage();
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
	const command = JSON.parse(line);
	if (command.cmd === 'start') {
		windowChanges = 0;
		latencies = [];
		proxyIn = 0;
		proxyOut = 0;
		startedAt = now();
		cpuAtStart = process.cpuUsage();
		measuring = true;
		send({ event: 'started' });
	}
	else if (command.cmd === 'stop') {
		measuring = false;
		draining = true;
		stoppedAt = now();
		const cpu = process.cpuUsage(cpuAtStart);
		send({ event: 'stopped', windowChanges, windowMs: stoppedAt - startedAt, cpuMs: (cpu.user + cpu.system) / 1000 });
	}
	else if (command.cmd === 'drain') {
		// Wait until every open parsing session holds the last committed version (or the
		// frames stop for quietMs), then report.
		const deadline = now() + command.timeoutMs;
		const target = command.lastSentAt;
		while (now() < deadline) {
			const open = all.filter((s) => !s.closedAt);
			const parsing = open.filter((s) => s.parse);
			if (target && parsing.length && parsing.every((s) => s.maxSentAt >= target)) {
				break;
			}
			if (!target && now() - lastFrameAt > (command.quietMs ?? 1000)) {
				break;
			}
			if (!open.length) {
				break;
			}
			await sleep(20);
		}
		draining = false;
		const sorted = Float64Array.from(latencies).sort();
		const parsing = all.filter((s) => s.parse);
		send({
			event: 'drained',
			windowChanges,
			windowMs: stoppedAt - startedAt,
			totalChanges,
			frames,
			bodyBytes,
			closed: all.filter((s) => s.closedAt).length,
			firstClosedAfterStartMs: Math.min(...all.map((s) => (s.closedAt ? s.closedAt - startedAt : Infinity))),
			latencySamples: sorted.length,
			latencies: command.withLatencies ? Array.from(sorted) : undefined,
			p50: percentile(sorted, 50),
			p99: percentile(sorted, 99),
			// Per parsing session: how long after the last commit it held the last version.
			staleness: parsing.map((s) => (target && s.maxSentAt >= target ? s.maxSentAtArrival - s.maxSentAt / 1000 : null)),
			proxyIn,
			proxyOut,
			sinceStartMs: now() - startedAt,
		});
	}
	else if (command.cmd === 'offline') {
		const session = all[0];
		const token = session.token;
		await session.close();
		send({ event: 'offline', token });
	}
	else if (command.cmd === 'reconnect') {
		const session = all[0];
		session.catchUp = { frames: 0, bytes: 0, changes: 0 };
		const started = now();
		await withTimeout(session.open(command.token), 60_000);
		send({ event: 'caughtUp', ...session.catchUp, ms: now() - started });
		session.catchUp = null;
	}
	else if (command.cmd === 'exit') {
		break;
	}
}
// Exiting closes every socket at once; waiting for each STOMP DISCONNECT to complete would
// only make the runs longer.
process.exit(0);
