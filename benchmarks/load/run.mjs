// Runs the load scenarios of DESIGN §7 against the Entanglement server and the plain-Spring
// baseline, one after the other on this machine, and writes ../RESULTS.md.
//   node run.mjs --quick | --full   [--runs n] [--out file] [--jfr] [--only p1,p6,...]
// The servers run from ../target/classes (build first: see ../README.md).
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const MODULE = path.resolve(HERE, '..');
const given = process.argv.slice(2);
const flagOf = (list, name, fallback) => {
	const i = list.indexOf(name);
	return i >= 0 ? list[i + 1] : fallback;
};
// --from rewrites the report of a saved run: the run's own flags (saved with its figures) say
// what was run, whatever is given now besides --from and --out.
const FROM = flagOf(given, '--from', null);
const SAVED = FROM ? JSON.parse(readFileSync(FROM, 'utf8')) : null;
const args = SAVED?.args ?? given;
const QUICK = !args.includes('--full');
const flag = (name, fallback) => flagOf(args, name, fallback);
// p6Runs: P6 (and P4 at p6Sessions) runs in the first p6Runs runs only: connecting 10,000
// Entanglement sessions took about 100 s here (see RESULTS.md), which 15 minutes cannot hold
// in every run.
const MODE = QUICK
	? { name: 'quick', runs: 1, warmSeconds: 4, p1Seconds: 5, p2Seconds: 3, p3Seconds: 4, p3DrainMs: 5000, p1DrainMs: 3000, p4Sessions: 1000, p5Large: 100_000,
		p6Sessions: 2000, p6Seconds: 2, p6Runs: 1, p6WarmCommits: 500, p7Seconds: 3, p7WarmSeconds: 3, p8Seconds: 2 }
	: { name: 'full', runs: 2, warmSeconds: 20, p1Seconds: 10, p2Seconds: 6, p3Seconds: 6, p3DrainMs: 10000, p1DrainMs: 10000, p4Sessions: 1000, p5Large: 100_000,
		p6Sessions: 10_000, p6Seconds: 8, p6Runs: 2, p6WarmCommits: 5000, p7Seconds: 8, p7WarmSeconds: 10, p8Seconds: 4 };
MODE.runs = Number(flag('--runs', MODE.runs));
MODE.p6Runs = Number(flag('--p6-runs', MODE.p6Runs));
MODE.p6Sessions = Number(flag('--p6-sessions', MODE.p6Sessions));
MODE.warmSeconds = Number(flag('--warm-seconds', MODE.warmSeconds));
MODE.p1Seconds = Number(flag('--p1-seconds', MODE.p1Seconds));
MODE.p2Seconds = Number(flag('--p2-seconds', MODE.p2Seconds));
MODE.p6Seconds = Number(flag('--p6-seconds', MODE.p6Seconds));
MODE.p7WarmSeconds = Number(flag('--p7-warm-seconds', MODE.p7WarmSeconds));
MODE.p7Seconds = Number(flag('--p7-seconds', MODE.p7Seconds));
MODE.p6WarmCommits = Number(flag('--p6-warm-commits', MODE.p6WarmCommits));
// The quick mode checks Entanglement for regressions and leaves the baseline out, unless
// --baseline; the full mode always runs both.
const APPS = (QUICK && !args.includes('--baseline')) ? ['entangled'] : ['entangled', 'baseline'];
// Scenarios to run (all by default); the report leaves the others out.
const ONLY = flag('--only', 'p1,p2,p3,p4,p5,p6,p7,p8').split(',');
const runs_ = (scenario) => ONLY.includes(scenario);
// P6: 1,000 groups of 10 users (quick mode: 200, for its 2,000 sessions); each group sees one
// group marker. The committer offers P6_RATE changes/s as P6_RATE / P6_BATCH transactions of
// P6_BATCH markers each: 5,250 by default, 5% above the target. The rate reached is the changes over the time until the last
// transaction returned, so it can not exceed the offer, and with the offer at the target every
// late millisecond at the end would count against it; above the target, the figure is what
// the server sustains. --p6-rate n offers another rate (5000: the target itself).
const P6_GROUPS = MODE.p6Sessions / 10;
const P6_BATCH = 50;
const P6_RATE = Number(flag('--p6-rate', 5250));
// P6's transactions are committed by this many threads taking turns, as an application commits
// from several request threads (1: one thread, which on two saturated cores gets too small a share
// of them to keep its schedule; see RESULTS.md).
const P6_COMMITTERS = Number(flag('--p6-committers', 2));
// The threads never edit the same marker at once: with several, each phase's markers (100,
// then one per 10 sessions) must be a multiple of P6_BATCH per thread.
if (!Number.isInteger(P6_COMMITTERS) || P6_COMMITTERS < 1 || (P6_COMMITTERS > 1
	&& [100, MODE.p6Sessions / 10].some((markers) => markers % (P6_COMMITTERS * P6_BATCH) !== 0))) {
	throw new Error(`--p6-committers must be 1, or a number n of threads for which P6's markers (100, and ${MODE.p6Sessions / 10}`
		+ ` at ${MODE.p6Sessions} sessions) are multiples of ${P6_BATCH} × n; got ${flag('--p6-committers', '2')}`);
}
if (!(P6_RATE >= P6_BATCH) || P6_RATE % P6_BATCH !== 0) {
	throw new Error(`--p6-rate must be a multiple of ${P6_BATCH}, got ${flag('--p6-rate', null)}`);
}
// P7: steady sessions that must lose nothing, and sessions that reconnect at P7_RECONNECTS/s
// in total while P7_COMMITS commits/s change P7_OBJECTS markers (each at most once).
// P7_RECONNECTS is 1,050 by default, 5% above the target, for the reason P6's offer is: the rate
// reached is the reconnects completed in the window over its length, so it can not exceed the
// offer, and with the offer at the target every reconnect still in flight at the window's end
// would count against it; above the target, the figure is what the server sustains.
const P7_OBJECTS = 1000;
const P7_COMMITS = 100;
// --p7-reconnects n offers another rate (1000: the target itself; less, to find the cost of
// the live load alone, say).
const P7_RECONNECTS = Number(flag('--p7-reconnects', 1050));
// --p7-close disconnect: reconnecting sessions first disconnect cleanly (STOMP DISCONNECT with
// a receipt, then the WebSocket closing handshake) instead of dropping their connection.
const P7_CLOSE = flag('--p7-close', 'drop');
if (!['drop', 'disconnect'].includes(P7_CLOSE)) {
	throw new Error(`--p7-close must be drop or disconnect, got ${P7_CLOSE}`);
}
// --p1-commits n: P1's commits per second (100 by default), to find where each server's
// fan-out tops out rather than what it does at the offered 100,000 deliveries/s.
const P1_COMMITS = Number(flag('--p1-commits', 100));
// P1 and P2: seconds of their load before their window, not recorded.
const SETTLE_SECONDS = Number(flag('--settle-seconds', 1));
// The full run keeps to BUDGET_MINUTES (--budget-minutes n; 15 by default): from run 2 on, the
// baseline's P7 and P6, its two costliest scenarios (it is saturated in both), are left out of
// the run when run 1's durations project its end past the budget. Entanglement's scenarios all
// run in every run. The report names what was left out.
const BUDGET_MINUTES = Number(flag('--budget-minutes', QUICK ? Infinity : 15));
if (!(BUDGET_MINUTES > 0)) {
	throw new Error(`--budget-minutes must be a positive number, got ${flag('--budget-minutes', null)}`);
}
const P7_STEADY = 100;
const P7_CYCLERS = 400;
const P7_CYCLER_PROCESSES = 4;
// P8: draggers at P8_HZ and viewers, each capped at entanglement.transitions.max-rate.
const P8_DRAGGERS = 100;
const P8_HZ = 60;
const P8_VIEWERS = 1000;
const P8_CAP = 20;
const OUT = path.resolve(flagOf(given, '--out', path.join(MODULE, 'RESULTS.md')));
// --async-profiler lib: profile with async-profiler's agent (the path to libasyncProfiler.so)
// instead of a flight recording; implies --jfr.
const ASYNC_PROFILER = flag('--async-profiler', null);
const JFR = args.includes('--jfr') || ASYNC_PROFILER !== null;
// --profile-event e: what async-profiler samples: cpu (on-CPU time, the default), alloc
// (allocated bytes, by allocating stack) or wall (every thread by wall-clock time).
const PROFILE_EVENT = flag('--profile-event', 'cpu');
// --client-cpu-prof dir: each load-client process writes a V8 CPU profile there when it exits.
const CLIENT_PROFILE = flag('--client-cpu-prof', null);
// Clients offer permessage-deflate (as browsers do) unless --no-deflate.
const DEFLATE = !args.includes('--no-deflate');
// Entanglement sessions ask for patches unless --no-delta; its server accepts
// permessage-deflate only with --compression (entanglement.stomp.compression).
const DELTA = !args.includes('--no-delta');
const COMPRESSION = args.includes('--compression');
// --binary-frames: Entanglement sessions ask for batches as binary WebSocket messages
// (entanglement-binary-frames:true on CONNECT); by default they get text, as the JS client does.
const BINARY_FRAMES = args.includes('--binary-frames');
// --set name=value (repeatable): a property of the Entanglement server, e.g.
// --set entanglement.session.max-writes-per-second=0.
const SETTINGS = args.flatMap((arg, i) => (arg === '--set' && args[i + 1] ? [args[i + 1]] : []));
// --tomcat-buffer n: both servers run with -Dorg.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE=n.
const TOMCAT_BUFFER = flag('--tomcat-buffer', null);
const PORT = 18080;
// The port of the server the scenarios talk to: PORT, or PORT + 1 for the capped server that
// quick mode starts while P5 runs (see the run loop).
let port = PORT;
// 3 GB: 10,000 idle sessions hold about 1.2 GB of heap (P4). Fixed, as servers are usually
// run: the heap measurements' full collections would otherwise shrink it, and the scenario
// after them would pay for growing it again (the kernel zeroing every page it gives back).
const HEAP = ['-Xms3g', '-Xmx3g'];
const P1_CLIENT_PROCESSES = 4;
const AUTH = 'Basic ' + Buffer.from('u0:bench').toString('base64');
const COMMAND = 'benchmarks/load/run.sh ' + (QUICK ? '--quick' : '--full') + (args.includes('--runs') ? ' --runs ' + MODE.runs : '')
	+ (args.includes('--warm-seconds') ? ' --warm-seconds ' + MODE.warmSeconds : '')
	+ (args.includes('--p1-seconds') ? ' --p1-seconds ' + MODE.p1Seconds : '') + (args.includes('--p2-seconds') ? ' --p2-seconds ' + MODE.p2Seconds : '')
	+ (args.includes('--p6-seconds') ? ' --p6-seconds ' + MODE.p6Seconds : '') + (args.includes('--p6-warm-commits') ? ' --p6-warm-commits ' + MODE.p6WarmCommits : '') + (args.includes('--p7-warm-seconds') ? ' --p7-warm-seconds ' + MODE.p7WarmSeconds : '') + (args.includes('--p7-seconds') ? ' --p7-seconds ' + MODE.p7Seconds : '')
	+ (args.includes('--p7-reconnects') ? ' --p7-reconnects ' + P7_RECONNECTS : '') + (args.includes('--p7-close') ? ' --p7-close ' + P7_CLOSE : '') + (args.includes('--p6-rate') ? ' --p6-rate ' + P6_RATE : '') + (args.includes('--p6-committers') ? ' --p6-committers ' + P6_COMMITTERS : '')
	+ (args.includes('--p1-commits') ? ' --p1-commits ' + P1_COMMITS : '')
	+ (args.includes('--settle-seconds') ? ' --settle-seconds ' + SETTLE_SECONDS : '') + (args.includes('--budget-minutes') ? ' --budget-minutes ' + BUDGET_MINUTES : '')
	+ (args.includes('--no-deflate') ? ' --no-deflate' : '') + (DELTA ? '' : ' --no-delta') + (COMPRESSION ? ' --compression' : '') + (BINARY_FRAMES ? ' --binary-frames' : '') + SETTINGS.map((setting) => ' --set ' + setting).join('')
	+ (TOMCAT_BUFFER ? ' --tomcat-buffer ' + TOMCAT_BUFFER : '') + (QUICK && args.includes('--baseline') ? ' --baseline' : '') + (args.includes('--only') ? ' --only ' + ONLY.join(',') : '');

const log = (...parts) => console.error(new Date().toISOString().slice(11, 19), ...parts);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------- servers ----------
const CLASSES = {
	entangled: 'io.entanglement.benchmarks.load.entangled.EntangledLoadServer',
	baseline: 'io.entanglement.benchmarks.load.baseline.BaselineLoadServer',
};

async function startServer(app, extra = [], label = app, heap = HEAP, on = PORT) {
	const classpath = path.join(MODULE, 'target/classes') + ':' + readFileSync(path.join(MODULE, 'target/load-classpath.txt'), 'utf8').trim();
	const jvm = [...heap];
	if (TOMCAT_BUFFER) {
		jvm.push('-Dorg.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE=' + TOMCAT_BUFFER);
	}
	const options = [];
	if (app === 'entangled' && COMPRESSION) {
		options.push('--entanglement.stomp.compression=true');
	}
	if (app === 'entangled') {
		options.push(...SETTINGS.map((setting) => '--' + setting));
	}
	const child = spawn('java', [...jvm, '-cp', classpath, CLASSES[app], '--server.port=' + on, ...options, ...extra], { stdio: ['ignore', 'ignore', 'inherit'] });
	const started = Date.now();
	for (;;) {
		if (child.exitCode !== null) {
			throw new Error(app + ' server exited with ' + child.exitCode);
		}
		try {
			const response = await fetch(`http://127.0.0.1:${on}/bench/drive`, { headers: { Authorization: AUTH } });
			// Ready once seeded (and, for P6, granted).
			if (response.ok && (await response.json()).ready) {
				break;
			}
		}
		catch {
			// not listening yet
		}
		await sleep(250);
	}
	log(`${label} server up in ${Date.now() - started} ms`);
	return child;
}

// A flight recording of the server while P1's commits run (--jfr), in target/load/.
function recording(server, name) {
	const directory = path.join(MODULE, 'target/load');
	mkdirSync(directory, { recursive: true });
	const jcmd = (...command) => execFileSync('jcmd', [String(server.pid), ...command], { stdio: 'ignore' });
	if (ASYNC_PROFILER) {
		// Collapsed stacks of on-CPU time, Java and kernel frames, from async-profiler.
		// Quoted: jcmd would read the options' "=" as its own name=value arguments.
		const agent = (options) => jcmd('JVMTI.agent_load', ASYNC_PROFILER, `"${options}"`);
		return {
			start: () => agent(PROFILE_EVENT === 'cpu' ? 'start,event=cpu,interval=1ms' : `start,event=${PROFILE_EVENT}`),
			stop: () => agent(`stop,collapsed,file=${path.join(directory, name + '.collapsed')}`),
		};
	}
	return {
		start: () => jcmd('JFR.start', 'name=p1', 'settings=profile'),
		stop: () => jcmd('JFR.stop', 'name=p1', `filename=${path.join(directory, name + '.jfr')}`),
	};
}

async function stopServer(child) {
	child.kill('SIGTERM');
	await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.on('exit', resolve)));
	await sleep(500);
}

async function http(method, url) {
	const response = await fetch(`http://127.0.0.1:${port}${url}`, { method, headers: { Authorization: AUTH } });
	if (!response.ok) {
		throw new Error(`${method} ${url}: HTTP ${response.status}`);
	}
	return response.json();
}

// Waits until the server's JIT compilers have been idle for JIT_QUIET_MS, at most
// JIT_SETTLE_MAX s, and returns how long it waited. On two cores a warm-up under full load
// leaves the compilers a backlog: methods called hundreds of thousands of times still ran their
// profiling (tier 3) code a minute into P7, queued for C2. With the load paused, the backlog
// compiles before the window instead of in it (P6 and P7).
// Quick mode, which checks for regressions in under 2 minutes, waits 2 s at most, and half a
// second without a compilation ends the wait: a second of none was rarely seen within its 2 s,
// while the machine was all but idle (2-4% busy) as it waited.
const JIT_SETTLE_MAX = QUICK ? 2 : 20;
const JIT_QUIET_MS = QUICK ? 500 : 1000;
async function jitSettled() {
	const started = Date.now();
	let last = (await http('GET', '/bench/cpu')).compilationMs;
	let quietSince = started;
	while (Date.now() - started < JIT_SETTLE_MAX * 1000) {
		await sleep(250);
		const now = (await http('GET', '/bench/cpu')).compilationMs;
		if (now > last) {
			last = now;
			quietSince = Date.now();
		}
		else if (Date.now() - quietSince >= JIT_QUIET_MS) {
			break;
		}
	}
	return (Date.now() - started) / 1000;
}

// The compilation between two /bench/cpu readings, in ms per second.
function jitMsPerSecond(cpu0, cpu1) {
	return (cpu1.compilationMs - cpu0.compilationMs) / ((cpu1.uptimeMs - cpu0.uptimeMs) / 1000);
}

// The wait before a window and the compilation during it.
function jitFigures(jitSettleSeconds, cpu0, cpu1) {
	return { jitSettleSeconds, jitMsPerSecond: jitMsPerSecond(cpu0, cpu1) };
}

async function drive(rate, objects, count, batch = 1, kind = 'marker', threads = 1) {
	await http('POST', `/bench/drive?rate=${rate}&objects=${objects}&count=${count}&batch=${batch}&kind=${kind}&threads=${threads}`);
	for (;;) {
		await sleep(50);
		const status = await http('GET', '/bench/drive');
		if (!status.running) {
			if (status.failure) {
				throw new Error('committer: ' + status.failure);
			}
			return status;
		}
	}
}

// ---------- clients ----------
class Clients {
	static async open(app, total, processes, settings = {}) {
		const clients = new Clients();
		const per = Math.ceil(total / processes);
		const children = [];
		const { offset = 0, ...rest } = settings;
		for (let p = 0; p < processes && p * per < total; p++) {
			const sessions = Math.min(per, total - p * per);
			children.push(Clients.spawn({ app, port, sessions, deflate: DEFLATE, delta: DELTA, binaryFrames: BINARY_FRAMES, ...rest, firstUser: offset + p * per }));
		}
		clients.children = await Promise.all(children);
		clients.sessions = clients.children.reduce((sum, c) => sum + c.ready.sessions, 0);
		clients.failed = clients.children.reduce((sum, c) => sum + c.ready.failed, 0);
		return clients;
	}

	static async spawn(options) {
		const profiling = CLIENT_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=' + path.resolve(CLIENT_PROFILE)] : [];
		const child = spawn('node', [...profiling, path.join(HERE, 'client.mjs'), JSON.stringify(options)], { stdio: ['pipe', 'pipe', 'inherit'] });
		const replies = [];
		const waiting = [];
		createInterface({ input: child.stdout }).on('line', (line) => {
			const message = JSON.parse(line);
			if (waiting.length) {
				waiting.shift()(message);
			}
			else {
				replies.push(message);
			}
		});
		const next = () => (replies.length ? Promise.resolve(replies.shift()) : new Promise((resolve) => waiting.push(resolve)));
		const handle = {
			child,
			next,
			ask: (command) => {
				child.stdin.write(JSON.stringify(command) + '\n');
				return next();
			},
		};
		handle.ready = await Promise.race([next(), new Promise((_, reject) => child.on('exit', (code) => reject(new Error('client process exited with ' + code))))]);
		return handle;
	}

	ask(command) {
		return Promise.all(this.children.map((c) => c.ask(command)));
	}

	static merge(...all) {
		const clients = new Clients();
		clients.children = all.flatMap((c) => c.children);
		clients.sessions = all.reduce((sum, c) => sum + c.sessions, 0);
		clients.failed = all.reduce((sum, c) => sum + c.failed, 0);
		return clients;
	}

	async close() {
		await Promise.all(this.children.map((c) => new Promise((resolve) => {
			c.child.on('exit', resolve);
			c.child.stdin.write(JSON.stringify({ cmd: 'exit' }) + '\n');
		})));
	}
}

function percentile(sorted, p) {
	return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : null;
}

// ---------- scenarios ----------
// P4 measures the heap that idle sessions hold after a full GC, then (P1 only) the same
// sessions take the fan-out load.
async function fanOut(app, { sessions, processes, rate, seconds, latencyEvery, drainMs, idleHeap = false, profile }) {
	const before = idleHeap ? await http('GET', '/bench/heap') : null;
	const clients = await Clients.open(app, sessions, processes, { latencyEvery });
	await sleep(1000);
	let p4;
	if (idleHeap) {
		const after = await http('GET', '/bench/heap');
		p4 = {
			sessions: clients.sessions,
			failed: clients.failed,
			heapPerSessionKB: (after.heapUsed - before.heapUsed) / clients.sessions / 1024,
			directPerSessionKB: (after.directUsed - before.directUsed) / clients.sessions / 1024,
		};
	}
	// The load runs for a moment before the window, with the same client processes, so the
	// window measures it running, not its onset: freshly started client processes ran their
	// event loops saturated for about half a second under P1's load (see RESULTS.md).
	if (SETTLE_SECONDS > 0) {
		await drive(rate, 100, Math.round(rate * SETTLE_SECONDS));
	}
	profile?.start();
	const cpu0 = await http('GET', '/bench/cpu');
	await clients.ask({ cmd: 'start', minSentAt: Date.now() * 1000 });
	const status = await drive(rate, 100, rate * seconds);
	const stopped = await clients.ask({ cmd: 'stop' });
	const cpu1 = await http('GET', '/bench/cpu');
	profile?.stop();
	const drained = await clients.ask({ cmd: 'drain', lastSentAt: status.lastSentAt, timeoutMs: drainMs, withLatencies: true });
	await clients.close();
	const windowChanges = stopped.reduce((sum, s) => sum + s.windowChanges, 0);
	const windowMs = Math.max(...stopped.map((s) => s.windowMs));
	const latencies = Float64Array.from(drained.flatMap((d) => d.latencies)).sort();
	const expectedPerParsingSession = status.commits;
	const parsingSessions = drained.reduce((sum, d) => sum + d.staleness.length, 0);
	const delivered = drained.reduce((sum, d) => sum + d.latencySamples, 0);
	return {
		p4,
		sessions: clients.sessions,
		failed: clients.failed,
		clientCpuCores: stopped.reduce((sum, s) => sum + s.cpuMs, 0) / windowMs,
		clientLoopDelayP50: median(stopped.map((s) => s.loopDelayP50Ms)),
		clientLoopDelayP99: median(stopped.map((s) => s.loopDelayP99Ms)),
		commits: status.commits,
		commitsPerSecond: status.commits / (status.elapsedMs / 1000),
		committerMaxBehindMs: status.maxBehindMs,
		commitP50: status.commitP50Ms,
		commitP99: status.commitP99Ms,
		deliveriesPerSecond: windowChanges / (windowMs / 1000),
		bodyBytesPerChange: drained.reduce((sum, d) => sum + d.bodyBytes, 0) / drained.reduce((sum, d) => sum + d.totalChanges, 0),
		deliveredFraction: delivered / (expectedPerParsingSession * parsingSessions),
		// The compilers' share of the window: P2 and P1 come early in a server's life.
		jitMsPerSecond: jitMsPerSecond(cpu0, cpu1),
		p50: percentile(latencies, 50),
		p99: percentile(latencies, 99),
		serverCpuUsPerDelivery: (cpu1.processCpuNanos - cpu0.processCpuNanos) / 1000 / windowChanges,
		serverCpuCores: (cpu1.processCpuNanos - cpu0.processCpuNanos) / 1e6 / (cpu1.uptimeMs - cpu0.uptimeMs),
		closed: drained.reduce((sum, d) => sum + d.closed, 0),
	};
}

async function p3HotObject(app) {
	const clients = await Clients.open(app, 1, 1, { throttle: 8192, latencyEvery: 1 });
	await sleep(1000);
	await clients.ask({ cmd: 'start' });
	const status = await drive(1000, 1, 1000 * MODE.p3Seconds);
	const [stopped] = await clients.ask({ cmd: 'stop' });
	const [drained] = await clients.ask({ cmd: 'drain', lastSentAt: status.lastSentAt, timeoutMs: MODE.p3DrainMs });
	await clients.close();
	const updateSeconds = status.elapsedMs / 1000;
	return {
		updates: status.commits,
		updateSeconds,
		readBytesPerSecond: stopped && drained.proxyOut / (drained.sinceStartMs / 1000),
		bytesFromServer: drained.proxyIn,
		bytesToReader: drained.proxyOut,
		changesReceived: drained.windowChanges,
		staleMs: drained.staleness[0],
		dropped: drained.closed > 0,
		droppedAfterMs: drained.closed > 0 ? drained.firstClosedAfterStartMs : null,
		observedMs: drained.sinceStartMs,
	};
}

async function p5CatchUp() {
	const clients = await Clients.open('entangled', 1, 1, { latencyEvery: 1 });
	const [child] = clients.children;
	const results = {};
	for (const [label, count, batch] of [['10', 10, 1], ['1,000', 10, 100], [MODE.p5Large.toLocaleString('en-US'), MODE.p5Large / 100, 100]]) {
		const { token } = await child.ask({ cmd: 'offline' });
		await drive(0, 100, count, batch);
		const caughtUp = await child.ask({ cmd: 'reconnect', token });
		results[label] = caughtUp;
	}
	await clients.close();
	return results;
}

// P6 (and P4 at 10,000 sessions): sessions log in as u0, u1, ... (group = user / 10) and
// subscribe to their group's marker. Phase "1k": 1,000 sessions (groups 0-99), commits over
// those groups' 100 markers; phase "10k": all sessions, commits over the 1,000 markers. Both
// offer P6_RATE changes/s, each visible to the 10 sessions of one group.
async function p6Groups(app, profile) {
	const settings = { users: 10_000, type: 'groupMarker', groupSize: 10, latencyEvery: 10 };
	const seeded = await http('POST', `/bench/seed?kind=group&count=${P6_GROUPS}`);
	log(`${app} P6: ${P6_GROUPS} group markers seeded${app === 'entangled' ? ' and granted' : ''} in ${seeded.ms} ms`);
	// Its own warm-up, not recorded: the committer's transactions of P6_BATCH markers, as fast
	// as they go and before any session subscribes. They run 100 times a second in the window,
	// so without it the JIT compilers would still be compiling their path (the ORM's query and
	// flush) in P6's window, a minute into the scenario.
	const warm = await drive(0, P6_GROUPS, MODE.p6WarmCommits, P6_BATCH, 'group', P6_COMMITTERS);
	log(`${app} P6: ${MODE.p6WarmCommits} warm-up transactions of ${P6_BATCH} in ${(warm.elapsedMs / 1000).toFixed(1)} s`);
	const heap0 = await http('GET', '/bench/heap');
	const started = Date.now();
	const first = await Clients.open(app, 1000, 1, settings);
	const connect1k = (Date.now() - started) / 1000;
	await sleep(500);
	const heap1 = await http('GET', '/bench/heap');
	const result = { p4: {}, phases: {} };
	result.p4['1k'] = memoryFigures(heap0, heap1, first.sessions, first.failed);
	result.phases['1k'] = await groupLoad(first, 100, first.sessions);
	result.phases['1k'].connectSeconds = connect1k;
	const more = MODE.p6Sessions - 1000;
	const t1 = Date.now();
	const rest = await Clients.open(app, more, Math.ceil(more / 1000), { ...settings, offset: 1000 });
	const all = Clients.merge(first, rest);
	const connectRest = (Date.now() - t1) / 1000;
	log(`${app} P6: ${all.sessions} sessions (${all.failed} failed), ${more} opened in ${connectRest.toFixed(1)} s`);
	await sleep(1000);
	const heap2 = await http('GET', '/bench/heap');
	result.p4['all'] = memoryFigures(heap0, heap2, all.sessions, all.failed);
	result.phases['all'] = await groupLoad(all, all.sessions / 10, all.sessions, profile);
	result.phases['all'].connectSeconds = connectRest;
	await all.close();
	return result;
}

function memoryFigures(before, after, sessions, failed) {
	return {
		sessions,
		failed,
		heapPerSessionKB: (after.heapUsed - before.heapUsed) / sessions / 1024,
		directPerSessionKB: (after.directUsed - before.directUsed) / sessions / 1024,
	};
}

async function groupLoad(clients, objects, sessions, profile) {
	const tx = P6_RATE / P6_BATCH;
	const jitSettleSeconds = await jitSettled();
	const cpu0 = await http('GET', '/bench/cpu');
	// Latency and the share received count only this phase's commits (a server still
	// delivering the previous phase's backlog delivers it now too).
	await clients.ask({ cmd: 'start', minSentAt: Date.now() * 1000 });
	profile?.start();
	const status = await drive(tx, objects, tx * MODE.p6Seconds, P6_BATCH, 'group', P6_COMMITTERS);
	profile?.stop();
	const stopped = await clients.ask({ cmd: 'stop' });
	const cpu1 = await http('GET', '/bench/cpu');
	// Until nothing arrived for 2 s (quick mode: 1 s; at most 20 s), so that the next phase
	// starts clean.
	const drained = await clients.ask({ cmd: 'drain', lastSentAt: null, quietMs: QUICK ? 1000 : 2000, timeoutMs: 20_000, withLatencies: true });
	const windowChanges = stopped.reduce((sum, s) => sum + s.windowChanges, 0);
	const windowMs = Math.max(...stopped.map((s) => s.windowMs));
	const latencies = Float64Array.from(drained.flatMap((d) => d.latencies)).sort();
	const parsingSessions = drained.reduce((sum, d) => sum + d.staleness.length, 0);
	const delivered = drained.reduce((sum, d) => sum + d.latencySamples, 0);
	const cpuUs = (cpu1.processCpuNanos - cpu0.processCpuNanos) / 1000;
	const changes = status.updates;
	return {
		sessions,
		viewersPerChange: sessions / objects,
		changes,
		changesPerSecond: changes / (status.elapsedMs / 1000),
		committerMaxBehindMs: status.maxBehindMs,
		deliveriesPerSecond: windowChanges / (windowMs / 1000),
		// Every parsing session sees 1 / objects of the changes.
		deliveredFraction: delivered / ((changes / objects) * parsingSessions),
		// Still arriving when the harness stopped waiting (a backlog the next phase sees).
		drainedMs: Math.max(...drained.map((d) => d.sinceStartMs)) - windowMs,
		p50: percentile(latencies, 50),
		p99: percentile(latencies, 99),
		serverCpuUsPerChange: cpuUs / changes,
		serverCpuUsPerDelivery: cpuUs / windowChanges,
		serverCpuCores: cpuUs / 1000 / (cpu1.uptimeMs - cpu0.uptimeMs),
		clientCpuCores: stopped.reduce((sum, s) => sum + s.cpuMs, 0) / windowMs,
		closed: drained.reduce((sum, d) => sum + d.closed, 0),
		...jitFigures(jitSettleSeconds, cpu0, cpu1),
	};
}

// P7: steady sessions (every one parses: latency, loss) and sessions that reconnect at
// P7_RECONNECTS/s in total, Entanglement's resuming with their last token, while the
// committer changes each of P7_OBJECTS markers at most once. At the end, every reconnecting
// session that parses (one in 4) must hold the last version of every marker that changed.
async function p7Reconnects(app) {
	await http('POST', `/bench/seed?kind=marker&count=${P7_OBJECTS}`);
	// Its own warm-up, not recorded: the same reconnecting sessions over the same markers.
	await warmReconnects(app, MODE.p7WarmSeconds, P7_OBJECTS);
	const steady = await Clients.open(app, P7_STEADY, 2, { latencyEvery: 1, trackVersions: true, users: 10_000 });
	const cyclers = await Clients.open(app, P7_CYCLERS, P7_CYCLER_PROCESSES, { latencyEvery: 4, trackVersions: true, users: 10_000, offset: P7_STEADY,
		cycleRate: P7_RECONNECTS / P7_CYCLER_PROCESSES, cycleClose: P7_CLOSE });
	const jitSettleSeconds = await jitSettled();
	const [before] = await steady.children[0].ask({ cmd: 'versions' }).then((r) => [r.versions ?? {}]);
	const cpu0 = await http('GET', '/bench/cpu');
	await Promise.all([steady.ask({ cmd: 'start' }), cyclers.ask({ cmd: 'start' })]);
	const status = await drive(P7_COMMITS, P7_OBJECTS, P7_COMMITS * MODE.p7Seconds);
	const [stoppedSteady, stoppedCyclers] = await Promise.all([steady.ask({ cmd: 'stop' }), cyclers.ask({ cmd: 'stop' })]);
	const cpu1 = await http('GET', '/bench/cpu');
	const [drained] = await Promise.all([
		steady.ask({ cmd: 'drain', lastSentAt: status.lastSentAt, timeoutMs: 10_000, withLatencies: true }),
		cyclers.ask({ cmd: 'drain', lastSentAt: null, quietMs: 1000, timeoutMs: 10_000 }),
	]);
	const { versions: after } = await steady.children[0].ask({ cmd: 'versions' });
	const expected = Object.fromEntries(Object.entries(after ?? {}).filter(([id, v]) => !(before[id] >= v)));
	const compared = await cyclers.ask({ cmd: 'compare', expected });
	await Promise.all([steady.close(), cyclers.close()]);
	const latencies = Float64Array.from(drained.flatMap((d) => d.latencies)).sort();
	const parsing = drained.reduce((sum, d) => sum + d.staleness.length, 0);
	const cycled = stoppedCyclers.map((s) => s.cycled);
	const reconnects = cycled.reduce((sum, c) => sum + c.reconnects, 0);
	const windowMs = Math.max(...stoppedCyclers.map((s) => s.windowMs));
	const missed = compared.reduce((sum, c) => sum + c.missed, 0);
	const checked = compared.reduce((sum, c) => sum + c.sessions, 0);
	return {
		steadySessions: steady.sessions,
		cyclingSessions: cyclers.sessions,
		failedToOpen: steady.failed + cyclers.failed,
		commits: status.commits,
		commitsPerSecond: status.commits / (status.elapsedMs / 1000),
		reconnectsPerSecond: reconnects / (windowMs / 1000),
		reconnects,
		reconnectFailures: cycled.reduce((sum, c) => sum + c.failures, 0),
		reconnectsSkipped: cycled.reduce((sum, c) => sum + c.skipped, 0),
		// Reconnect time: drop (or disconnect), handshake, CONNECT, SUBSCRIBE and (Entanglement) the
		// catch-up until "synced"; the median of the processes' medians, the max of their p99.
		reconnectP50: median(cycled.map((c) => c.p50).filter(Number.isFinite)),
		reconnectP99: Math.max(...cycled.map((c) => c.p99).filter(Number.isFinite)),
		catchUpBytesPerReconnect: cycled.reduce((sum, c) => sum + c.bytes, 0) / reconnects,
		catchUpChangesPerReconnect: cycled.reduce((sum, c) => sum + c.changes, 0) / reconnects,
		steadyDeliveredFraction: parsing ? drained.reduce((sum, d) => sum + d.latencySamples, 0) / (status.commits * parsing) : null,
		steadyP50: percentile(latencies, 50),
		steadyP99: percentile(latencies, 99),
		steadyClosed: drained.reduce((sum, d) => sum + d.closed, 0),
		changedObjects: Object.keys(expected).length,
		cyclersChecked: checked,
		// Changes a reconnecting session never received (no newer version either), per session.
		missedPerCycler: checked ? missed / checked : null,
		maxMissedPerCycler: Math.max(0, ...compared.map((c) => c.maxMissed)),
		serverCpuCores: (cpu1.processCpuNanos - cpu0.processCpuNanos) / 1e6 / (cpu1.uptimeMs - cpu0.uptimeMs),
		// Reconnecting costs the clients too (a handshake each): about 0.45 core per 200/s here.
		clientCpuCores: [...stoppedSteady, ...stoppedCyclers].reduce((sum, s) => sum + s.cpuMs, 0) / windowMs,
		...jitFigures(jitSettleSeconds, cpu0, cpu1),
	};
}

// Part of the warm-up: P7's reconnecting sessions cycle for the given seconds while the
// committer changes the markers there are; nothing is recorded.
async function warmReconnects(app, seconds, objects = 100) {
	const cyclers = await Clients.open(app, P7_CYCLERS, P7_CYCLER_PROCESSES, { latencyEvery: 4, trackVersions: true, users: 10_000, offset: P7_STEADY,
		cycleRate: P7_RECONNECTS / P7_CYCLER_PROCESSES, cycleClose: P7_CLOSE });
	await cyclers.ask({ cmd: 'start' });
	await drive(P7_COMMITS, objects, P7_COMMITS * seconds);
	await cyclers.ask({ cmd: 'stop' });
	await cyclers.close();
}

// P8: P8_DRAGGERS sessions each drag their own marker at P8_HZ (Entanglement: SEND
// /app/entanglement/marker/transition; baseline: SEND /app/drag, rebroadcast to /topic/drag)
// to P8_VIEWERS viewers, which count the frames carrying transitions they receive.
async function p8Transitions(app) {
	const viewers = await Clients.open(app, P8_VIEWERS, 4, { latencyEvery: 1e9, dragTopic: true, users: 10_000, offset: P8_DRAGGERS });
	const draggers = await Clients.open(app, P8_DRAGGERS, 1, { role: 'drag', dragHz: P8_HZ, users: 10_000, dragTopic: true });
	await sleep(1000);
	const cpu0 = await http('GET', '/bench/cpu');
	await viewers.ask({ cmd: 'start' });
	await draggers.ask({ cmd: 'start' });
	await sleep(MODE.p8Seconds * 1000);
	const dragged = await draggers.ask({ cmd: 'stop' });
	const stopped = await viewers.ask({ cmd: 'stop' });
	const cpu1 = await http('GET', '/bench/cpu');
	const drained = await viewers.ask({ cmd: 'drain', lastSentAt: null, quietMs: 500, timeoutMs: 3000 });
	await Promise.all([viewers.close(), draggers.close()]);
	const windowS = Math.max(...stopped.map((s) => s.windowMs)) / 1000;
	const perViewer = stopped.flatMap((s) => s.transitions);
	const frames = Float64Array.from(perViewer.map(([f]) => f / windowS)).sort();
	const changes = Float64Array.from(perViewer.map(([, c]) => c / windowS)).sort();
	const maxSecond = Float64Array.from(perViewer.map(([, , m]) => m)).sort();
	return {
		viewers: viewers.sessions,
		draggers: draggers.sessions,
		failedToOpen: viewers.failed + draggers.failed,
		dragsPerSecond: dragged.reduce((sum, d) => sum + d.dragsSent, 0) / windowS,
		viewerFramesPerSecondMax: frames[frames.length - 1] ?? null,
		viewerFramesPerSecondP99: percentile(frames, 99),
		viewerFramesPerSecondP50: percentile(frames, 50),
		viewerMaxFramesInOneSecond: maxSecond[maxSecond.length - 1] ?? null,
		viewerChangesPerSecondP50: percentile(changes, 50),
		viewerChangesPerSecondMax: changes[changes.length - 1] ?? null,
		serverCpuCores: (cpu1.processCpuNanos - cpu0.processCpuNanos) / 1e6 / (cpu1.uptimeMs - cpu0.uptimeMs),
		clientCpuCores: stopped.reduce((sum, s) => sum + s.cpuMs, 0) / (windowS * 1000),
		closed: drained.reduce((sum, d) => sum + d.closed, 0),
	};
}

// ---------- the run ----------
let runs = [];
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
// What one system call costs on this machine: every delivery is at least one socket write, and
// every reconnect many calls, so on virtual machines whose calls cost several times more (page
// table isolation, nested virtualization) the same code reaches other figures. Measured as dd
// copying 200,000 single bytes (a read and a write each), in ns per call; null where dd fails.
function syscallNs() {
	const dd = spawnSync('dd', ['if=/dev/zero', 'of=/dev/null', 'bs=1', 'count=200000'], { encoding: 'utf8' });
	// GNU: "200000 bytes (200 kB, 195 KiB) copied, 0.0612 s, 3.3 MB/s"; BSD: "... in 0.0612 secs ...".
	const seconds = dd.status === 0 ? /([\d.]+) s(?:ecs?)?\b/.exec(dd.stderr ?? '')?.[1] : undefined;
	return seconds === undefined ? null : Math.round(Number(seconds) * 1e9 / 400_000);
}
let loadAtStart = load();
let syscallNsAtStart = FROM ? null : syscallNs();
let startedAt = new Date();
// Run 1's timeline, in ms from its start: when each optional scenario started and ended, and
// when the run ended; and the scenarios later runs left out to keep to the budget.
const firstRun = { marks: {}, total: null };
let leftOut = [];
// For a later run now at the start of the baseline's `scenario`: the minutes at which the run
// would end with it (the time so far and the rest of run 1 from there) when that passes the
// budget, so it is left out; 0 otherwise. P7 is only left out when leaving out P6 after it would
// not be enough.
function overBudget(scenario) {
	const rest = firstRun.total - firstRun.marks[scenario + ':start'];
	const later = scenario === 'p7' && firstRun.marks['p6:end'] !== undefined ? firstRun.marks['p6:end'] - firstRun.marks['p6:start'] : 0;
	const projected = (Date.now() - startedAt + rest - later) / 60000;
	return projected > BUDGET_MINUTES ? projected : 0;
}
// Runs one scenario's `measure` under a recording of the server (--jfr) and logs its figures.
async function recorded(server, run, app, scenario, measure) {
	const name = scenario.toUpperCase();
	log(`run ${run} ${app}: ${name}`);
	const profile = JFR ? recording(server, `${app}-${scenario}-run${run}`) : undefined;
	profile?.start();
	const figures = await measure();
	profile?.stop();
	log(`run ${run} ${app} ${name}:`, JSON.stringify(figures));
	return figures;
}
// Runs the baseline's `scenario` unless a later run must leave it out; notes run 1's timeline.
async function optional(run, runStart, app, scenario, measure) {
	if (app !== 'baseline') {
		return measure();
	}
	if (run === 1) {
		firstRun.marks[scenario + ':start'] = Date.now() - runStart;
		await measure();
		firstRun.marks[scenario + ':end'] = Date.now() - runStart;
		return;
	}
	const projected = firstRun.marks[scenario + ':start'] === undefined ? 0 : overBudget(scenario);
	if (projected) {
		log(`run ${run} baseline: ${scenario.toUpperCase()} left out: with it${scenario === 'p7' ? ' (even leaving out P6)' : ''} the run would end at about ${projected.toFixed(1)} min, past --budget-minutes ${BUDGET_MINUTES}`);
		leftOut.push({ run, scenario, projectedMinutes: projected, budgetMinutes: BUDGET_MINUTES });
		return;
	}
	await measure();
}
const CAPPED = ['--entanglement.session.max-bytes-per-second=8KB', '--bench.objects=1'];
for (let run = 1; !FROM && run <= MODE.runs; run++) {
	const result = { entangled: {}, baseline: {} };
	const runStart = Date.now();
	// Quick mode starts P3's capped server while P5 runs, on the next port, instead of after
	// the others: P5 measures bytes, which the other server's start does not change. The two
	// share the cores, so the run is shorter by part of a start (about 5 of its 9 s here). The
	// capped server then waits idle (about 1% of a core) until P3. The full mode starts each
	// server alone.
	let early = null;
	try {
		for (const app of APPS) {
			const server = await startServer(app, [], `${app}-run${run}`);
			try {
				log(`run ${run} ${app}: warm-up`);
				// Both shapes the JIT must have compiled for: P2's (100 sessions, 200 commits/s)
				// and P1's (1,000 sessions, 100 commits/s).
				await fanOut(app, { sessions: 100, processes: 2, rate: 200, seconds: Math.ceil(MODE.warmSeconds / 4), latencyEvery: 2, drainMs: 2000 });
				await fanOut(app, { sessions: 1000, processes: P1_CLIENT_PROCESSES, rate: 100, seconds: Math.ceil(MODE.warmSeconds * 3 / 4), latencyEvery: 10, drainMs: 2000 });
				if (app === 'entangled' && QUICK && runs_('p3')) {
					early = startServer('entangled', CAPPED, `entangled-capped-run${run}`, HEAP, PORT + 1);
					early.catch(() => {});
				}
				if (app === 'entangled' && runs_('p5')) {
					log(`run ${run} ${app}: P5`);
					result[app].p5 = await p5CatchUp();
				}
				// Nothing after P5 shares the cores with a server starting.
				await early;
				if (runs_('p2')) {
					log(`run ${run} ${app}: P2`);
					const profile = JFR ? recording(server, `${app}-p2-run${run}`) : undefined;
					result[app].p2 = await fanOut(app, { sessions: 100, processes: 2, rate: 200, seconds: MODE.p2Seconds, latencyEvery: 2, drainMs: 5000, profile });
				}
				if (app === 'baseline' && runs_('p3')) {
					log(`run ${run} ${app}: P3`);
					result[app].p3 = await p3HotObject(app);
				}
				if (runs_('p1') || runs_('p4')) {
					log(`run ${run} ${app}: P4 and P1`);
					const profile = JFR ? recording(server, `${app}-p1-run${run}`) : undefined;
					const p1 = await fanOut(app, { sessions: 1000, processes: P1_CLIENT_PROCESSES, rate: P1_COMMITS, seconds: MODE.p1Seconds, latencyEvery: 10, drainMs: MODE.p1DrainMs, idleHeap: true, profile });
					result[app].p4 = p1.p4;
					delete p1.p4;
					result[app].p1 = p1;
				}
				// P8 on the 100 markers, then P7 on 1,000 (it adds 900), then P6 on its group
				// markers (P6_GROUPS, added with their grants), all in the same server.
				if (runs_('p8')) {
					result[app].p8 = await recorded(server, run, app, 'p8', () => p8Transitions(app));
				}
				if (runs_('p7')) {
					await optional(run, runStart, app, 'p7', async () => {
						result[app].p7 = await recorded(server, run, app, 'p7', () => p7Reconnects(app));
					});
				}
				if (runs_('p6') && run <= MODE.p6Runs) {
					await optional(run, runStart, app, 'p6', async () => {
						log(`run ${run} ${app}: P6 and P4 at ${MODE.p6Sessions.toLocaleString('en-US')} sessions`);
						const p6 = await p6Groups(app, JFR ? recording(server, `${app}-p6-run${run}`) : undefined);
						result[app].p4x = p6.p4;
						result[app].p6 = p6.phases;
						log(`run ${run} ${app} P6:`, JSON.stringify({ p4x: result[app].p4x, p6: result[app].p6 }));
					});
				}
			}
			finally {
				await stopServer(server);
			}
			log(`run ${run} ${app}: done`);
		}
		if (runs_('p3')) {
			const capped = early ? await early : await startServer('entangled', CAPPED, `entangled-capped-run${run}`);
			if (early) {
				port = PORT + 1;
			}
			try {
				log(`run ${run} entangled (8 KB/s cap): P3`);
				result.entangled.p3 = await p3HotObject('entangled');
			}
			finally {
				port = PORT;
				await stopServer(capped);
			}
			log(`run ${run} entangled P3:`, JSON.stringify(result.entangled.p3));
		}
	}
	finally {
		// A run that failed before P3 leaves no server behind.
		const left = early && (await early.catch(() => null));
		if (left && left.exitCode === null) {
			await stopServer(left);
		}
	}
	if (run === 1) {
		firstRun.total = Date.now() - runStart;
	}
	runs.push(result);
}
let loadAtEnd = load();
let minutes = (Date.now() - startedAt) / 60000;
let syscallNsAtEnd = FROM ? null : syscallNs();
if (FROM) {
	// Only rewrite the report of a saved run (target/load-results.json).
	({ runs, loadAtStart, loadAtEnd, minutes } = SAVED);
	({ syscallNsAtStart = null, syscallNsAtEnd = null, leftOut = [] } = SAVED);
	Object.assign(MODE, SAVED.mode);
	startedAt = new Date(SAVED.startedAt);
}
else {
	writeFileSync(path.join(MODULE, 'target/load-results.json'), JSON.stringify({ args, mode: MODE, startedAt, minutes, loadAtStart, loadAtEnd, syscallNsAtStart, syscallNsAtEnd, leftOut, runs }, null, 1));
}
writeFileSync(OUT, report());
log(`wrote ${OUT} (${minutes.toFixed(1)} min)`);

// ---------- the report ----------
function values(app, scenario, key) {
	return runs.map((r) => r[app][scenario]?.[key]).filter((v) => v !== undefined && v !== null && Number.isFinite(v));
}
function median(list) {
	const sorted = [...list].sort((a, b) => a - b);
	if (!sorted.length) {
		return null;
	}
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
function fmt(v, digits) {
	if (v === null || v === undefined) {
		return '–';
	}
	return v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}
function cell(list, digits = 0, app = 'entangled') {
	if (!APPS.includes(app)) {
		return 'not run';
	}
	if (!list.length) {
		return 'not reached';
	}
	const m = median(list);
	return list.length > 1 ? `${fmt(m, digits)} (${fmt(Math.min(...list), digits)}–${fmt(Math.max(...list), digits)})` : fmt(m, digits);
}
function ratio(a, b, inverse = false) {
	const ma = median(a);
	const mb = median(b);
	if (!ma || !mb) {
		return '–';
	}
	return (inverse ? mb / ma : ma / mb).toFixed(1) + '×';
}
// A row whose cells come from get(figures of one app in one run).
function rowOf(label, target, get, digits, better) {
	const pick = (app) => runs.map((r) => (r[app] ? get(r[app]) : undefined)).filter((v) => v !== undefined && v !== null && Number.isFinite(v));
	const ours = pick('entangled');
	const theirs = pick('baseline');
	return `| ${label} | ${target} | ${cell(ours, digits)} | ${cell(theirs, digits, 'baseline')} | ${better ? ratio(ours, theirs, better === 'lower') : '–'} |`;
}
function row(label, target, scenario, key, digits, better) {
	const ours = values('entangled', scenario, key);
	const theirs = values('baseline', scenario, key);
	return `| ${label} | ${target} | ${cell(ours, digits)} | ${cell(theirs, digits, 'baseline')} | ${better ? ratio(ours, theirs, better === 'lower') : '–'} |`;
}
function report() {
	const java = execFileSync('java', ['-version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).toString() || '';
	let javaVersion;
	try {
		javaVersion = execFileSync('sh', ['-c', 'java -version 2>&1 | head -1'], { encoding: 'utf8' }).trim();
	}
	catch {
		javaVersion = java;
	}
	const p5 = (label) => runs.map((r) => r.entangled.p5?.[label]?.bytes).filter(Number.isFinite);
	const p5Labels = Object.keys(runs[0].entangled.p5 ?? {});
	const lines = [];
	lines.push('# Load harness results');
	lines.push('');
	lines.push(`Mode **${MODE.name}**, ${MODE.runs} run(s); generated ${startedAt.toISOString()} in ${minutes.toFixed(1)} min by`);
	lines.push('');
	lines.push('```shell');
	lines.push(COMMAND);
	lines.push('```');
	lines.push('');
	lines.push(`Machine: ${os.cpus().length} cores (${os.cpus()[0].model.trim()}), ${Math.round(os.totalmem() / 2 ** 30)} GB, ${javaVersion}, server heap \`${HEAP.join(' ')}\`, Node ${process.version}. ` +
		`Server and client processes share the cores over loopback. ` + (DEFLATE ? 'Clients offer permessage-deflate (as browsers and the `ws` package do); the baseline (Tomcat\'s default) accepts it, ' + (COMPRESSION ? 'and so does Entanglement (`--compression`: `entanglement.stomp.compression=true`). ' : 'Entanglement refuses it (its default, `entanglement.stomp.compression=false`). ') : 'Clients do not offer permessage-deflate (`--no-deflate`). ')
		+ (DELTA ? 'Entanglement sessions ask for patches (`entanglement-delta:true`, as the JS client does). ' : 'Entanglement sessions do not ask for patches (`--no-delta`). ')
		+ (BINARY_FRAMES ? 'Entanglement sessions ask for batches as binary WebSocket messages (`--binary-frames`: `entanglement-binary-frames:true` on CONNECT). ' : '')
		+ 'The load clients are `load/stomp-socket.mjs`, a STOMP client over a WebSocket on a plain TCP socket that does only what the scenarios use, for both servers. '
		+ (TOMCAT_BUFFER ? `Both servers run with \`-Dorg.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE=${TOMCAT_BUFFER}\`. ` : '') + `Load average (1, 5, 15 min) at start: ${loadAtStart}; at end: ${loadAtEnd}. `
		+ `A system call (\`dd if=/dev/zero of=/dev/null bs=1 count=200000\`: a one-byte read or write) took ${syscallNsAtStart ?? '?'} ns at start, ${syscallNsAtEnd ?? '?'} ns at end; `
		+ 'every delivery is at least one socket write and every reconnect many calls, so the figures of machines whose calls cost more differ for that alone.');
	lines.push('');
	lines.push('Cells: median (min–max) over the runs. "Entanglement" is the starter with its defaults (P3: `entanglement.session.max-bytes-per-second=8KB`); ' +
		'"baseline" is plain Spring: a JPA entity listener calling `SimpMessagingTemplate.convertAndSend` per change on the simple broker. ' +
		'Ratio: how many times better Entanglement is.'
		+ (leftOut.length ? ' To keep the run within ' + leftOut[0].budgetMinutes + ' minutes (`--budget-minutes`), ' + leftOut.map(({ run, scenario, projectedMinutes }) =>
			`run ${run} left out the baseline's ${scenario.toUpperCase()} (with it${scenario === 'p7' ? ', even leaving out P6' : ''}, run 1's durations projected the end at ${projectedMinutes.toFixed(1)} minutes)`).join('; ')
			+ '; those baseline cells have one run fewer.' : ''));
	lines.push('');
	lines.push('| figure | target | Entanglement | baseline | ratio |');
	lines.push('| --- | --- | ---: | ---: | ---: |');
	lines.push(row(`P1 deliveries/s (1,000 sessions, ${P1_COMMITS.toLocaleString('en-US')} commits/s over 100 objects; offered ${(P1_COMMITS * 1000).toLocaleString('en-US')}/s)`, '≥ 100,000 and ≥ 5× baseline', 'p1', 'deliveriesPerSecond', 0, 'higher'));
	lines.push(row('P1 latency p99, ms (commit → client)', '≤ 100', 'p1', 'p99', 1, 'lower'));
	lines.push(row('P1 latency p50, ms', '–', 'p1', 'p50', 1, 'lower'));
	lines.push(row('P1 changes delivered by the end of the drain (sampled sessions)', '100%', 'p1', 'deliveredFraction', 3, null));
	lines.push(row('P1 server CPU per delivery, µs', '–', 'p1', 'serverCpuUsPerDelivery', 1, 'lower'));
	lines.push(row('P1 server CPU, cores busy', '–', 'p1', 'serverCpuCores', 2, null));
	lines.push(row('P1 client processes\' CPU, cores busy', '–', 'p1', 'clientCpuCores', 2, null));
	lines.push(row('P1 commits/s the committer reached', String(P1_COMMITS), 'p1', 'commitsPerSecond', 1, null));
	lines.push(row('P1 JIT compilation during the window, ms per second (summed over compiler threads)', '–', 'p1', 'jitMsPerSecond', 0, null));
	lines.push(row('P2 latency p50, ms (100 subscribers, 200 commits/s)', '≤ 2', 'p2', 'p50', 2, 'lower'));
	lines.push(row('P2 latency p99, ms', '≤ 20', 'p2', 'p99', 2, 'lower'));
	lines.push(row('P2 of that latency, the commit: stamp → the committer\'s transaction returned, p50, ms', '–', 'p2', 'commitP50', 2, 'lower'));
	lines.push(row('P2 the commit, p99, ms', '–', 'p2', 'commitP99', 2, 'lower'));
	lines.push(row('P2 client processes\' event-loop delay (a 1 ms timer\'s lateness), p50, ms; median of the processes', '–', 'p2', 'clientLoopDelayP50', 2, 'lower'));
	lines.push(row('P2 client processes\' event-loop delay, p99, ms', '–', 'p2', 'clientLoopDelayP99', 2, 'lower'));
	lines.push(row('P2 deliveries/s (offered 20,000/s)', '–', 'p2', 'deliveriesPerSecond', 0, null));
	lines.push(row('P1 body bytes per change received (batch JSON after inflating; snapshot included)', '–', 'p1', 'bodyBytesPerChange', 1, 'lower'));
	lines.push(row('P2 server CPU per delivery, µs', '–', 'p2', 'serverCpuUsPerDelivery', 1, 'lower'));
	lines.push(row('P2 commits/s the committer reached', '200', 'p2', 'commitsPerSecond', 1, null));
	lines.push(row('P2 JIT compilation during the window, ms per second (summed over compiler threads)', '–', 'p2', 'jitMsPerSecond', 0, null));
	lines.push(row('P3 bytes/s the reader read (through the 8 KB/s proxy)', '≤ 8,192', 'p3', 'readBytesPerSecond', 0, null));
	lines.push(row('P3 bytes the server wrote that the reader took in', '–', 'p3', 'bytesFromServer', 0, 'lower'));
	lines.push(row('P3 changes the reader received', '–', 'p3', 'changesReceived', 0, null));
	const stale = (app) => {
		if (!APPS.includes(app)) {
			return 'not run';
		}
		const list = values(app, 'p3', 'staleMs');
		const never = runs.filter((r) => r[app].p3 && !Number.isFinite(r[app].p3.staleMs));
		const waited = never.map((r) => fmt((r[app].p3.observedMs - r[app].p3.updateSeconds * 1000) / 1000, 1) + ' s');
		return [list.length ? cell(list, 0) : '', never.length ? `${never.length} run(s) still stale when the harness stopped waiting (after ${waited.join(', ')})` : '']
			.filter(Boolean).join('; ');
	};
	lines.push(`| P3 staleness after updates stop, ms (last commit → reader holds it) | ≤ flush interval + RTT | ${stale('entangled')} | ${stale('baseline')} | – |`);
	lines.push(`| P3 session dropped | never | ${runs.map((r) => (r.entangled.p3?.dropped ? 'yes' : 'no')).join(', ')} | ${APPS.includes('baseline') ? runs.map((r) => (r.baseline.p3?.dropped ? `yes (after ${fmt(r.baseline.p3.droppedAfterMs / 1000, 1)} s)` : 'no')).join(', ') : 'not run'} | – |`);
	lines.push(row(`P4 heap per idle session after GC, KB (${MODE.p4Sessions.toLocaleString('en-US')} sessions)`, '≤ 50', 'p4', 'heapPerSessionKB', 1, 'lower'));
	lines.push(row('P4 direct memory per idle session, KB', '–', 'p4', 'directPerSessionKB', 2, null));
	for (const label of p5Labels) {
		lines.push(`| P5 catch-up bytes after ${label} offline updates of 100 objects | same ±10% | ${cell(p5(label))} | no catch-up | – |`);
	}
	const p6Runs = runs.filter((r) => r.entangled.p6 || r.baseline.p6).length;
	const big = runs.find((r) => r.entangled.p6)?.entangled.p6.all.sessions ?? MODE.p6Sessions;
	const n = (v) => v.toLocaleString('en-US');
	const p6 = (phase, key) => (f) => f.p6?.[phase]?.[key];
	if (p6Runs) {
		lines.push(rowOf(`P4 heap per idle session after GC, KB (${n(big)} sessions of P6, ${p6Runs} run(s))`, '≤ 50', (f) => f.p4x?.all?.heapPerSessionKB, 1, 'lower'));
		lines.push(rowOf('P4 direct memory per idle session, KB (same sessions)', '–', (f) => f.p4x?.all?.directPerSessionKB, 2, null));
		lines.push(rowOf('P4 heap per idle session after GC, KB (the first 1,000 of those sessions)', '≤ 50', (f) => f.p4x?.['1k']?.heapPerSessionKB, 1, 'lower'));
		lines.push(rowOf(`P6 committed changes/s sustained (${n(big)} sessions in groups of 10; offered ${n(P6_RATE)}/s in transactions of ${P6_BATCH})`, '≥ 5,000', p6('all', 'changesPerSecond'), 0, 'higher'));
		lines.push(rowOf(`P6 deliveries/s (each change to the 10 sessions of its group; offered ${n(P6_RATE * 10)}/s)`, '–', p6('all', 'deliveriesPerSecond'), 0, 'higher'));
		lines.push(rowOf('P6 share of the changes the sampled sessions received (Entanglement coalesces versions a busy session has not been sent yet)', '–', p6('all', 'deliveredFraction'), 3, null));
		lines.push(rowOf('P6 latency p50, ms (commit → client)', '–', p6('all', 'p50'), 1, 'lower'));
		lines.push(rowOf('P6 latency p99, ms', '–', p6('all', 'p99'), 1, 'lower'));
		lines.push(rowOf('P6 server CPU per committed change, µs, 1,000 sessions (100 groups)', '–', p6('1k', 'serverCpuUsPerChange'), 0, 'lower'));
		lines.push(rowOf(`P6 server CPU per committed change, µs, ${n(big)} sessions (${n(big / 10)} groups)`, '–', p6('all', 'serverCpuUsPerChange'), 0, 'lower'));
		lines.push(rowOf(`P6 server CPU per delivery, µs, ${n(big)} sessions (a server that falls behind delivers less, so its CPU per committed change understates its cost)`, '–', p6('all', 'serverCpuUsPerDelivery'), 1, 'lower'));
		lines.push(rowOf(`P6 CPU per change at ${n(big)} sessions ÷ at 1,000 (each change has 10 viewers in both)`, `≈ 1 (not ${n(big / 1000)})`, (f) => f.p6 && f.p6.all.serverCpuUsPerChange / f.p6['1k'].serverCpuUsPerChange, 2, null));
		lines.push(rowOf('P6 committed changes/s at 1,000 sessions (same offer)', '–', p6('1k', 'changesPerSecond'), 0, 'higher'));
		lines.push(rowOf(`P6 seconds to connect and subscribe the last ${n(big - 1000)} sessions`, '–', p6('all', 'connectSeconds'), 1, 'lower'));
		lines.push(rowOf(`P6 seconds waited before the window for the JIT compilers to go idle (at most ${JIT_SETTLE_MAX})`, '–', p6('all', 'jitSettleSeconds'), 1, null));
		lines.push(rowOf('P6 JIT compilation during the window, ms per second (summed over compiler threads)', '–', p6('all', 'jitMsPerSecond'), 0, null));
	}
	if (runs.some((r) => r.entangled.p7 || r.baseline.p7)) {
		const p7 = (key) => (f) => f.p7?.[key];
		lines.push(rowOf(`P7 reconnects/s reached (${P7_CYCLERS} sessions; offered ${n(P7_RECONNECTS)}/s)`, '1,000', p7('reconnectsPerSecond'), 0, 'higher'));
		lines.push(rowOf(`P7 reconnect time p50, ms (${P7_CLOSE === 'drop' ? 'connection dropped' : 'DISCONNECT sent'} → connected, subscribed and, Entanglement, caught up)`, '–', p7('reconnectP50'), 0, 'lower'));
		lines.push(rowOf('P7 reconnect time p99, ms', '–', p7('reconnectP99'), 0, 'lower'));
		lines.push(rowOf('P7 catch-up bytes per reconnect (bodies until synced)', '–', p7('catchUpBytesPerReconnect'), 0, null));
		lines.push(rowOf(`P7 changes a reconnecting session missed, per session (of the ${P7_COMMITS}/s commits, each to a different one of ${n(P7_OBJECTS)} markers)`, '0', p7('missedPerCycler'), 1, null));
		lines.push(rowOf(`P7 commits the ${P7_STEADY} steady sessions received`, '100%', p7('steadyDeliveredFraction'), 3, null));
		lines.push(rowOf('P7 steady sessions\' latency p50, ms', '–', p7('steadyP50'), 1, 'lower'));
		lines.push(rowOf('P7 steady sessions\' latency p99, ms', '–', p7('steadyP99'), 1, 'lower'));
		lines.push(rowOf('P7 failed reconnects', '0', p7('reconnectFailures'), 0, null));
		lines.push(rowOf('P7 server CPU, cores busy', '–', p7('serverCpuCores'), 2, null));
		lines.push(rowOf('P7 server CPU per reconnect, ms (its share of the live load included)', '–', (f) => (f.p7 ? (f.p7.serverCpuCores * 1000) / f.p7.reconnectsPerSecond : undefined), 2, 'lower'));
		lines.push(rowOf('P7 client processes\' CPU, cores busy', '–', p7('clientCpuCores'), 2, null));
		lines.push(rowOf(`P7 commits/s the committer reached`, n(P7_COMMITS), p7('commitsPerSecond'), 1, null));
		lines.push(rowOf(`P7 seconds waited before the window for the JIT compilers to go idle (at most ${JIT_SETTLE_MAX})`, '–', p7('jitSettleSeconds'), 1, null));
		lines.push(rowOf('P7 JIT compilation during the window, ms per second (summed over compiler threads)', '–', p7('jitMsPerSecond'), 0, null));
	}
	if (runs.some((r) => r.entangled.p8 || r.baseline.p8)) {
		const p8 = (key) => (f) => f.p8?.[key];
		lines.push(rowOf(`P8 drags sent/s (${P8_DRAGGERS} draggers; offered ${n(P8_DRAGGERS * P8_HZ)}/s)`, '–', p8('dragsPerSecond'), 0, null));
		lines.push(rowOf(`P8 frames with transitions per viewer per second, max over ${n(P8_VIEWERS)} viewers`, `≤ ${P8_CAP} (the cap)`, p8('viewerFramesPerSecondMax'), 1, null));
		lines.push(rowOf('P8 frames with transitions per viewer per second, p99 over viewers', `≤ ${P8_CAP}`, p8('viewerFramesPerSecondP99'), 1, null));
		lines.push(rowOf('P8 most frames with transitions a viewer received in one second', `≤ ${P8_CAP}`, p8('viewerMaxFramesInOneSecond'), 0, null));
		lines.push(rowOf('P8 transition changes per viewer per second, median', '–', p8('viewerChangesPerSecondP50'), 1, null));
		lines.push(rowOf('P8 server CPU, cores busy', '–', p8('serverCpuCores'), 2, null));
		lines.push(rowOf('P8 viewers closed by the server', '0', p8('closed'), 0, null));
	}
	lines.push('');
	lines.push(notes());
	lines.push('');
	lines.push('<details><summary>Raw figures of every run (JSON)</summary>');
	lines.push('');
	lines.push('```json');
	lines.push(JSON.stringify(runs, (key, value) => (typeof value === 'number' ? Math.round(value * 1000) / 1000 : value), 1));
	lines.push('```');
	lines.push('</details>');
	lines.push('');
	return lines.join('\n') + analysis();
}

// The analysis below the figures is written by hand; a new run keeps it (and its date).
function analysis() {
	try {
		const previous = readFileSync(OUT, 'utf8');
		const at = previous.indexOf('## Analysis');
		return at >= 0 ? '\n' + previous.slice(at) : '';
	}
	catch {
		return '';
	}
}


function notes() {
	return `## How each figure is measured

- Sessions are STOMP clients (\`load/stomp-socket.mjs\`: STOMP 1.2 over a WebSocket on a plain TCP
  socket, HTTP Basic on the handshake, permessage-deflate offered as browsers offer it) in
  separate Node processes (4 for P1, 2 for P2), on the same machine as the server. They do only
  what the scenarios need, so that the cores they share with the server go to the server: in
  place of stompjs on the \`ws\` package (with a frame parser of its own), which the runs before
  2026-11-30 07:30 UTC used, a reconnect with P7's live load cost the client processes 0.96 ms of
  CPU instead of 2.2 (quick P7, alternating, 07:21–07:26 UTC). Each counts
  *changes*, not frames (an Entanglement batch holds several). Latency is the client's clock at
  arrival minus the \`sentAt\` attribute the committer stamps just before commit (the same clock:
  one machine); it is sampled on every 10th session in P1 and every 2nd in P2, which parse their
  bodies (the others only count).
- The committer runs in the server process on one thread at a fixed rate, one transaction per
  commit (read, edit, save one marker), the same code in both servers. "Commits/s the committer
  reached" below the target means the server process could not keep that rate. P2's "commit"
  rows time, in the committer, each transaction from its stamp until it returned: the flush, the
  database's commit and what runs after it on that thread (Entanglement's capture; the
  baseline's listener sends during the flush). The rest of the latency is the fan-out, the
  writes and the clients. The clients' "event-loop delay" is how late each client process ran a
  1 ms timer while the committer ran (\`monitorEventLoopDelay\`): at the least, how long a
  frame that arrived waited for its process to read it.
- P1 and P2 run their load for ${SETTLE_SECONDS} s before their window, with the same sessions and
  client processes, and count only what was committed in the window: the window measures the
  load running, not its first second, in which the freshly started client processes ran their
  event loops saturated. P2 and P1 come early in a server's life, while their load still brings
  methods to the JIT compilers: the report gives the compilers' work in their windows.
- Deliveries/s: changes the sessions received while the committer ran, divided by that time.
  They include changes committed before the window (P1 and P2 settle first) that arrive in it, so
  a server that was behind when the window began can exceed the offer while it catches up.
  "Delivered by the end of the drain": share of the commits that the sampled sessions had
  received when the harness stopped waiting (P1: ${MODE.p1DrainMs / 1000} s after the last commit).
- Server CPU: process CPU time (\`OperatingSystemMXBean\`) over the committing window.
- Each server is warmed up first, not recorded: 100 sessions at 200 commits/s for
  ${Math.ceil(MODE.warmSeconds / 4)} s, then 1,000 sessions at 100 commits/s for ${Math.ceil(MODE.warmSeconds * 3 / 4)} s;
  P6 and P7 have their own warm-ups (below). On 2 cores the JIT compilers still took
  about a third of the server's CPU during P2 after a 3-second warm-up, and a quarter during P7
  after 20 s of its own (async-profiler, \`--async-profiler\`); the longer warm-ups measure both
  servers closer to how they run after some time in service. Under full load the compilers also
  fall behind: a minute into P7, methods called 200,000 times still ran their profiling code,
  queued for C2. So before the windows of P6 and P7, with the load paused, the harness waits until
  the server's compilers have been idle for a second (at most ${JIT_SETTLE_MAX} s; the report gives the wait
  and the compilation time during the window).
- P3: one marker at 1,000 commits/s for ${MODE.p3Seconds} s to one session whose socket is read through a
  loopback proxy that reads at most 8,192 bytes/s from the server (it stops reading when it holds
  1 KB). Entanglement runs with \`entanglement.session.max-bytes-per-second=8KB\`; the baseline has no
  such setting. "Bytes the server wrote that the reader took in" counts what the proxy read; what
  the kernel's socket buffers still held is not counted. Staleness: arrival of the last committed
  version minus its commit time; the harness waits ${MODE.p3DrainMs / 1000} s for it.
- P4: heap in use after \`System.gc()\` (repeated until it stops shrinking) with the 1,000 P1 sessions
  connected and idle, minus the same before they connected, divided by the sessions; this includes
  the container's and Spring's per-connection state, not only the library's. The starter sizes
  Tomcat's three WebSocket framing and write buffers per connection to 2 KB
  (\`entanglement.stomp.container-buffer-size\`, through Tomcat's system property); the baseline
  keeps Tomcat's 8 KB, as a Spring application does unless told otherwise.
- P5: one session subscribes, keeps the last resume token, disconnects; the committer then makes
  the offline updates (10: one transaction each, touching 10 objects; 1,000 and 100,000: transactions
  of 100, so every one of the 100 objects changes 10 or 1,000 times); the session resubscribes with
  \`entanglement-since\` and the bytes of the bodies until \`synced\` are counted. The ±10% target
  compares the 1,000 and 100,000 rows (both change all 100 objects). The baseline has no catch-up:
  a reconnecting client receives nothing of what it missed.

- All scenarios of one server run in the same process, in this order: warm-up, P5, P2, (baseline:
  P3), P4 and P1, P8, P7, P6. P3 with Entanglement runs in a server of its own (capped sessions)${QUICK ? ', started\n  while P5 runs and idle until P3' : ', started after the others stopped'}.
  Server heap is \`${HEAP.join(' ')}\` (10,000 sessions hold over 1 GB).
- P4 at ${MODE.p6Sessions.toLocaleString('en-US')} sessions: the sessions of P6 (one subscription each,
  to the group markers, of which each sees one), heap after GC with them connected and idle minus the
  same just before they connected, divided by the sessions; also after the first 1,000 of them.
- P6: ${P6_GROUPS.toLocaleString('en-US')} group markers, marker *i* in group *i* mod ${P6_GROUPS.toLocaleString('en-US')}; users \`u0\`…\`u${MODE.p6Sessions - 1}\` (HTTP Basic,
  \`ROLE_USER\` and \`GROUP_g\` for user *10g*…*10g+9*). Entanglement: \`groupMarker\` is in
  \`entanglement.security.acl.types\`, each marker is granted \`READ\` to \`GROUP_g\` with
  \`EntanglementAcl.grantAuthority\` when the scenario creates it, and carries the \`@SecurityLabel\`
  \`CONFIDENTIAL\`, which \`ROLE_USER\` is cleared for (\`entanglement.security.clearances\`);
  sessions subscribe to \`/entanglement/groupMarker\` without filter, and the engine decides what
  each sees. Baseline: the entity listener sends each change to \`/topic/group/{g}\`; each session
  subscribes to its group's topic, and a \`ChannelInterceptor\` checks at SUBSCRIBE that the
  principal holds \`GROUP_g\` and \`ROLE_USER\` (checked once; nothing is rechecked per change).
  The committer offers ${P6_RATE.toLocaleString('en-US')} changes/s${P6_RATE > 5000 ? ' (above the target: the rate reached, the changes over the time until the\n  last transaction returned, can not exceed the offer)' : ''} as ${P6_RATE / P6_BATCH} transactions/s of
  ${P6_BATCH} markers each (batched: one thread committing one marker per transaction does not reach
  that rate here; each transaction reads its markers in one query and Hibernate sends their updates
  in one JDBC batch, \`hibernate.jdbc.batch_size=50\`, in both servers), on ${P6_COMMITTERS === 1 ? 'one thread (`--p6-committers 1`; on two\n  saturated cores one thread gets too small a share of them to keep its schedule)' : P6_COMMITTERS + ' threads taking turns by\n  transaction (as an application commits from several request threads; `--p6-committers 1` commits on one)'}. First, not recorded and before any
  session connects, ${MODE.p6WarmCommits.toLocaleString('en-US')} such transactions as fast as they go (P6's own warm-up: at
  ${P6_RATE / P6_BATCH} transactions/s the JIT compilers would otherwise still be compiling their path in the window).
  Then ${P6_RATE.toLocaleString('en-US')} changes/s for ${MODE.p6Seconds} s, first with 1,000 sessions connected (groups 0–99, commits
  over their 100 markers), then with all sessions (commits over all their groups' markers): every
  change has 10 viewers in both phases, so CPU per change should not grow with the sessions
  connected. "Committed changes/s sustained" is what the committer reached; every 10th session parses
  its bodies for latency. P6 runs in the first ${MODE.p6Runs} run(s) only (see the sizing note below).
- P7: the server has 1,000 markers. First, not recorded, ${P7_CYCLERS} reconnecting sessions cycle as
  below for ${MODE.p7WarmSeconds} s while the committer changes these markers (P7's own warm-up:
  handshakes, subscriptions with a resume token, catch-up over them). Then ${P7_COMMITS} commits/s change one each (no marker changes twice
  in the ${MODE.p7Seconds} s), while ${P7_STEADY} steady sessions (2 processes, all parsing) and
  ${P7_CYCLERS} reconnecting sessions (${P7_CYCLER_PROCESSES} processes) are connected. Each reconnecting
  process ${P7_CLOSE === 'drop' ? 'drops the connection of one of its connected sessions (it destroys the socket, as a lost\n  connection ends: no STOMP DISCONNECT, no WebSocket closing handshake; \`--p7-close disconnect\` sends both\n  first)' : 'disconnects one of its connected sessions (STOMP DISCONNECT with a receipt, then the WebSocket\n  closing handshake)'} and opens it again at ${P7_RECONNECTS / P7_CYCLER_PROCESSES}/s
  (a session still reconnecting is not picked; when none is free the reconnect is skipped, so the
  rate reached shows what the server kept up with)${P7_RECONNECTS > 1000 ? ': ' + P7_RECONNECTS.toLocaleString('en-US') + '/s in all, above the target (the rate\n  reached, the reconnects completed in the window over its length, can not exceed the offer)' : ''}. Entanglement resubscribes with
  \`entanglement-since\` (its last token); the baseline just resubscribes. Reconnect time: ${P7_CLOSE === 'drop' ? 'the drop' : 'the disconnect'},
  handshake, CONNECT, SUBSCRIBE and, for Entanglement, until the \`synced\` frame. After the drain, every
  4th reconnecting session compares the last version it holds of each marker changed during the
  window with a steady session's: a missing one is a change it missed (Entanglement's catch-up sends
  the current state, so any change it missed would show).
- P8: ${P8_DRAGGERS} draggers (one process) each drag their own marker at ${P8_HZ} Hz: Entanglement
  \`SEND /app/entanglement/marker/transition\` (\`entanglement.transitions.max-rate\` is
  ${P8_CAP}, the default), baseline \`SEND /app/drag\` to a \`@MessageMapping\` that rebroadcasts each
  drag to \`/topic/drag\`. ${P8_VIEWERS.toLocaleString('en-US')} viewers (4 processes) count, over
  ${MODE.p8Seconds} s, the frames that carry at least one transition (Entanglement) or drag message
  (baseline), per whole second too. The baseline has no cap; its figure is what reached its viewers.

## Not measured yet, and sizing

- The full run is sized for 15 minutes on this machine: two runs of every scenario (P6, and P4 at
  ${MODE.p6Sessions.toLocaleString('en-US')} sessions, in the first ${MODE.p6Runs} of them), shorter windows than
  before (P1 ${MODE.p1Seconds} s, P2 ${MODE.p2Seconds} s, P3 ${MODE.p3Seconds} s). Connecting and
  subscribing 9,000 Entanglement sessions took about 100 s in the first such run and 13 s since
  sessions subscribing together share one snapshot read (see the analysis); \`--runs n --p6-runs n\`
  runs more. On a quiet machine the full run took about 9.5 minutes with P6 in one run; P6 in both adds
  about 1.5 minutes. On a machine slow enough that run 1's durations project run 2 past
  ${BUDGET_MINUTES === Infinity ? 'the budget' : BUDGET_MINUTES + ' minutes'} (\`--budget-minutes\`), run 2 leaves out the baseline's P6 and, if needed, its P7;
  the paragraph on cells then says so. The quick run checks
  Entanglement only (\`--baseline\` adds the baseline) and measures P6 with 2,000 sessions.
- 10,000 sessions were sustained (no failed connection) with \`-Xmx3g\` and a descriptor limit of
  20,000; the harness raises \`ulimit -n\` to the hard limit.
- P7's steady sessions all parse; at ${P7_RECONNECTS.toLocaleString('en-US')} reconnects/s the client processes share the two cores
  with the server, so a rate below the offer is the machine's, for both servers alike.
`;
}
