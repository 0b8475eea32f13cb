// Shapes the sessions methods answer (docs/protocol.md, "Sessions"; docs/events.md, "Events").

/** Token counts of an agent response or a whole session. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
}

/** Where a forked session came from. */
export interface ForkOrigin {
  sessionKey: string;
  atSeq: number;
}

/** One row of `sessions.list` (and the `session` of a search hit). */
export interface SessionSummary {
  sessionKey: string;
  agentId: string;
  channel: string;
  peerId: string;
  state: 'active' | 'ended';
  startedAt: string;
  lastActivity: string;
  eventCount: number;
  messageCount: number;
  lastSeq: number;
  usage: TokenUsage;
  title?: string | null;
  forkedFrom?: ForkOrigin | null;
  endedReason?: string | null;
}

/** `sessions.list`. */
export interface SessionPage {
  sessions: SessionSummary[];
  nextCursor?: string | null;
}

/** One hit of `sessions.search`: the snippet marks matches with « and ». */
export interface SearchHit {
  session: SessionSummary;
  seq: number;
  snippet: string;
}

/** A stored event, flat: the envelope plus its type's fields. */
export interface SessionEvent {
  seq: number;
  eventId: string;
  sessionKey: string;
  agentId: string;
  timestamp: string;
  type: string;
  [field: string]: unknown;
}

/** One message of a projection. */
export interface ConversationMessage {
  seq: number;
  eventId: string;
  timestamp: string;
  role: 'user' | 'assistant' | 'outbound';
  text: string;
  attachments?: Array<{ id?: string; fileName?: string; mimeType?: string; sizeBytes?: number; url?: string }> | null;
  model?: string | null;
  usage?: TokenUsage | null;
  senderName?: string | null;
}

/** One tool call of a projection. */
export interface ToolCallProjection {
  toolCallId: string;
  tool?: string | null;
  params?: unknown;
  callSeq?: number | null;
  calledAt?: string | null;
  success?: boolean | null;
  result?: unknown;
  error?: string | null;
  resultSeq?: number | null;
}

/** `sessions.get`: the conversation as of the latest event, or as of `atSeq`. */
export interface SessionProjection {
  sessionKey: string;
  agentId: string;
  channel: string;
  peerId: string;
  state: 'active' | 'ended';
  startedAt?: string | null;
  forkedFrom?: ForkOrigin | null;
  endedAt?: string | null;
  endedReason?: string | null;
  lastSeq: number;
  lastActivity: string;
  messages: ConversationMessage[];
  toolCalls: ToolCallProjection[];
  stateEntries: Array<{ key: string; value?: unknown; updatedAt: string; seq: number }>;
  usage: TokenUsage;
}

/** `sessions.stats` (the parts the filters use). */
export interface SessionStats {
  total: number;
  active: number;
  ended: number;
  byChannel: Array<{ name: string; sessions: number; messages: number }>;
  byAgent: Array<{ name: string; sessions: number; messages: number }>;
}
