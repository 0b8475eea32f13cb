// Shapes of the channel and pairing methods (docs/protocol.md, "Channels and pairing").

/** One channel as `channels.list`, `channels.probe` and the `channels` topic's `status` event describe it. */
export interface ChannelStatus {
  id: string;
  enabled?: boolean;
  connected?: boolean;
  account?: string | null;
  mode?: string | null;
  error?: string | null;
}

/** A pairing code waiting for the owner. */
export interface PendingPairing {
  channel: string;
  code: string;
  senderId: string;
  senderName?: string | null;
  createdAt: string;
  expiresAt: string;
}

/** A sender approved by pairing. */
export interface PairedSender {
  channel: string;
  senderId: string;
  senderName?: string | null;
  approvedAt: string;
}

/** What `pairing.list` answers. */
export interface PairingList {
  pending: PendingPairing[];
  paired: PairedSender[];
}

/** What `pairing.approve` / `pairing.reject` answer. */
export interface PairingDecision {
  channel: string;
  senderId: string;
  senderName?: string | null;
  decision: 'approved' | 'rejected';
}

/** A channel's state in words. */
export function describeChannel(c: ChannelStatus): string {
  if (c.enabled === false) return 'Off';
  if (c.connected) return c.account ? `Connected as ${c.account}` : 'Connected';
  return c.error ? 'Not connected' : 'Connecting or not connected';
}

/** A sender as people read it: "Name (id)" or just the id. */
export function senderLabel(s: { senderId: string; senderName?: string | null }): string {
  return s.senderName ? `${s.senderName} (${s.senderId})` : s.senderId;
}
