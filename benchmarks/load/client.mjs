// One load-client process: opens STOMP sessions (stomp-socket.mjs, HTTP Basic on the
// handshake) to one of the harness's servers and counts what they receive. It is driven by
// run.mjs over stdin/stdout, one JSON object per line:
//   in:  {"cmd":"start"} | {"cmd":"stop"} | {"cmd":"drain","lastSentAt":µs,"timeoutMs":n}
//        | {"cmd":"offline"} | {"cmd":"reconnect"} | {"cmd":"versions"} | {"cmd":"compare","expected":{}}
//        | {"cmd":"exit"}
//   out: {"event":"ready",...} and one reply per command.
// Changes are counted, not frames: an Entanglement batch carries several changes, a
// baseline message one. Latency (now minus the committed sentAt attribute) is measured on
// every `latencyEvery`-th session only, which parses its bodies; the others count by
// scanning, so that the client's own CPU stays small next to the server's.
import net from 'node:net';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { StompSocket } from './stomp-socket.mjs';

const options = JSON.parse(process.argv[2]);
const {
	app, // 'entangled' | 'baseline'
	port,
	sessions: sessionCount,
	latencyEvery = 1,
	throttle = 0, // bytes per second the reader reads, through a loopback proxy; 0: no proxy
	firstUser = 0,
	deflate = true, // offer permessage-deflate, as browsers and the `ws` package do by default
	delta = true, // ask for patches (entanglement-delta), as the JS client does by default
	binaryFrames = false, // ask for batches as binary WebSocket messages (entanglement-binary-frames)
	users = 10, // session i logs in as u((firstUser + i) % users)
	type = 'marker', // the Entanglement type; the baseline's topic is /topic/marker ...
	groupSize = 0, // ... or, if set, /topic/group/{user number / groupSize} (P6) ...
	dragTopic = false, // ... or /topic/drag (P8)
	role = 'view', // 'view': subscribe and count; 'drag': only send transitions (P8)
	dragHz = 60, // transitions each dragger sends per second
	cycleRate = 0, // P7: reconnects per second this process makes, over its sessions
	// P7: how a reconnecting session leaves its connection: 'drop' destroys the socket (a lost
	// connection: no STOMP DISCONNECT, no WebSocket closing handshake); 'disconnect' sends
	// DISCONNECT, waits for its receipt and closes the WebSocket cleanly
	cycleClose = 'drop',
	trackVersions = false, // parsing sessions keep the last version of every object (P7)
} = options;

const ENTANGLED = app === 'entangled';
const PATH = ENTANGLED ? '/entanglement' : '/baseline';
const UPSERT = '{"op":"upsert"';
// An update sent as a patch of the version the session holds (entanglement-delta).
const PATCH = '{"op":"patch"';
const TRANSITION = '"op":"transition",';
const TRANSITION_DESTINATION = ENTANGLED ? `/app/entanglement/${type}/transition` : '/app/drag';
const CYCLING = cycleRate > 0;

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
		this.userNumber = (firstUser + index) % users;
		this.user = 'u' + this.userNumber;
		this.parse = index % latencyEvery === 0;
		this.destination = ENTANGLED ? `/entanglement/${type}`
			: groupSize ? `/topic/group/${Math.floor(this.userNumber / groupSize)}`
				: dragTopic ? '/topic/drag' : '/topic/marker';
		// Transition frames and changes received while measuring, by second (P8).
		this.transitionFrames = 0;
		this.transitionChanges = 0;
		this.perSecond = [];
		this.versions = trackVersions && this.parse ? new Map() : null;
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
			const authorization = 'Basic ' + Buffer.from(this.user + ':bench').toString('base64');
			this.closedAt = 0;
			this.synced = false;
			let settled = false;
			const client = new StompSocket({
				port: throttle ? proxyPort : port,
				path: PATH,
				headers: { Authorization: authorization },
				deflate,
				// --binary-frames: batches as binary WebSocket messages.
				connectHeaders: ENTANGLED && binaryFrames ? { 'entanglement-binary-frames': 'true' } : {},
				onClose: () => {
					if (this.client === client && !this.closedAt) {
						this.closedAt = now();
					}
					// Closed after CONNECTED but before subscribed (or, Entanglement, synced).
					if (!settled) {
						settled = true;
						reject(new Error('closed before connected'));
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
			client.connect().then(() => {
				if (role === 'drag') {
					settled = true;
					resolve();
					return;
				}
				const headers = since ? { 'entanglement-since': since } : {};
				if (ENTANGLED && delta) {
					headers['entanglement-delta'] = 'true';
				}
				client.subscribe(this.destination, (message) => this.received(message), headers);
				if (!ENTANGLED) {
					settled = true;
					resolve();
				}
			}, (error) => {
				if (!settled) {
					settled = true;
					reject(error);
				}
			});
		});
	}

	received(message) {
		const at = now();
		const body = message.body;
		frames++;
		bodyBytes += message.bytes;
		lastFrameAt = at;
		this.lastSeenAt = at;
		if (ENTANGLED) {
			this.token = message.headers['entanglement-token'] ?? this.token;
		}
		if (measuring && (ENTANGLED ? body.includes(TRANSITION) : dragTopic)) {
			const n = ENTANGLED ? countOf(body, TRANSITION) : 1;
			this.transitionFrames++;
			this.transitionChanges += n;
			const second = Math.floor((at - startedAt) / 1000);
			this.perSecond[second] = (this.perSecond[second] ?? 0) + 1;
		}
		if (this.catchUp) {
			this.catchUp.frames++;
			this.catchUp.bytes += message.bytes;
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
			if (change.op !== undefined && change.op !== 'upsert' && change.op !== 'patch') {
				continue;
			}
			n++;
			if (this.versions) {
				const id = String(change.id);
				if (!(this.versions.get(id) >= change.version)) {
					this.versions.set(id, change.version);
				}
			}
			if (this.cycler) {
				continue;
			}
			if (sentAt > this.maxSentAt) {
				this.maxSentAt = sentAt;
				this.maxSentAtArrival = at;
			}
			// Only what was committed after this window started (not a backlog of before).
			if ((measuring || draining) && sentAt >= minSentAt) {
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
		await this.client?.close();
	}

	// As a lost connection: the socket is destroyed at once, and the server learns of it from
	// the TCP connection's end.
	async drop() {
		await this.client?.drop();
	}
}

function count(body) {
	return countOf(body, UPSERT) + (ENTANGLED ? countOf(body, PATCH) : 0);
}

function countOf(body, text) {
	let n = 0;
	let i = body.indexOf(text);
	while (i >= 0) {
		n++;
		i = body.indexOf(text, i + text.length);
	}
	return n;
}

let draining = false;
let minSentAt = 0;
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
if (CYCLING) {
	for (const session of all) {
		session.cycler = true;
	}
}
send({ event: 'ready', sessions: all.length - failed, failed });

// --- P8: draggers send transitions of their own marker (firstUser + index) at dragHz ---
let dragTimers = [];
let dragsSent = 0;
function startDragging() {
	const period = 1000 / dragHz;
	for (const session of all) {
		if (!session.client?.connected) {
			continue;
		}
		const id = String(session.index + firstUser);
		let step = 0;
		// Spread the draggers over the period, as independent users would be.
		const begin = setTimeout(() => {
			const timer = setInterval(() => {
				const sentAt = Math.round(now() * 1000);
				const lat = 48.8566 + (step++ % 1000) * 1.0e-5;
				const body = ENTANGLED
					? JSON.stringify({ id, transition: 't' + id, state: { lat, lng: 2.3522, sentAt } })
					: JSON.stringify({ id, lat, lng: 2.3522, sentAt });
				try {
					session.client.publish({ destination: TRANSITION_DESTINATION, body });
					dragsSent++;
				}
				catch {
					// closed: counted as not sent
				}
			}, period);
			dragTimers.push(timer);
		}, Math.random() * period);
		dragTimers.push(begin);
	}
}

// --- P7: reconnect sessions at cycleRate/s, each resuming with its last token ---
const cycling = { on: false, reconnects: 0, failures: 0, skipped: 0, inFlight: new Set(), ms: [], bytes: 0, changes: 0, timer: null };
function startCycling() {
	cycling.on = true;
	let next = 0;
	let due = 0;
	const TICK = 10;
	let last = now();
	cycling.timer = setInterval(() => {
		const at = now();
		due += ((at - last) / 1000) * cycleRate;
		last = at;
		while (due >= 1) {
			due--;
			let session = null;
			for (let tries = 0; tries < all.length; tries++) {
				const candidate = all[next++ % all.length];
				if (!candidate.busy && candidate.client?.connected && (!ENTANGLED || candidate.synced)) {
					session = candidate;
					break;
				}
			}
			if (!session) {
				cycling.skipped++;
				continue;
			}
			const run = reconnect(session).finally(() => cycling.inFlight.delete(run));
			cycling.inFlight.add(run);
		}
	}, TICK);
}

async function reconnect(session) {
	session.busy = true;
	const started = now();
	try {
		const token = session.token;
		await (cycleClose === 'drop' ? session.drop() : session.close());
		session.catchUp = { frames: 0, bytes: 0, changes: 0 };
		await withTimeout(session.open(ENTANGLED ? token : undefined), 30_000);
		cycling.reconnects++;
		cycling.ms.push(now() - started);
		cycling.bytes += session.catchUp.bytes;
		cycling.changes += session.catchUp.changes;
	}
	catch {
		cycling.failures++;
	}
	finally {
		session.catchUp = null;
		session.busy = false;
	}
}

let startedAt = 0;
let stoppedAt = 0;
let cpuAtStart = process.cpuUsage();
// How late this process's event loop ran a 1 ms timer while measuring: time a frame that
// arrived waited for the process to read it, at the least.
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
// The histogram holds the time between the timer's runs: its period (1 ms) and how late.
const lateness = (nanos) => Math.max(0, nanos / 1e6 - 1);
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
	const command = JSON.parse(line);
	if (command.cmd === 'start') {
		windowChanges = 0;
		latencies = [];
		minSentAt = command.minSentAt ?? 0;
		proxyIn = 0;
		proxyOut = 0;
		startedAt = now();
		cpuAtStart = process.cpuUsage();
		loopDelay.reset();
		loopDelay.enable();
		measuring = true;
		for (const session of all) {
			session.transitionFrames = 0;
			session.transitionChanges = 0;
			session.perSecond = [];
		}
		if (role === 'drag') {
			startDragging();
		}
		if (CYCLING) {
			startCycling();
		}
		send({ event: 'started' });
	}
	else if (command.cmd === 'stop') {
		measuring = false;
		draining = true;
		stoppedAt = now();
		const cpu = process.cpuUsage(cpuAtStart);
		loopDelay.disable();
		for (const timer of dragTimers) {
			clearInterval(timer);
			clearTimeout(timer);
		}
		dragTimers = [];
		let cycled;
		if (CYCLING) {
			clearInterval(cycling.timer);
			const windowMs = stoppedAt - startedAt;
			await Promise.allSettled([...cycling.inFlight]);
			const ms = Float64Array.from(cycling.ms).sort();
			cycled = { reconnects: cycling.reconnects, failures: cycling.failures, skipped: cycling.skipped,
				perSecond: cycling.reconnects / (windowMs / 1000), p50: percentile(ms, 50), p99: percentile(ms, 99),
				bytes: cycling.bytes, changes: cycling.changes };
		}
		const seconds = Math.floor((stoppedAt - startedAt) / 1000);
		const viewers = role === 'view' ? all.filter((s) => !s.closedAt || s.closedAt > startedAt) : [];
		send({ event: 'stopped', windowChanges, windowMs: stoppedAt - startedAt, cpuMs: (cpu.user + cpu.system) / 1000,
			loopDelayP50Ms: lateness(loopDelay.percentile(50)), loopDelayP99Ms: lateness(loopDelay.percentile(99)),
			dragsSent, cycled,
			// Per viewer: transition frames and changes per second over the window, and the
			// most frames in one whole second of it.
			transitions: viewers.map((s) => [s.transitionFrames, s.transitionChanges,
				Math.max(0, ...s.perSecond.slice(0, seconds).map((n) => n ?? 0))]) });
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
	else if (command.cmd === 'versions') {
		// The last versions the first parsing session holds (the reference of P7).
		const session = all.find((s) => s.versions && !s.cycler && !s.closedAt);
		send({ event: 'versions', versions: session ? Object.fromEntries(session.versions) : null });
	}
	else if (command.cmd === 'compare') {
		// For every parsing session: how many of the expected versions it does not hold.
		const expected = Object.entries(command.expected);
		const missed = all.filter((s) => s.versions).map((s) => expected.filter(([id, v]) => !(s.versions.get(id) >= v)).length);
		send({ event: 'compared', sessions: missed.length, expected: expected.length, missed: missed.reduce((a, b) => a + b, 0), maxMissed: Math.max(0, ...missed) });
	}
	else if (command.cmd === 'exit') {
		break;
	}
}
// Exiting closes every socket at once; waiting for each STOMP DISCONNECT to complete would
// only make the runs longer.
process.exit(0);
