// Measures what the dashboard's first page load downloads, from the last `npm run build` (dist/ and its manifest):
// index.html, the entry chunk with the chunks and CSS it imports statically, and then the first view's own chunk
// (sign-in for a visitor, overview once signed in). Prints a Markdown table for docs/benchmarks.md.
// Usage: npm run build && node scripts/size.mjs [--max-kb 250]   (exit 1 when the initial load is over the limit)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const manifest = JSON.parse(readFileSync(path.join(dist, '.vite', 'manifest.json'), 'utf8'));
const flag = process.argv.indexOf('--max-kb');
const maxKb = flag > 0 ? Number(process.argv[flag + 1]) : 250;

function sizes(file) {
  const bytes = readFileSync(path.join(dist, file));
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

// A chunk with everything it imports statically (what the browser must fetch before it runs).
function closure(key, seen = new Set()) {
  const chunk = manifest[key];
  if (!chunk || seen.has(chunk.file)) return seen;
  seen.add(chunk.file);
  for (const css of chunk.css ?? []) seen.add(css);
  for (const imported of chunk.imports ?? []) closure(imported, seen);
  return seen;
}

function total(files) {
  return [...files].reduce((sum, f) => {
    const s = sizes(f);
    return { raw: sum.raw + s.raw, gzip: sum.gzip + s.gzip, brotli: sum.brotli + s.brotli };
  }, { raw: 0, gzip: 0, brotli: 0 });
}

const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry);
const entry = closure(entryKey);
entry.add('index.html');
const view = (name) => {
  const key = Object.keys(manifest).find((k) => k.endsWith(`views/${name}.vue`));
  return [...closure(key)].filter((f) => !entry.has(f));
};
const signIn = new Set([...entry, ...view('SignInView')]);
const overview = new Set([...entry, ...view('OverviewView')]);
const all = new Set(Object.values(manifest).flatMap((c) => [c.file, ...(c.css ?? [])]).concat('index.html'));

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const rows = [
  ['Shell (index.html, entry JS and CSS)', total(entry)],
  ['First load, signed out (shell + sign-in view)', total(signIn)],
  ['First load, signed in (shell + overview view)', total(overview)],
  ['Everything built (every view)', total(all)],
];
console.log('| What | Files | Raw | gzip -9 | Brotli 11 |');
console.log('|---|---:|---:|---:|---:|');
const counts = [entry.size, signIn.size, overview.size, all.size];
rows.forEach(([name, s], i) => console.log(`| ${name} | ${counts[i]} | ${kb(s.raw)} | ${kb(s.gzip)} | ${kb(s.brotli)} |`));
const initial = Math.max(total(signIn).gzip, total(overview).gzip);
console.log(`\nInitial load (the larger first load): ${kb(initial)} gzip; limit ${maxKb} KB.`);
if (initial > maxKb * 1024) {
  console.error(`size: the initial load is over ${maxKb} KB gzip`);
  process.exit(1);
}
