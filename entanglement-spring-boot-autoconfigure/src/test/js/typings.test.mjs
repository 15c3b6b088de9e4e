// entanglement.d.ts, checked by the TypeScript compiler against typings-check.ts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

test('the typings describe the client for a TypeScript user', () => {
	const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
	const directory = fileURLToPath(new URL('.', import.meta.url));
	const result = spawnSync(process.execPath, [tsc, '--project', 'tsconfig.json'], { cwd: directory, encoding: 'utf8' });
	assert.equal(result.status, 0, result.stdout + result.stderr);
});
