// Export of a session, built in the browser from its events and handed over as a Blob URL download (never a URL
// with a credential in it: the data came over the signed-in WebSocket).
import { gateway } from '../../api/gateway';
import { jsonText } from './format';
import type { SessionEvent } from './types';

const PageSize = 1000;

/** Every event of a session, in seq order, read page by page. */
export async function fetchAllEvents(sessionKey: string): Promise<SessionEvent[]> {
  const all: SessionEvent[] = [];
  let afterSeq = 0;
  for (;;) {
    const page = await gateway.call<{ events: SessionEvent[] }>('sessions.events', { sessionKey, afterSeq, limit: PageSize });
    all.push(...page.events);
    if (page.events.length < PageSize) return all;
    afterSeq = page.events[page.events.length - 1].seq;
  }
}

/** One event per line, exactly as the gateway returned it. */
export function toJsonl(events: SessionEvent[]): string {
  return events.map((e) => JSON.stringify(e)).join('\n') + (events.length > 0 ? '\n' : '');
}

/** A code fence longer than any run of backticks inside the text. */
function fenced(text: string, language = ''): string {
  const longest = Math.max(2, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${text}\n${fence}`;
}

/** Quotes text as a Markdown block quote, line by line, so its own Markdown cannot reshape the document. */
function quoted(text: string): string {
  return text
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
}

/** A readable Markdown transcript: the messages, tool calls and results, state changes and the end. */
export function toMarkdown(sessionKey: string, events: SessionEvent[]): string {
  const lines: string[] = [`# Session ${sessionKey}`, ''];
  for (const e of events) {
    const at = `seq ${e.seq} · ${e.timestamp}`;
    switch (e.type) {
      case 'session_started': {
        const fork = e.forkedFrom as { sessionKey?: string; atSeq?: number } | undefined;
        lines.push(`_Session started on ${String(e.channel ?? '')} for ${String(e.peerId ?? '')} (${at})_`);
        if (fork?.sessionKey) lines.push('', `_Forked from ${fork.sessionKey} at seq ${fork.atSeq ?? '?'}_`);
        break;
      }
      case 'message_received':
        lines.push(`## User${e.senderName ? ` (${String(e.senderName)})` : ''} · ${at}`, '', quoted(String(e.text ?? '')));
        break;
      case 'agent_response':
        lines.push(`## Assistant${e.model ? ` (${String(e.model)})` : ''} · ${at}`, '', quoted(String(e.text ?? '')));
        break;
      case 'message_sent':
        lines.push(`## Sent · ${at}`, '', quoted(String(e.text ?? '')));
        break;
      case 'tool_called':
        lines.push(`### Tool call: ${String(e.tool ?? '?')} · ${at}`, '', fenced(jsonText(e.params ?? {}), 'json'));
        break;
      case 'tool_result':
        lines.push(
          `### Tool result (${e.success === false ? 'failed' : 'succeeded'}) · ${at}`,
          '',
          fenced(e.error ? String(e.error) : jsonText(e.result ?? null)),
        );
        break;
      case 'state_changed':
        lines.push(`- State \`${String(e.key ?? '')}\` = \`${JSON.stringify(e.value ?? null).replace(/`/g, "'")}\` (${at})`);
        break;
      case 'session_ended':
        lines.push(`_Session ended${e.reason ? `: ${String(e.reason)}` : ''} (${at})_`);
        break;
      default:
        lines.push(`- ${e.type} (${at})`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** A file name from a session key (its colons and other odd characters become dashes). */
export function exportName(sessionKey: string, extension: string): string {
  return `session-${sessionKey.replace(/[^A-Za-z0-9._@+-]+/g, '-')}.${extension}`;
}

/** Offers text as a download through a Blob URL, revoked once the click has been handled. */
export function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}
