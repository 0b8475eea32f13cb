// Key paths as the gateway writes and reads them (docs/protocol.md, "Config"): `gateway.port`, `routing[0]`,
// `providers["my.provider"]`; and which keys take effect only after a restart (docs/config.md, "Live reload").

/** One step of a path: an object key or an array index. */
export type Segment = string | number;

const plainKey = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** The text form of a path, e.g. ['providers', 'my.provider', 'apiKey'] → providers["my.provider"].apiKey. */
export function formatPath(segments: Segment[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (plainKey.test(s)) out += out ? `.${s}` : s;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/** Parses a path typed by a person; null when it is not one. */
export function parsePath(text: string): Segment[] | null {
  const segments: Segment[] = [];
  let i = 0;
  const s = text.trim();
  if (!s) return null;
  while (i < s.length) {
    if (s[i] === '[') {
      const close = s.indexOf(']', i);
      if (close < 0) return null;
      const inner = s.slice(i + 1, close).trim();
      if (/^\d+$/.test(inner)) segments.push(Number(inner));
      else {
        try {
          const key = JSON.parse(inner);
          if (typeof key !== 'string') return null;
          segments.push(key);
        } catch {
          return null;
        }
      }
      i = close + 1;
    } else {
      if (s[i] === '.') {
        if (segments.length === 0) return null;
        i++;
      }
      const match = /^[^.[\]]+/.exec(s.slice(i));
      if (!match) return null;
      segments.push(match[0]);
      i += match[0].length;
    }
  }
  return segments;
}

/** The same path in one canonical text form (so `a["b"]` and `a.b` compare equal); the input when unparseable. */
export function normalizePath(text: string): string {
  const parsed = parsePath(text);
  return parsed ? formatPath(parsed) : text.trim();
}

/** True when `inner` is `outer` or lies under it. */
export function isWithin(inner: string, outer: string): boolean {
  if (outer === '') return true;
  return inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
}

/** The keys a running gateway reads only at start (ConfigMonitorOptions.DefaultRestartRequiredKeys). */
export const RestartRequiredKeys = [
  'gateway.bind',
  'gateway.port',
  'logging.format',
  'plugins',
  'channels.telegram.enabled',
  'channels.telegram.mode',
  'channels.telegram.webhookUrl',
];

/** The restart-only keys an edit at `path` touches (the path itself, one under it, or one it lies under). */
export function restartKeysFor(path: string): string[] {
  const p = normalizePath(path);
  return RestartRequiredKeys.filter((key) => isWithin(p, key) || isWithin(key, p));
}

/** Whether the value at this path is only read at start. */
export function needsRestart(path: string): boolean {
  return RestartRequiredKeys.some((key) => isWithin(normalizePath(path), key));
}

/** What a secret-bearing field shows (the gateway masks every one). */
export const Mask = '***';

/** Whether a value contains a masked secret anywhere. */
export function containsMask(value: unknown): boolean {
  if (value === Mask) return true;
  if (Array.isArray(value)) return value.some(containsMask);
  if (value && typeof value === 'object') return Object.values(value).some(containsMask);
  return false;
}
