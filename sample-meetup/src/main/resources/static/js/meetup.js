// The meetup page. Everything it shows comes from the live collections of Entanglement's
// client, which the server keeps current with what this user may see. Everything it
// changes goes through proposals and transitions, decided by the objects' owners.
import { connect } from '/entanglement/entanglement.js';
import { MeetupMap, colorOf, describe, distance, formatDistance } from './map.js';

/** The middle of the demo's map: Alexanderplatz, Berlin (DemoData.CITY_CENTER). */
const CITY_CENTER = { lat: 52.5219, lng: 13.4132 };

/** How long an organizer has to decide: entanglement.proposals.timeout in application.yml. */
const REQUEST_TIMEOUT = 60_000;

/** Chat status goes back from "typing" to "online" after this long without a keystroke. */
const TYPING_TIMEOUT = 3000;

/** Drags send at most one transition update this often, in milliseconds. */
const DRAG_INTERVAL = 40;

// -- Connecting and subscribing ------------------------------------------------------

// Same origin: the WebSocket handshake carries the session cookie of the sign-in form,
// and the client sends the CSRF token on CONNECT by itself.
// tag::connect[]
const connection = connect('/entanglement');

// The objects of each type that this user may see, kept current by the server: groups
// and meeting points through their access control lists, locations of the people who
// share a group, and presence through the group's members.
const groups = connection.subscribe('group');
const meetingPoints = connection.subscribe('meetingPoint');
const locations = connection.subscribe('location');
const presence = connection.subscribe('presence');
// end::connect[]

// The chat of the group on screen: subscribed with a filter, again for every group.
let chat = null;

for (const collection of [groups, meetingPoints, locations, presence]) {
	// One render per frame applied; transitions (someone dragging) come on their own.
	collection.on('batch', render);
	collection.on('transition', render);
	collection.on('transition-end', render);
}

const page = {
	/** The id of the group on screen. */
	group: null,
	/** Suggestions waiting for this user's decision, as organizer, by request id. */
	requests: new Map(),
	/** This user's suggestion of a meeting point while its organizer decides. */
	suggestion: null,
	/** This page's presence: its id, and online, typing or away. */
	presenceId: null,
	status: 'online',
	/** The group the map was last fitted to. */
	fitted: undefined,
	/** Chat messages seen, to count the unread ones on a phone. */
	seenMessages: 0,
};

const map = new MeetupMap(document.getElementById('map'), CITY_CENTER);

connection.on('connected', () => {
	setStatus('live', 'Live');
	// A presence lives as long as its owner's connections: after a reconnect, say again.
	presence.whenSynced().then(announce, () => {});
	render();
});
connection.on('disconnected', () => setStatus('offline', 'Reconnecting…'));
connection.on('error', (error) => toast(error.message, 'bad'));
addEventListener('pagehide', () => connection.close());

// -- The group on screen -------------------------------------------------------------

function me() {
	return connection.user;
}

function currentGroup() {
	return (page.group !== null) ? groups.get(page.group) : undefined;
}

function visibleGroups() {
	return [...groups.values()].sort((a, b) => a.state.name.localeCompare(b.state.name));
}

function isMember(group, person = me()) {
	return !!group && group.state.members.includes(person);
}

/** Keep showing the chosen group while it may be seen, else the first one of ours. */
function chooseGroup() {
	if (!groups.synced || (page.group !== null && groups.has(page.group))) {
		return;
	}
	const wanted = decodeURIComponent(location.hash.slice(1));
	const all = visibleGroups();
	const chosen = groups.get(wanted) ?? all.find((group) => isMember(group)) ?? all[0];
	show(chosen?.id ?? null);
}

function show(groupId) {
	if (groupId === page.group) {
		return;
	}
	page.group = groupId;
	page.fitted = undefined;
	history.replaceState(null, '', (groupId !== null) ? '#' + encodeURIComponent(groupId) : location.pathname);
	openChat();
	announce();
	render();
}

// -- Presence: "alice is online in hikers, typing" -----------------------------------

let announcing = Promise.resolve();

/** Create this page's presence in the group on screen, or update it. One at a time. */
function announce() {
	announcing = announcing.then(async () => {
		const group = currentGroup();
		if (!group || !connection.connected) {
			return;
		}
		// A presence carries its group's label: the policy refuses one that does not.
		const state = { group: group.id, status: page.status, label: group.state.label ?? null };
		if (page.presenceId !== null && presence.has(page.presenceId)) {
			await connection.propose('presence', page.presenceId, state);
		}
		else {
			page.presenceId = (await connection.propose('presence', null, state)).id;
		}
	}).catch((error) => toast('Could not say you are online: ' + error.message, 'bad'));
}

function setPresenceStatus(status) {
	if (page.status !== status) {
		page.status = status;
		announce();
	}
}

let typingTimer;
document.getElementById('message').addEventListener('input', () => {
	setPresenceStatus('typing');
	clearTimeout(typingTimer);
	typingTimer = setTimeout(() => setPresenceStatus('online'), TYPING_TIMEOUT);
});
document.addEventListener('visibilitychange', () => setPresenceStatus(document.hidden ? 'away' : 'online'));

function presenceOf(person) {
	let status = null;
	for (const online of presence.values()) {
		if (online.owner === person && online.state.group === page.group) {
			// Any of a person's pages typing, else any online, else away.
			if (online.state.status === 'typing' || status === null
					|| (status === 'away' && online.state.status === 'online')) {
				status = online.state.status;
			}
		}
	}
	return status;
}

// -- Chat ----------------------------------------------------------------------------

function openChat() {
	chat?.close();
	page.seenMessages = 0;
	chat = (page.group !== null) ? connection.subscribe('chat', { filter: { group: page.group } }) : null;
	chat?.on('batch', render);
}

document.getElementById('composer').addEventListener('submit', async (event) => {
	event.preventDefault();
	const input = document.getElementById('message');
	const text = input.value.trim();
	if (!text || page.group === null) {
		return;
	}
	input.value = '';
	clearTimeout(typingTimer);
	setPresenceStatus('online');
	try {
		// The author owns the message; the server adds the time and the group's label.
		await connection.propose('chat', null, { group: page.group, text });
	}
	catch (error) {
		input.value = text;
		toast('Your message was not sent: ' + error.message, 'bad');
	}
});

// -- Dragging: your marker, and the meeting point -------------------------------------

let lastDrag = 0;

// tag::drag[]
map.onDrag = (marker, position) => {
	const now = performance.now();
	if (now - lastDrag < DRAG_INTERVAL) {
		return;
	}
	lastDrag = now;
	// Everyone who may see the object sees it move now, long before anything is
	// committed; this page shows it at once, as an overlay of the committed state.
	connection.transition(marker.type, marker.id, stateOf(marker, position));
};

map.onDrop = (marker, position) => {
	const transition = connection.transition(marker.type, marker.id, stateOf(marker, position));
	if (marker.type === 'location') {
		// Your own location: you own it, so the proposal is applied at once.
		transition.commit().catch((error) => toast('Could not move you: ' + error.message, 'bad'));
	}
	else {
		suggestMeetingPoint(transition, marker.id, position);
	}
};
// end::drag[]

function stateOf(marker, { lat, lng, heading }) {
	return (marker.type === 'location') ? { lat, lng, heading } : { lat, lng };
}

/**
 * Propose the dropped meeting point. Its owner, the organizer, decides: an organizer's
 * own proposal is applied at once, a member's is forwarded to the organizer's browser.
 */
async function suggestMeetingPoint(transition, groupId, { lat, lng }) {
	const organizer = groups.get(groupId)?.state.organizer;
	if (organizer === me()) {
		transition.commit().then(() => toast('Meeting point moved', 'good'),
			(error) => toast('The meeting point did not move: ' + error.message, 'bad'));
		return;
	}
	page.suggestion = { group: groupId, lat, lng };
	render();
	const waiting = toast(`Suggested to ${organizer}. Waiting for their answer…`, '', REQUEST_TIMEOUT);
	try {
		await transition.commit();
		toast(`${organizer} accepted your meeting point`, 'good');
	}
	catch (error) {
		toast(refusal(error, organizer), 'bad');
	}
	finally {
		waiting.remove();
		page.suggestion = null;
		render();
	}
}

function refusal(error, organizer) {
	switch (error.code) {
		case 'forbidden':
			return `${organizer} declined: ${error.message}`;
		case 'owner-unreachable':
			return `${organizer} is offline, and only the organizer decides where the group meets`;
		case 'timeout':
			return `${organizer} did not answer in time`;
		case 'transition-broken':
			return 'Someone else moved the meeting point meanwhile';
		default:
			return error.message;
	}
}

// -- Deciding suggestions, as an organizer --------------------------------------------

// Proposals for objects this user owns are forwarded to their browser: here, moves of
// the meeting point of a group they organize. The promise settles on Accept or Decline.
// tag::requests[]
connection.onRequest((request) => {
	if (request.type !== 'meetingPoint') {
		return undefined;
	}
	return new Promise((decide) => {
		page.requests.set(request.requestId, { request, decide, expires: Date.now() + REQUEST_TIMEOUT });
		render();
	});
});
// end::requests[]

function decide(requestId, accept) {
	const waiting = page.requests.get(requestId);
	page.requests.delete(requestId);
	waiting?.decide(accept ? { decision: 'accept' }
		: { decision: 'reject', code: 'forbidden', message: 'the meeting point stays where it is' });
	render();
}

setInterval(() => {
	for (const [requestId, waiting] of page.requests) {
		if (waiting.expires <= Date.now()) {
			// The server has told the proposer "timeout" by now.
			page.requests.delete(requestId);
		}
	}
	render();
}, 1000);

// -- Drawing -------------------------------------------------------------------------

let scheduled = false;

function render() {
	if (!scheduled) {
		scheduled = true;
		requestAnimationFrame(draw);
	}
}

function draw() {
	scheduled = false;
	chooseGroup();
	drawGroupTabs();
	drawMap();
	drawGroupCard();
	drawRequests();
	drawPeople();
	drawMessages();
}

function drawGroupTabs() {
	const tabs = visibleGroups().map((group) => {
		const tab = html('button', { type: 'button', class: 'group-tab', 'aria-pressed': group.id === page.group },
			group.state.name);
		if (group.state.label) {
			tab.append(html('span', { class: 'label-badge' }, group.state.label));
		}
		tab.addEventListener('click', () => show(group.id));
		return tab;
	});
	replace('groups', tabs);
	const user = me();
	const chip = document.getElementById('me');
	if (user && chip.dataset.user !== user) {
		chip.dataset.user = user;
		chip.replaceChildren(avatar(user), html('span', {}, user));
		chip.hidden = false;
	}
}

/** The people to show: the members of the group on screen, and you. */
function people() {
	const group = currentGroup();
	return [...locations.values()].filter((location) => location.owner === me() || isMember(group, location.owner));
}

function drawMap() {
	const group = currentGroup();
	const items = [];
	const point = group && meetingPoints.get(group.id);
	if (point) {
		// current(): the committed state with a transition in progress laid over it. While
		// a suggestion waits for the organizer, the flag stays put beside it.
		const waiting = (page.suggestion?.group === point.id)
			|| [...page.requests.values()].some(({ request }) => request.id === point.id);
		const { lat, lng } = waiting ? point.state : meetingPoints.current(point.id);
		const moving = !waiting && meetingPoints.transitions.get(point.id);
		const movingBy = (moving && !moving.local) ? moving.by : null;
		items.push({ key: 'meeting-point', kind: 'meeting-point', type: 'meetingPoint', id: point.id, lat, lng,
			draggable: isMember(group), movingBy, label: movingBy ? `${movingBy} is moving it` : 'Meeting point' });
	}
	for (const { request } of page.requests.values()) {
		items.push({ key: 'request:' + request.requestId, kind: 'suggestion', lat: request.state.lat,
			lng: request.state.lng, label: `${request.from}'s suggestion` });
	}
	if (page.suggestion && page.suggestion.group === page.group) {
		items.push({ key: 'suggestion', kind: 'suggestion', lat: page.suggestion.lat, lng: page.suggestion.lng,
			label: 'Your suggestion' });
	}
	const shown = people().sort((a, b) => (a.owner === me()) - (b.owner === me()));
	for (const location of shown) {
		const person = location.owner;
		const { lat, lng, heading } = locations.current(location.id);
		const moving = locations.transitions.get(location.id);
		const status = presenceOf(person);
		items.push({ key: 'person:' + location.id, kind: 'person', type: 'location', id: location.id, name: person,
			label: (person === me()) ? 'You' : person, lat, lng, heading, color: colorOf(person),
			me: person === me(), draggable: person === me(), online: status !== null, status,
			movingBy: (moving && !moving.local) ? moving.by : null });
	}
	map.show(items);
	const ready = groups.synced && locations.synced && meetingPoints.synced;
	if (ready && page.fitted !== page.group) {
		page.fitted = page.group;
		fitGroup();
	}
	document.getElementById('map-hint').textContent = hint();
}

function hint() {
	const group = currentGroup();
	if (!isMember(group)) {
		return 'Drag yourself to move';
	}
	return (group.state.organizer === me()) ? 'Drag yourself to move, the flag to move the meeting point'
		: 'Drag yourself to move, the flag to suggest a meeting point';
}

function fitGroup() {
	const points = people().map((location) => location.state);
	const point = page.group !== null && meetingPoints.get(page.group);
	if (point) {
		points.push(point.state);
	}
	map.fit(points.length > 0 ? points : [CITY_CENTER], { minMeters: 700 });
}

function drawGroupCard() {
	const card = document.getElementById('group');
	const group = currentGroup();
	if (!groups.synced) {
		return;
	}
	if (!group) {
		card.replaceChildren(
			html('h1', {}, 'No group to show'),
			html('p', {}, 'You are not in any group you may see, so the map shows only you.'),
			html('p', { class: 'muted' }, 'Groups are set up by their organizers. Sign in as alice or carol to '
				+ 'organize one, as bob or dave to take part, or as erin, staff, to see them all.'));
		return;
	}
	const { name, organizer, label } = group.state;
	const title = html('h1', {}, name);
	if (label) {
		title.append(html('span', { class: 'label-badge' }, label));
	}
	const point = meetingPoints.get(group.id);
	const mine = [...locations.values()].find((location) => location.owner === me());
	let where = 'Meeting point not set';
	if (point) {
		where = mine ? `Meeting point ${describe(map.projection, mine.state, point.state)} of you` : 'Meeting point set';
	}
	let role = `Organized by ${organizer}`;
	if (organizer === me()) {
		role = 'You organize this group. Members suggest meeting points; you decide.';
	}
	else if (!isMember(group)) {
		role = `Organized by ${organizer}. You see this group as staff.`;
	}
	card.replaceChildren(title, html('p', { class: 'muted' }, role),
		html('p', { class: 'where' }, icon('flag'), html('span', {}, where)));
}

function drawRequests() {
	const cards = [...page.requests.values()].map(({ request, expires }) => {
		const point = meetingPoints.get(request.id);
		const away = point ? describe(map.projection, point.state, request.state) : '';
		const seconds = Math.max(0, Math.round((expires - Date.now()) / 1000));
		const accept = html('button', { type: 'button', class: 'button primary accept' }, 'Accept');
		const decline = html('button', { type: 'button', class: 'button decline' }, 'Decline');
		accept.addEventListener('click', () => decide(request.requestId, true));
		decline.addEventListener('click', () => decide(request.requestId, false));
		return html('article', { class: 'card request', 'data-from': request.from ?? '' },
			html('p', {}, avatar(request.from ?? '?'), html('span', {},
				html('strong', {}, request.from ?? 'Someone'), ` suggests meeting ${away} of the current spot`)),
			html('div', { class: 'actions' }, html('span', { class: 'muted' }, `${seconds} s left`), decline, accept));
	});
	replace('requests', cards);
}

function drawPeople() {
	const group = currentGroup();
	document.getElementById('people').hidden = !group;
	document.querySelector('.side-tabs').hidden = !group;
	if (!group) {
		return;
	}
	const point = meetingPoints.get(group.id);
	const byPerson = new Map(people().map((location) => [location.owner, location]));
	// Members first, you at the top; then anyone else online here, such as staff.
	const names = [...group.state.members];
	for (const online of presence.values()) {
		if (online.state.group === group.id && !names.includes(online.owner)) {
			names.push(online.owner);
		}
	}
	names.sort((a, b) => (b === me()) - (a === me()) || a.localeCompare(b));
	const rows = names.map((person) => {
		const status = presenceOf(person);
		const location = byPerson.get(person);
		const moving = location && locations.transitions.get(location.id);
		const details = [];
		details.push(html('span', { class: 'presence ' + (status ?? 'offline') },
			(status === 'typing') ? 'typing…' : (status ?? 'offline')));
		if (moving && !moving.local) {
			details.push(html('span', {}, 'moving'));
		}
		if (location && point) {
			details.push(html('span', {}, `${formatDistance(distance(map.projection, location.state, point.state))} from the meeting point`));
		}
		const badges = [];
		if (person === group.state.organizer) {
			badges.push(html('span', { class: 'role' }, 'organizer'));
		}
		if (!group.state.members.includes(person)) {
			badges.push(html('span', { class: 'role' }, 'staff'));
		}
		return html('li', { class: 'person', 'data-person': person },
			avatar(person, status),
			html('div', {}, html('p', { class: 'who' }, html('span', {}, person === me() ? `${person} (you)` : person),
				...badges), html('p', { class: 'details' }, ...joined(details))));
	});
	replace('people-list', rows);
}

function drawMessages() {
	const list = document.getElementById('messages');
	document.getElementById('chat').hidden = !currentGroup();
	if (!chat) {
		return;
	}
	const messages = [...chat.values()].sort((a, b) =>
		Date.parse(a.state.sentAt) - Date.parse(b.state.sentAt) || Number(a.id) - Number(b.id));
	const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
	const items = messages.map((message) => {
		const author = message.owner;
		const time = new Date(message.state.sentAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
		return html('li', { class: 'message' + (author === me() ? ' mine' : ''), 'data-id': message.id },
			html('p', { class: 'meta' }, html('span', { class: 'author', style: `color: ${colorOf(author)}` }, author),
				html('time', { datetime: message.state.sentAt }, time)),
			html('p', { class: 'text' }, message.state.text));
	});
	if (chat.synced && items.length === 0) {
		items.push(html('li', { class: 'empty muted' }, 'No messages yet. Say hello!'));
	}
	replace('messages', items);
	if (atBottom || messages.at(-1)?.owner === me()) {
		list.scrollTop = list.scrollHeight;
	}
	const showingChat = document.querySelector('.side').dataset.show === 'chat';
	if (showingChat || page.seenMessages === 0) {
		page.seenMessages = messages.length;
	}
	const unread = document.getElementById('unread');
	unread.textContent = messages.length - page.seenMessages;
	unread.hidden = messages.length <= page.seenMessages;
}

// -- Small helpers -------------------------------------------------------------------

function html(name, attributes = {}, ...children) {
	const node = document.createElement(name);
	for (const [key, value] of Object.entries(attributes)) {
		node.setAttribute(key, value);
	}
	// Text from the server goes in as text, never as markup.
	node.append(...children);
	return node;
}

function replace(id, children) {
	document.getElementById(id).replaceChildren(...children);
}

function joined(parts) {
	return parts.flatMap((part, index) => (index > 0) ? [html('span', { class: 'dot-separator' }, '·'), part] : [part]);
}

function avatar(person, status) {
	const badge = html('span', { class: 'avatar', style: `background: ${colorOf(person)}` },
		person.slice(0, 1).toUpperCase());
	if (status) {
		badge.append(html('span', { class: 'online-dot ' + status }));
	}
	return badge;
}

function icon(name) {
	const paths = { flag: 'M5 21V4m0 0h11l-2 4 2 4H5' };
	const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
	svg.setAttribute('viewBox', '0 0 24 24');
	svg.setAttribute('class', 'icon');
	const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
	path.setAttribute('d', paths[name]);
	svg.append(path);
	return svg;
}

function setStatus(kind, text) {
	const status = document.getElementById('status');
	status.className = 'status ' + kind;
	status.textContent = text;
}

function toast(text, kind = '', duration = 5000) {
	const item = html('div', { class: 'toast ' + kind, role: 'status' }, text);
	document.getElementById('toasts').append(item);
	setTimeout(() => item.classList.add('leaving'), duration - 500);
	setTimeout(() => item.remove(), duration);
	return item;
}

// -- Controls ------------------------------------------------------------------------

document.getElementById('zoom-in').addEventListener('click', () => map.zoom(1.5));
document.getElementById('zoom-out').addEventListener('click', () => map.zoom(1 / 1.5));
document.getElementById('zoom-fit').addEventListener('click', fitGroup);

for (const tab of document.querySelectorAll('.side-tabs [data-show]')) {
	tab.addEventListener('click', () => {
		document.querySelector('.side').dataset.show = tab.dataset.show;
		for (const other of document.querySelectorAll('.side-tabs [data-show]')) {
			other.setAttribute('aria-selected', String(other === tab));
		}
		render();
	});
}
document.querySelector('.side').dataset.show = 'people';

document.getElementById('sign-out').addEventListener('click', async () => {
	await connection.close();
	// Signing out is a POST with the CSRF token, which the starter serves to this session.
	const csrf = await (await fetch('/entanglement/csrf', { cache: 'no-store' })).json();
	await fetch('/logout', { method: 'POST', headers: { [csrf.headerName]: csrf.token } });
	location.assign('/login?logout');
});

// For the end-to-end tests, and for a look around in the browser's console.
window.meetup = { connection, groups, meetingPoints, locations, presence, get chat() { return chat; }, page };

render();
