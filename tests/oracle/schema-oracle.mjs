// Validates generated schema/instance pairs with ajv (the reference JSON Schema validator, its 2020-12 class), for
// the .NET differential tests of ToolParameterSchema.
// Usage: node schema-oracle.mjs <corpus-file>
// Input: one case per line, {"schema": <schema>, "instances": [<value>, ...]}.
// Output: per case, "refused <message>" when ajv will not compile the schema, otherwise "ok " and one character per
// instance: "1" valid, "0" invalid.
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';

// strict: false, so keywords JSON Schema does not define are ignored as the spec says (as ours does); formats are
// compared by the .NET table tests instead (ajv needs the ajv-formats plugin for them).
const ajv = new Ajv2020({ strict: false, validateFormats: false, allowUnionTypes: true });

const lines = readFileSync(process.argv[2], 'utf8').split('\n').filter((l) => l.length > 0);
const out = [];
for (const line of lines) {
  const { schema, instances } = JSON.parse(line);
  let validate;
  try {
    validate = ajv.compile(schema);
  } catch (e) {
    out.push('refused ' + String(e.message).replace(/[\r\n\u2028\u2029]/g, ' '));
    continue;
  }
  out.push('ok ' + instances.map((i) => (validate(i) ? '1' : '0')).join(''));
}
process.stdout.write(out.join('\n') + '\n');
