// What the chat view shows: one conversation as a flat list of entries, in the order things happened.

/** A message the person sent (always shown as text). */
export interface UserEntry {
  kind: 'user';
  id: string;
  text: string;
}

/** How a run's reply ended, when it did not end normally. */
export type ReplyStatus = 'streaming' | 'done' | 'stopped' | 'failed' | 'lost';

/** A stretch of the model's reply (Markdown), between tool calls. */
export interface AssistantEntry {
  kind: 'assistant';
  id: string;
  runId: string | null;
  text: string;
  status: ReplyStatus;
}

/** An approval the run waits for, shown inside its tool card. */
export interface ApprovalState {
  approvalId: string;
  decision: 'allow' | 'deny' | null;
  busy: boolean;
  error: string | null;
}

/** One tool call with its parameters and (once it finished) its result. */
export interface ToolEntry {
  kind: 'tool';
  id: string;
  runId: string | null;
  toolCallId: string;
  tool: string;
  params: unknown;
  /** null while running. */
  success: boolean | null;
  result: unknown;
  error: string | null;
  approval: ApprovalState | null;
}

/** Something that went wrong (a provider failure, a busy session, a dropped connection), or a plain notice. */
export interface NoticeEntry {
  kind: 'notice';
  id: string;
  tone: 'error' | 'info';
  text: string;
  /** Offer to reload the conversation from the gateway's log. */
  reload?: boolean;
}

/** Any entry of the conversation. */
export type ChatEntry = UserEntry | AssistantEntry | ToolEntry | NoticeEntry;

/** One agent as `agents.list` describes it (only what the view uses). */
export interface AgentSummary {
  id: string;
  model?: string;
  provider?: string;
}

/** One session as `sessions.list` describes it (only what the view uses). */
export interface SessionSummary {
  sessionKey: string;
  agentId?: string;
  channel?: string;
  state?: 'active' | 'ended';
  title?: string | null;
  lastActivity?: string;
  messageCount?: number;
}

/** Pretty JSON for showing parameters and results as text. */
export function prettyJson(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value, null, 2);
  } catch {
    return String(value);
  }
}
