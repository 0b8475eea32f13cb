// The first page load stays under 250 KB gzip (issue 8; docs/benchmarks.md "Dashboard bundle"), measured on the
// build the gateway embedded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

test('the initial load is under 250 KB gzip and later views are loaded lazily', () => {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'scripts', 'size.mjs');
  const output = execFileSync(process.execPath, [script, '--max-kb', '250'], { encoding: 'utf8' });
  const kb = (label) => Number(new RegExp(`\\| ${label}[^|]*\\| \\d+ \\| [\\d.]+ KB \\| ([\\d.]+) KB`).exec(output)[1]);
  assert.ok(kb('First load, signed in') < 250, output);
  // Views other than the first one are separate chunks, not part of the first load.
  assert.ok(kb('Everything built') > kb('First load, signed in'), output);
});
