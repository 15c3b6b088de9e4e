// The meetup's map: a drawn city around the demo's center (no tiles, nothing external),
// with people and meeting points on it. It knows nothing of Entanglement: meetup.js gives
// it what to show, and hears about drags through onDrag and onDrop.

const SVG = 'http://www.w3.org/2000/svg';
const METERS_PER_DEGREE = 111_320;
const MIN_SCALE = 0.08;
const MAX_SCALE = 4;
const EXTENT = 1800;

/** Converts between latitude and longitude and meters east and north of a center. */
export class Projection {
	constructor(center) {
		this.center = center;
		this.cos = Math.cos(center.lat * Math.PI / 180);
	}

	toMeters({ lat, lng }) {
		return {
			x: (lng - this.center.lng) * METERS_PER_DEGREE * this.cos,
			y: (lat - this.center.lat) * METERS_PER_DEGREE,
		};
	}

	toLatLng({ x, y }) {
		return {
			lat: this.center.lat + y / METERS_PER_DEGREE,
			lng: this.center.lng + x / (METERS_PER_DEGREE * this.cos),
		};
	}
}

/** Distance in meters and bearing in degrees (clockwise from north) between two points. */
export function distance(projection, from, to) {
	const a = projection.toMeters(from);
	const b = projection.toMeters(to);
	return Math.hypot(b.x - a.x, b.y - a.y);
}

export function bearing(projection, from, to) {
	const a = projection.toMeters(from);
	const b = projection.toMeters(to);
	return (Math.atan2(b.x - a.x, b.y - a.y) * 180 / Math.PI + 360) % 360;
}

const COMPASS = ['north', 'north-east', 'east', 'south-east', 'south', 'south-west', 'west', 'north-west'];

/** "240 m north-east", for people to read. */
export function describe(projection, from, to) {
	const meters = distance(projection, from, to);
	if (meters < 15) {
		return 'right here';
	}
	const direction = COMPASS[Math.round(bearing(projection, from, to) / 45) % 8];
	return `${formatDistance(meters)} ${direction}`;
}

export function formatDistance(meters) {
	return (meters < 1000) ? `${Math.round(meters / 10) * 10} m` : `${(meters / 1000).toFixed(1)} km`;
}

/** A color of its own for each person, the same in every browser. */
export function colorOf(name) {
	let hash = 0;
	for (const char of name) {
		hash = (hash * 31 + char.codePointAt(0)) >>> 0;
	}
	return `hsl(${hash % 360} 62% 46%)`;
}

/**
 * The map in an <svg>: the city is drawn in meters and scaled, markers are drawn in
 * pixels so they keep their size. Drag the background to pan, the wheel or the buttons
 * to zoom; markers marked draggable are dragged with the pointer.
 */
export class MeetupMap {
	/** Called with (marker, {lat, lng, heading}) while a marker is dragged, and on drop. */
	onDrag = () => {};
	onDrop = () => {};

	#svg;
	#projection;
	#city;
	#labels;
	#markers;
	#view = { x: 0, y: 0, scale: 0.35 };
	#size = { width: 1, height: 1 };
	#items = [];
	#elements = new Map();
	#drag = null;

	constructor(svg, center) {
		this.#svg = svg;
		this.#projection = new Projection(center);
		this.#city = element('g', { class: 'city' });
		this.#labels = element('g', { class: 'places' });
		this.#markers = element('g', { class: 'markers' });
		svg.append(this.#city, this.#labels, this.#markers);
		drawCity(this.#city, this.#labels);
		new ResizeObserver(() => this.#resize()).observe(svg);
		this.#resize();
		this.#listen();
	}

	get projection() {
		return this.#projection;
	}

	/**
	 * Show these markers, each {key, kind: 'person' | 'meeting-point' | 'suggestion', lat,
	 * lng, ...}. Markers are kept by key, so moves glide instead of jumping.
	 */
	show(items) {
		this.#items = items;
		const keys = new Set(items.map((item) => item.key));
		for (const [key, marker] of this.#elements) {
			if (!keys.has(key)) {
				marker.remove();
				this.#elements.delete(key);
			}
		}
		for (const item of items) {
			let marker = this.#elements.get(item.key);
			if (!marker || marker.dataset.kind !== item.kind) {
				marker?.remove();
				marker = createMarker(item);
				this.#elements.set(item.key, marker);
			}
			updateMarker(marker, item);
			// Later items are drawn on top: meeting points under people, you on top.
			this.#markers.append(marker);
		}
		this.#place(false);
	}

	/** Center the map on these points, zoomed to see them all. */
	fit(points, { padding = 70, minMeters = 500 } = {}) {
		if (points.length === 0) {
			return;
		}
		const meters = points.map((point) => this.#projection.toMeters(point));
		const xs = meters.map((point) => point.x);
		const ys = meters.map((point) => point.y);
		const width = Math.max(Math.max(...xs) - Math.min(...xs), minMeters);
		const height = Math.max(Math.max(...ys) - Math.min(...ys), minMeters);
		const scale = Math.min((this.#size.width - 2 * padding) / width, (this.#size.height - 2 * padding) / height);
		this.#view = {
			x: (Math.max(...xs) + Math.min(...xs)) / 2,
			y: (Math.max(...ys) + Math.min(...ys)) / 2,
			scale: clamp(scale, MIN_SCALE, MAX_SCALE),
		};
		this.#place(true);
	}

	zoom(factor, around = { x: this.#size.width / 2, y: this.#size.height / 2 }) {
		const before = this.#toMeters(around);
		this.#view.scale = clamp(this.#view.scale * factor, MIN_SCALE, MAX_SCALE);
		const after = this.#toMeters(around);
		this.#view.x += before.x - after.x;
		this.#view.y += before.y - after.y;
		this.#place(true);
	}

	#resize() {
		const box = this.#svg.getBoundingClientRect();
		this.#size = { width: Math.max(box.width, 1), height: Math.max(box.height, 1) };
		this.#svg.setAttribute('viewBox', `0 0 ${this.#size.width} ${this.#size.height}`);
		this.#place(true);
	}

	/** Put the city and every marker where the view says; jumps, not glides, after a pan. */
	#place(jump) {
		const { x, y, scale } = this.#view;
		const { width, height } = this.#size;
		this.#city.setAttribute('transform',
			`translate(${width / 2 - x * scale} ${height / 2 + y * scale}) scale(${scale} ${-scale})`);
		for (const place of this.#labels.children) {
			const at = this.#toPixels({ x: Number(place.dataset.x), y: Number(place.dataset.y) });
			place.setAttribute('transform', `translate(${at.x} ${at.y})`);
		}
		if (jump) {
			this.#svg.classList.add('jump');
		}
		for (const item of this.#items) {
			const marker = this.#elements.get(item.key);
			const at = this.#toPixels(this.#projection.toMeters(item));
			marker.style.transform = `translate(${at.x.toFixed(1)}px, ${at.y.toFixed(1)}px)`;
		}
		if (jump) {
			this.#svg.getBoundingClientRect();
			requestAnimationFrame(() => this.#svg.classList.remove('jump'));
		}
		this.#drawScale();
	}

	#toPixels({ x, y }) {
		return {
			x: this.#size.width / 2 + (x - this.#view.x) * this.#view.scale,
			y: this.#size.height / 2 - (y - this.#view.y) * this.#view.scale,
		};
	}

	#toMeters({ x, y }) {
		return {
			x: this.#view.x + (x - this.#size.width / 2) / this.#view.scale,
			y: this.#view.y - (y - this.#size.height / 2) / this.#view.scale,
		};
	}

	#pointer(event) {
		const box = this.#svg.getBoundingClientRect();
		return { x: event.clientX - box.left, y: event.clientY - box.top };
	}

	#listen() {
		this.#svg.addEventListener('pointerdown', (event) => {
			const marker = event.target.closest('.marker.draggable');
			const item = marker && this.#items.find((candidate) => candidate.key === marker.dataset.key);
			this.#svg.setPointerCapture(event.pointerId);
			const start = this.#pointer(event);
			this.#drag = item
				? { item, marker, start, from: this.#projection.toMeters(item), moved: false }
				: { pan: { ...this.#view }, start };
			marker?.classList.add('dragging');
			event.preventDefault();
		});
		this.#svg.addEventListener('pointermove', (event) => {
			const drag = this.#drag;
			if (!drag) {
				return;
			}
			const at = this.#pointer(event);
			if (drag.pan) {
				this.#view.x = drag.pan.x - (at.x - drag.start.x) / this.#view.scale;
				this.#view.y = drag.pan.y + (at.y - drag.start.y) / this.#view.scale;
				this.#place(true);
				return;
			}
			if (!drag.moved && Math.hypot(at.x - drag.start.x, at.y - drag.start.y) < 3) {
				return;
			}
			drag.moved = true;
			this.onDrag(drag.item, this.#dropped(drag, at));
		});
		const end = (event) => {
			const drag = this.#drag;
			this.#drag = null;
			if (!drag || drag.pan) {
				return;
			}
			drag.marker.classList.remove('dragging');
			if (drag.moved) {
				this.onDrop(drag.item, this.#dropped(drag, this.#pointer(event)));
			}
		};
		this.#svg.addEventListener('pointerup', end);
		this.#svg.addEventListener('pointercancel', end);
		this.#svg.addEventListener('wheel', (event) => {
			event.preventDefault();
			this.zoom(Math.exp(-event.deltaY / 500), this.#pointer(event));
		}, { passive: false });
	}

	/** Where a drag has taken its marker, heading the way it went. */
	#dropped(drag, at) {
		const meters = this.#toMeters(at);
		const heading = (Math.atan2(meters.x - drag.from.x, meters.y - drag.from.y) * 180 / Math.PI + 360) % 360;
		return { ...this.#projection.toLatLng(meters), heading: Math.round(heading) };
	}

	/** A scale bar of a round number of meters, about 90 pixels long. */
	#drawScale() {
		const bar = document.querySelector('.scale');
		if (!bar) {
			return;
		}
		const meters = [50, 100, 200, 250, 500, 1000, 2000].find((length) => length * this.#view.scale >= 70) ?? 2000;
		bar.style.width = `${Math.round(meters * this.#view.scale)}px`;
		bar.textContent = formatDistance(meters);
	}
}

function clamp(value, min, max) {
	return Math.min(max, Math.max(min, value));
}

function element(name, attributes = {}, ...children) {
	const node = document.createElementNS(SVG, name);
	for (const [key, value] of Object.entries(attributes)) {
		node.setAttribute(key, value);
	}
	node.append(...children);
	return node;
}

function createMarker(item) {
	const marker = element('g', { class: 'marker' });
	marker.dataset.key = item.key;
	marker.dataset.kind = item.kind;
	if (item.kind === 'person') {
		marker.append(
			element('circle', { class: 'halo', r: 22 }),
			element('path', { class: 'heading', d: 'M0,-27 L6,-18 L-6,-18 Z' }),
			element('circle', { class: 'dot', r: 15 }),
			element('text', { class: 'initial', y: 5 }),
			element('circle', { class: 'online', cx: 11, cy: -11, r: 4.5 }),
			element('rect', { class: 'tag', y: 21, height: 18, rx: 9 }),
			element('text', { class: 'name', y: 34 }));
	}
	else {
		// A pin with a flag, its point on the spot.
		marker.append(
			element('ellipse', { class: 'shadow', rx: 9, ry: 3.5 }),
			element('path', { class: 'pin', d: 'M0,0 C-4,-12 -17,-20 -17,-33 A17,17 0 1 1 17,-33 C17,-20 4,-12 0,0 Z' }),
			element('path', { class: 'flag', d: 'M-6,-24 L-6,-43 L8,-38 L-4,-34' }),
			element('rect', { class: 'tag', y: 8, height: 18, rx: 9 }),
			element('text', { class: 'name', y: 21 }));
	}
	marker.append(element('circle', { class: 'grip', r: 26, cy: item.kind === 'person' ? 0 : -26 }));
	return marker;
}

function updateMarker(marker, item) {
	marker.classList.toggle('draggable', !!item.draggable);
	marker.classList.toggle('me', !!item.me);
	marker.classList.toggle('moving', !!item.movingBy);
	marker.classList.toggle('is-online', !!item.online);
	marker.classList.toggle('typing', item.status === 'typing');
	marker.dataset.person = item.name ?? '';
	marker.dataset.lat = item.lat;
	marker.dataset.lng = item.lng;
	marker.dataset.movingBy = item.movingBy ?? '';
	marker.style.setProperty('--color', item.color ?? '');
	const label = item.label ?? item.name ?? '';
	const name = marker.querySelector('.name');
	if (name.textContent !== label) {
		name.textContent = label;
		const width = Math.max(label.length * 6.6 + 16, 30);
		const tag = marker.querySelector('.tag');
		tag.setAttribute('x', -width / 2);
		tag.setAttribute('width', width);
	}
	if (item.kind === 'person') {
		marker.querySelector('.initial').textContent = (item.name ?? '?').slice(0, 1).toUpperCase();
		marker.querySelector('.heading').setAttribute('transform', `rotate(${Number(item.heading) || 0})`);
	}
}

/**
 * The drawn city, in meters east (x) and north (y) of the center, y up; the names of
 * places go in their own layer, placed in pixels so that they keep their size.
 */
function drawCity(city, places) {
	city.append(element('rect', { class: 'land', x: -4000, y: -4000, width: 8000, height: 8000 }));
	const parks = [
		'M-1450,560 L-760,640 L-700,1180 L-1380,1120 Z',
		'M620,260 L1020,300 L990,560 L600,520 Z',
		'M-300,-1200 L120,-1180 L160,-980 L-260,-1000 Z',
	];
	for (const d of parks) {
		city.append(element('path', { class: 'park', d }));
	}
	const river = 'M-2200,-520 C-1600,-560 -1300,-300 -900,-380 S-420,-640 100,-700 S700,-520 1100,-760 S1800,-720 2300,-640';
	city.append(element('path', { class: 'river', d: river }));
	const streets = element('g', { class: 'streets', transform: 'rotate(-14)' });
	const casing = element('g', { class: 'casing', transform: 'rotate(-14)' });
	for (let i = -14; i <= 14; i++) {
		const at = i * 150;
		const major = i % 4 === 0;
		for (const group of [casing, streets]) {
			group.append(
				element('line', { x1: at, y1: -EXTENT * 1.4, x2: at, y2: EXTENT * 1.4, class: major ? 'major' : '' }),
				element('line', { x1: -EXTENT * 1.4, y1: at, x2: EXTENT * 1.4, y2: at, class: major ? 'major' : '' }));
		}
	}
	const avenues = ['M0,0 L2400,-520', 'M0,0 L-1900,1500', 'M0,0 L-600,2200'];
	for (const d of avenues) {
		casing.append(element('path', { d, class: 'major' }));
		streets.append(element('path', { d, class: 'major' }));
	}
	city.append(casing, streets, element('circle', { class: 'square', r: 75 }));
	const names = [
		['Alexanderplatz', 0, -105],
		['Volkspark', -1060, 860],
		['Spree', -600, -580],
		['Stadtgarten', 810, 410],
	];
	for (const [text, x, y] of names) {
		const place = element('text', { class: 'place' }, text);
		place.dataset.x = x;
		place.dataset.y = y;
		places.append(place);
	}
}
