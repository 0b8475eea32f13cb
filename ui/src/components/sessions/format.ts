// Small text helpers shared by the sessions views. Everything here returns plain strings that views render as text.
import type { SessionEvent, TokenUsage } from './types';

/** The route of a session's detail page (the key has colons; it goes into one path segment, encoded). */
export function sessionPath(sessionKey: string): string {
  return `/sessions/${encodeURIComponent(sessionKey)}`;
}

/** A date and time in the reader's locale, or '' for a missing value. */
export function when(value: string | null | undefined): string {
  if (!value) return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toLocaleString();
}

/** Input and output tokens, short. */
export function tokens(usage: TokenUsage | null | undefined): string {
  if (!usage) return '0';
  const total = (usage.inputTokens ?? 0) + (usage.outputTokens ?? 0);
  return `${total.toLocaleString()} (${(usage.inputTokens ?? 0).toLocaleString()} in / ${(usage.outputTokens ?? 0).toLocaleString()} out)`;
}

/** Any JSON value as readable text (strings as they are). */
export function jsonText(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value, null, 2);
  } catch {
    return String(value);
  }
}

/** A snippet from `sessions.search` cut into plain and matched parts (the store marks matches with « and »). */
export function snippetParts(snippet: string): Array<{ text: string; match: boolean }> {
  const parts: Array<{ text: string; match: boolean }> = [];
  let match = false;
  let current = '';
  for (const ch of snippet) {
    if (ch === '«' && !match) {
      if (current) parts.push({ text: current, match });
      current = '';
      match = true;
    } else if (ch === '»' && match) {
      if (current) parts.push({ text: current, match });
      current = '';
      match = false;
    } else {
      current += ch;
    }
  }
  if (current) parts.push({ text: current, match });
  return parts;
}

/** What an event is, in words. */
export function eventLabel(event: SessionEvent): string {
  switch (event.type) {
    case 'session_started':
      return 'Session started';
    case 'message_received':
      return 'Message received';
    case 'tool_called':
      return `Tool call: ${String(event.tool ?? '?')}`;
    case 'tool_result':
      return event.success === false ? 'Tool result: failed' : 'Tool result: succeeded';
    case 'agent_response':
      return 'Agent response';
    case 'message_sent':
      return 'Message sent';
    case 'state_changed':
      return `State changed: ${String(event.key ?? '')}`;
    case 'session_ended':
      return 'Session ended';
    default:
      return event.type;
  }
}
