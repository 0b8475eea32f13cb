// Turns a tool's JSON Schema (inputSchema from tools.list) into form fields, the form's values back into params, and
// the gateway's -32602 messages into errors at the field they name.
//
// Values are kept flat, keyed by the field's JSON Pointer ('/path', '/options/depth'), the same pointers the gateway
// uses in its validation messages ("Invalid params: /limit: Value should be at least 1").

/** A JSON Schema node, loosely typed: tools may send anything. */
export type Schema = Record<string, any>;

/** One tool as tools.list shows it. */
export interface ToolInfo {
  name: string;
  description?: string;
  inputSchema?: Schema;
  dangerous?: boolean;
}

/** How a field is drawn. */
export type FieldKind = 'text' | 'textarea' | 'select' | 'number' | 'checkbox' | 'lines' | 'object' | 'json';

/** One generated field. */
export interface Field {
  kind: FieldKind;
  /** JSON Pointer of the value ('' for the root). */
  pointer: string;
  name: string;
  label: string;
  description: string;
  required: boolean;
  schema: Schema;
  /** select: the allowed values. */
  options?: unknown[];
  /** number: bounds and step. */
  min?: number;
  max?: number;
  integer?: boolean;
  /** text: length bound. */
  maxLength?: number;
  /** object: its fields. */
  children?: Field[];
}

/** A form value: text for inputs and textareas, a boolean for checkboxes. */
export type FormValue = string | boolean;

/** Strings longer than this (or with a multiline hint) get a textarea. */
const LongText = 8192;

function typeOf(schema: Schema): string | undefined {
  const t = schema.type;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) {
    const real = t.filter((x) => x !== 'null');
    return real.length === 1 ? real[0] : undefined;
  }
  if (schema.properties && typeof schema.properties === 'object') return 'object';
  if (Array.isArray(schema.enum)) return 'enum';
  return undefined;
}

function humanize(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').trim();
  return words ? words[0].toUpperCase() + words.slice(1) : name;
}

function pointerOf(parent: string, name: string): string {
  return `${parent}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

function isScalarEnum(values: unknown): values is unknown[] {
  return Array.isArray(values) && values.length > 0 && values.every((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean');
}

/** The field for one schema node; anything the generator cannot draw becomes a raw JSON textarea. */
export function fieldFor(schema: Schema, name: string, pointer: string, required: boolean, depth = 0): Field {
  const base = {
    pointer,
    name,
    label: typeof schema.title === 'string' && schema.title ? schema.title : humanize(name),
    description: typeof schema.description === 'string' ? schema.description : '',
    required,
    schema,
  };
  if (!schema || typeof schema !== 'object' || schema.oneOf || schema.anyOf || schema.allOf || schema.$ref) {
    return { ...base, kind: 'json' };
  }
  if (isScalarEnum(schema.enum)) return { ...base, kind: 'select', options: schema.enum };
  const type = typeOf(schema);
  switch (type) {
    case 'string': {
      const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : undefined;
      const long = schema.format === 'textarea' || schema['x-multiline'] === true || maxLength === undefined || maxLength > LongText;
      return { ...base, kind: long ? 'textarea' : 'text', maxLength };
    }
    case 'integer':
    case 'number': {
      const min = typeof schema.minimum === 'number' ? schema.minimum : typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum : undefined;
      const max = typeof schema.maximum === 'number' ? schema.maximum : typeof schema.exclusiveMaximum === 'number' ? schema.exclusiveMaximum : undefined;
      return { ...base, kind: 'number', min, max, integer: type === 'integer' };
    }
    case 'boolean':
      return { ...base, kind: 'checkbox' };
    case 'array': {
      const items = schema.items as Schema | undefined;
      if (items && typeof items === 'object' && typeOf(items) === 'string' && !items.enum) return { ...base, kind: 'lines' };
      return { ...base, kind: 'json' };
    }
    case 'object': {
      const properties = schema.properties;
      if (!properties || typeof properties !== 'object' || depth > 4) return { ...base, kind: 'json' };
      const requiredNames = new Set(Array.isArray(schema.required) ? schema.required : []);
      const children = Object.entries(properties as Record<string, Schema>).map(([child, childSchema]) =>
        fieldFor(childSchema, child, pointerOf(pointer, child), requiredNames.has(child), depth + 1),
      );
      return { ...base, kind: 'object', children };
    }
    default:
      return { ...base, kind: 'json' };
  }
}

/** The fields of a tool's input schema (its root object's properties; a root the generator cannot draw is one JSON field). */
export function fieldsOf(schema: Schema | null | undefined): Field[] {
  const root = fieldFor(schema ?? {}, 'params', '', true);
  if (root.kind === 'object') return root.children ?? [];
  return [{ ...root, label: 'Parameters (JSON)', kind: 'json' }];
}

/** Every field, depth first (objects included). */
export function flatten(fields: Field[]): Field[] {
  return fields.flatMap((f) => [f, ...(f.children ? flatten(f.children) : [])]);
}

/** The starting values: schema defaults where given. */
export function initialValues(fields: Field[]): Record<string, FormValue> {
  const values: Record<string, FormValue> = {};
  for (const f of flatten(fields)) {
    const d = f.schema?.default;
    if (f.kind === 'checkbox') values[f.pointer] = d === true;
    else if (f.kind === 'object') continue;
    else if (d === undefined) values[f.pointer] = '';
    else if (f.kind === 'lines' && Array.isArray(d)) values[f.pointer] = d.join('\n');
    else if (f.kind === 'json') values[f.pointer] = JSON.stringify(d, null, 2);
    else values[f.pointer] = String(d);
  }
  return values;
}

/** What building the params produced: the params, or errors keyed by pointer (text the user typed that cannot be a value). */
export interface BuildResult {
  params: Record<string, unknown>;
  errors: Record<string, string>;
}

function buildValue(f: Field, values: Record<string, FormValue>, errors: Record<string, string>): { set: boolean; value?: unknown } {
  const raw = values[f.pointer];
  switch (f.kind) {
    case 'object': {
      const obj: Record<string, unknown> = {};
      let any = false;
      for (const c of f.children ?? []) {
        const r = buildValue(c, values, errors);
        if (r.set) {
          obj[c.name] = r.value;
          any = true;
        }
      }
      return any || f.required ? { set: true, value: obj } : { set: false };
    }
    case 'checkbox': {
      const checked = raw === true;
      const dflt = f.schema?.default === true;
      return checked !== dflt || f.required ? { set: true, value: checked } : { set: false };
    }
    case 'number': {
      const text = String(raw ?? '').trim();
      if (!text) return { set: false };
      const n = Number(text);
      if (!Number.isFinite(n)) {
        errors[f.pointer] = 'Enter a number.';
        return { set: false };
      }
      if (f.integer && !Number.isInteger(n)) {
        errors[f.pointer] = 'Enter a whole number.';
        return { set: false };
      }
      return { set: true, value: n };
    }
    case 'select': {
      const text = String(raw ?? '');
      if (text === '') return { set: false };
      const match = (f.options ?? []).find((o) => String(o) === text);
      return { set: true, value: match ?? text };
    }
    case 'lines': {
      const text = String(raw ?? '');
      const lines = text.split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '');
      return lines.length > 0 || f.required ? { set: true, value: lines } : { set: false };
    }
    case 'json': {
      const text = String(raw ?? '').trim();
      if (!text) return { set: false };
      try {
        return { set: true, value: JSON.parse(text) };
      } catch {
        errors[f.pointer] = 'This is not valid JSON.';
        return { set: false };
      }
    }
    default: {
      const text = String(raw ?? '');
      return text === '' ? { set: false } : { set: true, value: text };
    }
  }
}

/** The params object the form's values stand for; empty optional fields are left out. */
export function buildParams(fields: Field[], values: Record<string, FormValue>): BuildResult {
  const errors: Record<string, string> = {};
  // A root the generator could not draw: the one JSON field is the whole params.
  if (fields.length === 1 && fields[0].pointer === '' && fields[0].kind === 'json') {
    const r = buildValue(fields[0], values, errors);
    const params = r.set && r.value && typeof r.value === 'object' && !Array.isArray(r.value) ? (r.value as Record<string, unknown>) : {};
    if (r.set && params !== r.value) errors[''] = 'The parameters must be a JSON object.';
    return { params, errors };
  }
  const params: Record<string, unknown> = {};
  for (const f of fields) {
    const r = buildValue(f, values, errors);
    if (r.set) params[f.name] = r.value;
  }
  return { params, errors };
}

/**
 * Splits a gateway validation message ("Invalid params: /limit: must be at least 1; required property \"path\" is
 * missing.") into errors at the fields it names. What names no known field stays in `general`.
 */
export function mapGatewayErrors(message: string, fields: Field[]): { byField: Record<string, string>; general: string[] } {
  const known = new Set(flatten(fields).map((f) => f.pointer));
  const byField: Record<string, string> = {};
  const general: string[] = [];
  const body = message.replace(/^Invalid params:\s*/i, '');
  const add = (pointer: string, text: string) => {
    // The nearest drawn field at or above the pointer (an array item's error goes to its array's field).
    let p = pointer;
    while (p && !known.has(p)) p = p.slice(0, p.lastIndexOf('/'));
    if (p && known.has(p)) byField[p] = byField[p] ? `${byField[p]} ${text}` : text;
    else general.push(text);
  };
  for (const part of body.split(/;\s+/)) {
    const m = /^(\/[^:]*|):\s*(.*)$/s.exec(part);
    const pointer = m ? m[1] : '';
    const text = (m ? m[2] : part).trim();
    if (!text) continue;
    // The gateway's validator says `required property "path" is missing.` (older builds listed them in brackets).
    const one = /^required property\s+("(?:[^"\\]|\\.)*")\s+is missing/i.exec(text);
    const required = one ? [one[0], one[1]] : /required propert(?:y|ies)\s*\[([^\]]*)\]/i.exec(text);
    if (required) {
      const names = [...required[1].matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((x) => x[1]);
      if (names.length > 0) {
        for (const name of names) {
          const child = `${pointer}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
          if (known.has(child)) add(child, 'This field is required.');
          else add(pointer, text);
        }
        continue;
      }
    }
    add(pointer, text);
  }
  return { byField, general };
}
