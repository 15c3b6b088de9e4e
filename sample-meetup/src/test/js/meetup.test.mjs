// The meetup page in headless Chromium, several people at once, each in a browser
// context of their own signed in with the form, against the running app
// (MeetupBrowserIntegrationTests). What one person does on their page, the others see on
// theirs; what someone may not see never reaches their page.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const BASE_URL = process.env.MEETUP_URL;
if (!BASE_URL) {
	throw new Error('Set MEETUP_URL to the URL of a running meetup app');
}
const CHROMIUM = process.env.ENTANGLEMENT_TEST_CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOTS = new URL('../../../target/screenshots/', import.meta.url);
const TIMEOUT = 15_000;
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

/** Long enough that a change that leaked would have arrived. */
const QUIET = 1500;

let browser;
const pages = [];
const problems = [];

before(async () => {
	browser = await chromium.launch({
		executablePath: CHROMIUM,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
	await mkdir(SCREENSHOTS, { recursive: true });
});

after(async () => {
	await browser?.close();
});

/** A page of the app signed in as `user`, once everything it subscribes to is synced. */
async function signIn(user, viewport = DESKTOP) {
	const context = await browser.newContext({ viewport, deviceScaleFactor: (viewport === PHONE) ? 2 : 1 });
	const page = await context.newPage();
	page.setDefaultTimeout(TIMEOUT);
	page.on('pageerror', (error) => problems.push(`${user}: ${error}`));
	page.on('console', (message) => {
		if (message.type() === 'error') {
			problems.push(`${user}: ${message.text()} ${message.location().url}`);
		}
	});
	await page.goto(BASE_URL + '/');
	assert.match(page.url(), /\/login$/, 'signed out, the app sends you to sign in');
	await page.fill('#username', user);
	await page.fill('#password', 'password');
	await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/login')), page.click('button[type=submit]')]);
	await page.waitForFunction(() => {
		const meetup = window.meetup;
		return meetup && meetup.connection.connected && [meetup.groups, meetup.meetingPoints, meetup.locations,
			meetup.presence].every((collection) => collection.synced) && (meetup.chat?.synced ?? true);
	});
	pages.push(page);
	return page;
}

async function signOut(page) {
	pages.splice(pages.indexOf(page), 1);
	await page.context().close();
}

async function screenshot(page, name) {
	await page.screenshot({ path: fileURLToPath(new URL(name + '.png', SCREENSHOTS)), fullPage: true });
}

/** What a page holds of a live collection: [{id, owner, state}], by owner and id. */
function held(page, type) {
	return page.evaluate((name) => [...window.meetup[name].values()]
		.map(({ id, owner, state }) => ({ id, owner, state }))
		.sort((a, b) => a.owner.localeCompare(b.owner) || a.id.localeCompare(b.id)), type);
}

function marker(page, person) {
	return page.locator(`.marker[data-kind=person][data-person="${person}"]`);
}

async function centerOf(locator) {
	const box = await locator.boundingBox();
	return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/**
 * Press on a marker (a `.marker`) and move it by (dx, dy) pixels in steps, pausing between
 * them as a hand would. The caller releases the mouse.
 */
async function dragBy(page, locator, dx, dy, steps = 8) {
	// Markers glide to where they move, and a marker may pass over another one: press only
	// once the marker stands still and is the one under the pointer, as a person would.
	await locator.hover();
	const from = await centerOf(locator);
	await page.mouse.down();
	await locator.and(page.locator('.marker.dragging')).waitFor();
	for (let i = 1; i <= steps; i++) {
		await page.mouse.move(from.x + dx * i / steps, from.y + dy * i / steps);
		await page.waitForTimeout(60);
	}
}

/** The committed state of a person's location, as one page holds it. */
async function locationOf(page, person) {
	return (await held(page, 'locations')).find((location) => location.owner === person)?.state;
}

function near(a, b) {
	return Math.abs(a.lat - b.lat) < 1e-6 && Math.abs(a.lng - b.lng) < 1e-6;
}

test('alice and bob see each other, online, and each sees the other move', async () => {
	const alice = await signIn('alice');
	const bob = await signIn('bob');
	for (const [page, other] of [[alice, 'bob'], [bob, 'alice']]) {
		await marker(page, other).waitFor();
		await page.locator(`.person[data-person="${other}"] .presence.online`).waitFor();
	}

	for (const [page, person, viewer] of [[alice, 'alice', bob], [bob, 'bob', alice]]) {
		const before = await locationOf(viewer, person);
		await dragBy(page, marker(page, person), 60, -40);
		await page.mouse.up();
		await page.waitForFunction((name) => {
			const location = [...window.meetup.locations.values()].find((candidate) => candidate.owner === name);
			return !window.meetup.locations.transitions.has(location.id);
		}, person);
		const moved = await locationOf(page, person);
		assert.ok(!near(moved, before), `${person} moved`);
		await viewer.waitForFunction(({ name, lat, lng }) => {
			const shown = document.querySelector(`.marker[data-kind=person][data-person="${name}"]`);
			return Math.abs(Number(shown.dataset.lat) - lat) < 1e-6 && Math.abs(Number(shown.dataset.lng) - lng) < 1e-6;
		}, { name: person, ...moved });
	}
	await screenshot(alice, 'alice-desktop');
	assert.deepEqual(problems, []);
});

test('a drag shows in the other browser while it happens, before the drop', async () => {
	const [alice, bob] = pages;
	const committed = await locationOf(bob, 'alice');
	await dragBy(alice, marker(alice, 'alice'), -80, 50, 10);
	// Still dragging: bob sees alice moving, away from where she is committed.
	const shown = await bob.waitForFunction(() => {
		const shown = document.querySelector('.marker[data-kind=person][data-person="alice"]');
		return shown.dataset.movingBy === 'alice' && { lat: Number(shown.dataset.lat), lng: Number(shown.dataset.lng) };
	});
	assert.ok(!near(await shown.jsonValue(), committed), 'bob sees alice where she is being dragged');
	assert.ok(near(await locationOf(bob, 'alice'), committed), 'nothing is committed yet');
	await bob.locator('.person[data-person="alice"] .details', { hasText: 'moving' }).waitFor();
	await screenshot(bob, 'bob-sees-alice-moving');

	await alice.mouse.up();
	const dropped = await bob.waitForFunction((before) => {
		const location = [...window.meetup.locations.values()].find((candidate) => candidate.owner === 'alice');
		const shown = document.querySelector('.marker[data-kind=person][data-person="alice"]');
		const moved = Math.abs(location.state.lat - before.lat) > 1e-6 || Math.abs(location.state.lng - before.lng) > 1e-6;
		return moved && shown.dataset.movingBy === '' && location.state;
	}, committed);
	assert.ok(near(await dropped.jsonValue(), await locationOf(alice, 'alice')), 'bob sees where alice dropped');
	assert.deepEqual(problems, []);
});

test('bob suggests a meeting point; alice, the organizer, accepts it; bob sees it moved', async () => {
	const [alice, bob] = pages;
	const flag = (page) => page.locator('.marker[data-kind=meeting-point]');
	const before = (await held(bob, 'meetingPoints')).find((point) => point.id === 'hikers').state;

	await dragBy(bob, flag(bob), 90, 60);
	await bob.mouse.up();
	await bob.locator('.toast', { hasText: 'Suggested to alice' }).waitFor();
	const request = alice.locator('.request[data-from="bob"]');
	await request.waitFor();
	await alice.locator('.marker[data-kind=suggestion]', { hasText: "bob's suggestion" }).waitFor();
	// The flag stays where it is beside the suggestion until alice decides.
	const shown = await alice.locator('.marker[data-kind=meeting-point]').evaluate((flag) => flag.dataset.lat);
	assert.equal(Number(shown), before.lat);
	await alice.waitForTimeout(400);
	await screenshot(alice, 'alice-decides-desktop');
	await request.locator('button.accept').click();

	await bob.locator('.toast', { hasText: 'alice accepted your meeting point' }).waitFor();
	const moved = await bob.waitForFunction((start) => {
		const point = window.meetup.meetingPoints.get('hikers');
		return (Math.abs(point.state.lat - start.lat) > 1e-6 || Math.abs(point.state.lng - start.lng) > 1e-6)
			&& point.state;
	}, before);
	const accepted = await moved.jsonValue();
	await alice.waitForFunction((point) => {
		const shown = document.querySelector('.marker[data-kind=meeting-point]');
		return Math.abs(Number(shown.dataset.lat) - point.lat) < 1e-6 && !document.querySelector('.request');
	}, accepted);
	assert.equal((await held(alice, 'meetingPoints')).find((point) => point.id === 'hikers').owner, 'alice');
	assert.deepEqual(problems, []);
});

test('when alice declines a suggestion, bob is told and the meeting point stays', async () => {
	const [alice, bob] = pages;
	const before = (await held(bob, 'meetingPoints')).find((point) => point.id === 'hikers').state;
	await dragBy(bob, bob.locator('.marker[data-kind=meeting-point]'), -70, 40);
	await bob.mouse.up();
	await alice.locator('.request[data-from="bob"] button.decline').click();
	await bob.locator('.toast', { hasText: 'alice declined: the meeting point stays where it is' }).waitFor();
	await bob.waitForFunction((start) => {
		const shown = document.querySelector('.marker[data-kind=meeting-point]');
		return Math.abs(Number(shown.dataset.lat) - start.lat) < 1e-6 && !document.querySelector('.marker[data-kind=suggestion]');
	}, before);
	assert.ok(near((await held(alice, 'meetingPoints')).find((point) => point.id === 'hikers').state, before));
	assert.deepEqual(problems, []);
});

test('chat messages arrive in the order they were sent', async () => {
	const [alice, bob] = pages;
	const texts = Array.from({ length: 6 }, (_, i) => `Message ${i + 1} at ${Date.now()}`);
	for (const text of texts) {
		await alice.fill('#message', text);
		await alice.press('#message', 'Enter');
	}
	await bob.waitForFunction((last) => document.querySelector('#messages').textContent.includes(last), texts.at(-1));
	const shown = await bob.locator('#messages .message .text').allTextContents();
	assert.deepEqual(shown.slice(-texts.length), texts);
	// The collection holds messages in the order they arrived.
	const arrived = await bob.evaluate(() => [...window.meetup.chat.values()].map((message) => message.state.text));
	assert.deepEqual(arrived.filter((text) => texts.includes(text)), texts);
	await screenshot(bob, 'bob-desktop');
	assert.deepEqual(problems, []);
});

test('erin, staff, sees every group; frank, in ops but not cleared, sees nothing of it', async () => {
	const erin = await signIn('erin');
	assert.deepEqual(await erin.locator('.group-tab').allTextContents(), ['Climbers', 'Hikers', 'OpsSECRET']);
	const secret = `Ops only: nobody else reads this (${Date.now()})`;
	await erin.fill('#message', secret);
	await erin.press('#message', 'Enter');
	await erin.locator('.message', { hasText: secret }).waitFor();
	await screenshot(erin, 'erin-desktop');

	const frank = await signIn('frank');
	await frank.waitForTimeout(QUIET);
	assert.deepEqual(await held(frank, 'groups'), []);
	assert.deepEqual(await held(frank, 'meetingPoints'), []);
	assert.deepEqual(await held(frank, 'presence'), []);
	assert.deepEqual((await held(frank, 'locations')).map((location) => location.owner), ['frank']);
	assert.equal(await frank.evaluate(() => window.meetup.chat), null);
	assert.doesNotMatch(await frank.locator('body').textContent(), /ops|secret/i);
	await frank.locator('.group-card', { hasText: 'No group to show' }).waitFor();
	await signOut(frank);
	await signOut(erin);
	assert.deepEqual(problems, []);
});

test('carol, in climbers, sees neither alice nor bob of hikers', async () => {
	const carol = await signIn('carol');
	await carol.waitForTimeout(QUIET);
	const owners = (await held(carol, 'locations')).map((location) => location.owner);
	assert.ok(owners.includes('carol'));
	assert.ok(!owners.includes('alice') && !owners.includes('bob'), `carol holds ${owners}`);
	assert.deepEqual((await held(carol, 'groups')).map((group) => group.id), ['climbers']);
	assert.doesNotMatch(await carol.locator('body').innerText(), /alice|bob|hikers/i);
	await signOut(carol);
	assert.deepEqual(problems, []);
});

test('mallory, in no group, sees nobody', async () => {
	const mallory = await signIn('mallory', PHONE);
	await mallory.waitForTimeout(QUIET);
	assert.deepEqual((await held(mallory, 'locations')).map((location) => location.owner), ['mallory']);
	assert.deepEqual(await held(mallory, 'groups'), []);
	assert.deepEqual(await held(mallory, 'presence'), []);
	assert.equal(await mallory.locator('.marker').count(), 1);
	await screenshot(mallory, 'mallory-phone');
	await signOut(mallory);
	assert.deepEqual(problems, []);
});

test('on a phone, the page reads well: the map, the group, then people or chat', async () => {
	const alice = await signIn('alice', PHONE);
	await marker(alice, 'bob').waitFor();
	await screenshot(alice, 'alice-phone');
	const width = await alice.evaluate(() => document.documentElement.scrollWidth);
	assert.ok(width <= PHONE.width, `no horizontal scrolling (${width}px wide)`);
	await alice.click('.side-tabs [data-show=chat]');
	await alice.locator('#messages .message').first().waitFor();
	assert.ok(await alice.locator('#people').isHidden());
	await screenshot(alice, 'alice-phone-chat');
	await signOut(alice);
	assert.deepEqual(problems, []);
});

test('signing out ends the session', async () => {
	const [alice] = pages;
	await alice.click('#sign-out');
	await alice.waitForURL(/\/login\?logout$/);
	await alice.locator('#signed-out').waitFor();
	await alice.goto(BASE_URL + '/');
	assert.match(alice.url(), /\/login$/);
	assert.deepEqual(problems, []);
});
