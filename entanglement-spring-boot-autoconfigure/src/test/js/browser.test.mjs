// The client in headless Chromium, loaded by a page the way applications load it: logged
// in with the form, same origin, CSRF token on CONNECT.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { BASE_URL, TIMEOUT, testData, unique } from './support.mjs';

const CHROMIUM = process.env.ENTANGLEMENT_TEST_CHROMIUM ?? '/usr/bin/chromium';
// Served by the application (JsClientIntegrationTests), so the page is of its origin.
const PAGE = BASE_URL + '/test-data/browser-page.html';
const ARTIFACTS = new URL('../../../target/js-client/', import.meta.url);

let browser;
let page;
const problems = [];

before(async () => {
	browser = await chromium.launch({
		executablePath: CHROMIUM,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
	page = await browser.newPage();
	page.setDefaultTimeout(TIMEOUT);
	page.on('pageerror', (error) => problems.push(String(error)));
	page.on('console', (message) => {
		if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) {
			problems.push(message.text() + ' ' + message.location().url);
		}
	});
	await page.goto(BASE_URL + '/login');
	await page.fill('input[name=username]', 'alice');
	await page.fill('input[name=password]', 'password');
	await Promise.all([
		page.waitForURL((url) => !url.pathname.startsWith('/login')),
		page.click('button[type=submit]'),
	]);
	// Where the login lands (nothing is mapped at /) is not the client's concern.
	problems.length = 0;
});

after(async () => {
	if (page) {
		await mkdir(ARTIFACTS, { recursive: true });
		await page.screenshot({ path: fileURLToPath(new URL('browser.png', ARTIFACTS)) });
	}
	await browser?.close();
});

test('a page that imports /entanglement/entanglement.js shows live changes', async () => {
	await page.goto(PAGE);
	await page.waitForFunction(() => window.entanglement?.markers.synced);
	assert.equal(await page.textContent('#status'), 'Live');
	assert.equal(await page.evaluate(() => window.entanglement.connection.user), 'alice');

	const name = unique('browser');
	const marker = await testData.create({ name, lat: 1.5, lng: 2.5 });
	await page.waitForFunction((text) => document.getElementById('markers').textContent.includes(text),
		`${name} at 1.5, 2.5 (version ${marker.version})`);

	const update = await testData.update(marker.id, { lat: 3.5 });
	await page.waitForFunction((text) => document.getElementById('markers').textContent.includes(text),
		`${name} at 3.5, 2.5 (version ${update.version})`);
	assert.deepEqual(problems, []);
});

test('a page proposes over its cookie session', async () => {
	const name = unique('proposed-in-browser');
	const reply = await page.evaluate((markerName) => window.entanglement.connection
		.propose('marker', null, { name: markerName, lat: 7, lng: 8 }), name);
	assert.equal(reply.status, 'accepted');
	await page.waitForFunction((text) => document.getElementById('markers').textContent.includes(text),
		`${name} at 7, 8`);
	const owner = await page.evaluate((id) => window.entanglement.markers.get(id).owner, reply.id);
	assert.equal(owner, 'alice');

	const rejected = await page.evaluate(() => window.entanglement.connection
		.propose('marker', '424242424', { lat: 1 })
		.then(() => 'accepted', (error) => `${error.name} ${error.code}`));
	assert.equal(rejected, 'EntanglementError not-found');
	assert.deepEqual(problems, []);
});
