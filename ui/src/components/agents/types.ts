/** One agent as agents.list and agents.get describe it (never a key). */
export interface AgentInfo {
  id: string;
  model: string;
  provider: string;
  fallbacks?: string[];
  systemPrompt?: string;
  maxTokens?: number;
  temperature?: number;
  maxTurns?: number;
  turnTimeoutSeconds?: number;
  contextTokens?: number;
  workspace?: string;
  tools?: { allow?: string[]; deny?: string[]; approval?: string; webFetch?: boolean; available?: string[] };
  sandbox?: { level?: string; timeoutSeconds?: number; cpuSeconds?: number; memoryMb?: number; maxProcesses?: number; maxOutputBytes?: number };
}
