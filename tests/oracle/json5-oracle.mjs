// Parses a corpus with the reference json5 package and prints one verdict per document, for the .NET oracle tests.
// Usage: node json5-oracle.mjs <corpus-file>
// Input: one document per line, each written as a JSON string literal (so any text, lone surrogates included, fits).
// Output: per document, "ok <canonical value>" or "reject <line>:<column> <message>".
// Canonical value: strings as "..." with every code unit outside printable ASCII (and " and \) as \uXXXX (lowercase),
// numbers as "n" + the 16 hex digits of their IEEE-754 bits (so -0 and every rounding are exact), NaN as "NaN",
// object keys sorted by UTF-16 code units (JavaScript reorders integer-like keys, so source order is not comparable).
import { readFileSync } from 'node:fs';
import JSON5 from 'json5';

// json5 warns on U+2028/U+2029 in strings; the warning is noise here.
console.warn = () => {};

const bits = new DataView(new ArrayBuffer(8));

function str(s) {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e && c !== 0x22 && c !== 0x5c) {
      out += s[i];
    } else {
      out += '\\u' + c.toString(16).padStart(4, '0');
    }
  }
  return out + '"';
}

function canon(v) {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN';
    bits.setFloat64(0, v);
    return 'n' + bits.getBigUint64(0).toString(16).padStart(16, '0');
  }
  if (typeof v === 'string') return str(v);
  if (Array.isArray(v)) return '[' + v.map(canon).join(',') + ']';
  const keys = Object.keys(v).sort();
  return '{' + keys.map((k) => str(k) + ':' + canon(v[k])).join(',') + '}';
}

const lines = readFileSync(process.argv[2], 'utf8').split('\n').filter((l) => l.length > 0);
const out = [];
for (const line of lines) {
  const doc = JSON.parse(line);
  try {
    out.push('ok ' + canon(JSON5.parse(doc)));
  } catch (e) {
    const message = String(e.message).replace(/[\r\n\u2028\u2029]/g, ' ');
    out.push(`reject ${e.lineNumber ?? 0}:${e.columnNumber ?? 0} ${message}`);
  }
}
process.stdout.write(out.join('\n') + '\n');
