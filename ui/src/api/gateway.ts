// The one WebSocket JSON-RPC 2.0 client every view shares (docs/dashboard.md, "The gateway client").
//
//   import { gateway, RpcError } from '@/api/gateway'  (relative paths in this project)
//   const status = await gateway.call<SystemStatus>('system.status')
//   const off = gateway.onNotification('event', (params) => { ... }); onUnmounted(off)
//   gateway.state.value === 'open'
//
// The socket is opened once, at sign-in or on reload. After every (re)connect the client sends `connect {token}`
// first, then re-issues `events.subscribe` for the topics asked for, and only then lets calls through.
import { ref, readonly, type Ref } from 'vue';

/** The socket's state as a view should show it. */
export type ConnectionState = 'connecting' | 'open' | 'closed';

/** A JSON-RPC error from the gateway, or one the client raises for a dropped or unreachable connection. */
export class RpcError extends Error {
  readonly code: number;
  readonly data: unknown;

  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.name = 'RpcError';
    this.code = code;
    this.data = data;
  }
}

/** Codes the gateway uses (shared/docs/PROTOCOL.md, "Errors"), plus the client's own negative-thousands ones. */
export const ErrorCodes = {
  InvalidParams: -32602,
  Unauthenticated: -32001,
  Forbidden: -32002,
  NotFound: -32003,
  RateLimited: -32004,
  Conflict: -32005,
  ProviderFailure: -32010,
  ApprovalDenied: -32012,
  /** The socket dropped while the call was in flight; the call may or may not have run. */
  ConnectionLost: -1001,
  /** The gateway could not be reached within the call's wait. */
  Unreachable: -1002,
  /** The client was closed (signed out). */
  Closed: -1003,
} as const;

/** What `connect` answers. */
export interface ConnectResult {
  role: 'viewer' | 'operator' | 'admin';
  user?: { id: string; username: string; role: string } | null;
  serverVersion: string;
}

type NotificationHandler = (params: any) => void;

interface Pending {
  resolve: (value: any) => void;
  reject: (error: RpcError) => void;
  method: string;
}

interface Waiter {
  resolve: () => void;
  reject: (error: RpcError) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** Options mostly for tests; the defaults fit the dashboard. */
export interface GatewayOptions {
  url?: string;
  /** How long a call waits for the connection before failing with Unreachable. */
  readyTimeoutMs?: number;
  /** Reconnect backoff: first delay, cap. */
  backoffMs?: [number, number];
}

function defaultUrl(): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws`;
}

/** The WebSocket JSON-RPC client. Use the shared `gateway` instance below. */
export class GatewayClient {
  private readonly _state = ref<ConnectionState>('closed');
  /** The connection's state, reactive. 'open' means connected and authenticated (when a token was given). */
  readonly state: Readonly<Ref<ConnectionState>> = readonly(this._state);
  /** Set once the first connection of this sign-in is up; false again after `close()`. */
  readonly everConnected = ref(false);
  /** Reconnect attempts since the last time the socket was open. */
  readonly attempts = ref(0);
  /** What the last `connect` answered. */
  readonly identity = ref<ConnectResult | null>(null);

  private readonly _options: Required<GatewayOptions>;
  private _socket: WebSocket | null = null;
  private _token: string | null = null;
  private _wanted = false;
  private _nextId = 1;
  private _pending = new Map<number, Pending>();
  private _waiters: Waiter[] = [];
  private _handlers = new Map<string, Set<NotificationHandler>>();
  private _topics = new Set<string>();
  private _retryTimer: ReturnType<typeof setTimeout> | null = null;
  private _authLost: ((error: RpcError) => void) | null = null;
  private _generation = 0;

  constructor(options: GatewayOptions = {}) {
    this._options = {
      url: options.url ?? '',
      readyTimeoutMs: options.readyTimeoutMs ?? 8000,
      backoffMs: options.backoffMs ?? [500, 10000],
    };
  }

  /**
   * Opens the connection (if not open) with this token (null: unauthenticated, for `auth.login`), sends
   * `connect {token}` and resolves with its answer. Rejects with the gateway's error (e.g. -32001 wrong token).
   */
  async open(token: string | null): Promise<ConnectResult | null> {
    const changed = token !== this._token;
    this._token = token;
    this._wanted = true;
    if (this._socket && this._state.value === 'open' && changed && token) {
      // Same socket, new credential (sign-in after auth.login, or a refreshed access token).
      const result = await this.rawCall<ConnectResult>('connect', { token });
      this.identity.value = result;
      // A socket opened without a credential (for auth.refresh) could not subscribe: do it now that it may.
      if (this._topics.size > 0) await this.rawCall('events.subscribe', { topics: [...this._topics] });
      return result;
    }
    if (!this._socket) this.dial();
    await this.waitOpen();
    return this.identity.value;
  }

  /**
   * Makes sure a connection is up or coming, without changing its credential: when none is wanted, opens one without
   * a token (enough for the [none] methods, e.g. `auth.refresh`); otherwise waits for the current one.
   */
  async ensureConnected(): Promise<void> {
    if (!this._wanted) {
      await this.open(null);
      return;
    }
    if (!this._socket && !this._retryTimer) this.dial();
    await this.waitOpen();
  }

  /** Closes the socket for good (sign-out): pending calls fail, no reconnect, subscriptions forgotten. */
  close(): void {
    this._wanted = false;
    this._token = null;
    this._topics.clear();
    this.identity.value = null;
    this.everConnected.value = false;
    if (this._retryTimer) clearTimeout(this._retryTimer);
    this._retryTimer = null;
    const socket = this._socket;
    this._socket = null;
    this._generation++;
    if (socket) socket.close(1000, 'signed out');
    this.failAll(new RpcError(ErrorCodes.Closed, 'Signed out.'));
    this._state.value = 'closed';
  }

  /** Called when the gateway refuses the credential (expired, revoked): the auth store refreshes or signs out. */
  onAuthLost(handler: (error: RpcError) => void): void {
    this._authLost = handler;
  }

  /**
   * Calls a method and resolves with its result. Waits for the connection while it is (re)connecting, up to
   * `readyTimeoutMs`; rejects with an RpcError (the gateway's, or ConnectionLost/Unreachable/Closed).
   */
  async call<T = unknown>(method: string, params?: Record<string, unknown>): Promise<T> {
    await this.waitOpen();
    try {
      return await this.rawCall<T>(method, params);
    } catch (error) {
      if (error instanceof RpcError && error.code === ErrorCodes.Unauthenticated && this._token) {
        this._authLost?.(error);
      }
      throw error;
    }
  }

  /** Registers a handler for a server notification (`event`, `chat.event`, …). Returns the unsubscribe function. */
  onNotification(method: string, handler: NotificationHandler): () => void {
    let set = this._handlers.get(method);
    if (!set) this._handlers.set(method, (set = new Set()));
    set.add(handler);
    return () => {
      set!.delete(handler);
    };
  }

  /**
   * Subscribes to event topics (`sessions`, `chat`, `channels`, `system`); kept across reconnects. Events arrive as
   * `event` notifications: use onNotification('event', …).
   */
  async subscribe(topics: string[]): Promise<void> {
    const fresh = topics.filter((t) => !this._topics.has(t));
    fresh.forEach((t) => this._topics.add(t));
    if (fresh.length > 0 && this._state.value === 'open') {
      await this.rawCall('events.subscribe', { topics: [...this._topics] });
    }
  }

  private dial(): void {
    const generation = ++this._generation;
    this._state.value = 'connecting';
    let socket: WebSocket;
    try {
      socket = new WebSocket(this._options.url || defaultUrl());
    } catch {
      this.scheduleReconnect();
      return;
    }
    this._socket = socket;
    socket.onopen = () => {
      if (generation !== this._generation) return;
      void this.handshake(generation);
    };
    socket.onmessage = (message) => {
      if (generation !== this._generation) return;
      this.receive(message.data);
    };
    socket.onclose = () => {
      if (generation !== this._generation) return;
      this._socket = null;
      this.failAll(new RpcError(ErrorCodes.ConnectionLost, 'The connection to the gateway was lost before the answer came.'));
      if (this._wanted) this.scheduleReconnect();
      else this._state.value = 'closed';
    };
  }

  private async handshake(generation: number): Promise<void> {
    try {
      if (this._token) {
        this.identity.value = await this.rawCall<ConnectResult>('connect', { token: this._token });
      }
      // Only with a credential: events.subscribe needs one, and a refused call would count as a failed sign-in.
      if (this._token && this._topics.size > 0) {
        await this.rawCall('events.subscribe', { topics: [...this._topics] });
      }
    } catch (error) {
      if (generation !== this._generation) return;
      const rpcError = error instanceof RpcError ? error : new RpcError(ErrorCodes.ConnectionLost, String(error));
      if (rpcError.code === ErrorCodes.ConnectionLost) return; // onclose reconnects
      if (rpcError.code !== ErrorCodes.Unauthenticated && this.everConnected.value) {
        // Not a verdict on the credential (rate limited, a server error): keep it, drop this socket, try again later.
        this.rejectWaiters(rpcError);
        const socket = this._socket;
        this._socket = null;
        this._generation++;
        socket?.close(1000, 'retrying later');
        const retryAfter = (rpcError.data as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
        this.scheduleReconnect(rpcError.code === ErrorCodes.RateLimited ? (Number(retryAfter) || 5) * 1000 : 0);
        return;
      }
      // The credential was refused (or rate limited): stop here; the waiting caller or the auth store decides.
      this._wanted = false;
      this.rejectWaiters(rpcError);
      const socket = this._socket;
      this._socket = null;
      this._generation++;
      socket?.close(1000, 'connect refused');
      this._state.value = 'closed';
      if (this.everConnected.value) this._authLost?.(rpcError);
      return;
    }
    if (generation !== this._generation) return;
    this.attempts.value = 0;
    this.everConnected.value = true;
    this._state.value = 'open';
    const waiters = this._waiters;
    this._waiters = [];
    waiters.forEach((w) => {
      clearTimeout(w.timer);
      w.resolve();
    });
  }

  private scheduleReconnect(atLeastMs = 0): void {
    this._state.value = 'connecting';
    const [first, cap] = this._options.backoffMs;
    const delay = Math.max(atLeastMs, Math.min(cap, first * 2 ** Math.min(this.attempts.value, 8)));
    const jitter = delay * 0.2 * Math.random();
    this.attempts.value++;
    if (this._retryTimer) clearTimeout(this._retryTimer);
    this._retryTimer = setTimeout(() => {
      this._retryTimer = null;
      if (this._wanted && !this._socket) this.dial();
    }, delay + jitter);
  }

  private waitOpen(): Promise<void> {
    if (this._state.value === 'open' && this._socket) return Promise.resolve();
    if (!this._wanted) return Promise.reject(new RpcError(ErrorCodes.Closed, 'Not connected to the gateway.'));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this._waiters = this._waiters.filter((w) => w !== waiter);
          reject(new RpcError(ErrorCodes.Unreachable, 'The gateway cannot be reached. Is it running?'));
        }, this._options.readyTimeoutMs),
      };
      this._waiters.push(waiter);
    });
  }

  private rawCall<T>(method: string, params?: Record<string, unknown>): Promise<T> {
    const socket = this._socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      return Promise.reject(new RpcError(ErrorCodes.ConnectionLost, 'Not connected to the gateway.'));
    }
    const id = this._nextId++;
    return new Promise<T>((resolve, reject) => {
      this._pending.set(id, { resolve, reject, method });
      socket.send(JSON.stringify({ jsonrpc: '2.0', id, method, params: params ?? {} }));
    });
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let message: any;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    const messages = Array.isArray(message) ? message : [message];
    for (const m of messages) {
      if (m && typeof m === 'object' && 'id' in m && m.id !== null && !('method' in m)) {
        const pending = this._pending.get(m.id);
        if (!pending) continue;
        this._pending.delete(m.id);
        if (m.error) pending.reject(new RpcError(m.error.code, m.error.message, m.error.data));
        else pending.resolve(m.result);
      } else if (m && typeof m.method === 'string') {
        this._handlers.get(m.method)?.forEach((handler) => {
          try {
            handler(m.params);
          } catch (error) {
            console.error(`notification handler for ${m.method} failed`, error);
          }
        });
      }
    }
  }

  private failAll(error: RpcError): void {
    const pending = this._pending;
    this._pending = new Map();
    pending.forEach((p) => p.reject(error));
    if (!this._wanted) this.rejectWaiters(error);
  }

  private rejectWaiters(error: RpcError): void {
    const waiters = this._waiters;
    this._waiters = [];
    waiters.forEach((w) => {
      clearTimeout(w.timer);
      w.reject(error);
    });
  }
}

/** The dashboard's one connection. */
export const gateway = new GatewayClient();

/** A message for a user from any error a call can reject with. */
export function errorMessage(error: unknown): string {
  if (error instanceof RpcError) {
    if (error.code === ErrorCodes.RateLimited) {
      const seconds = (error.data as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
      return seconds ? `Too many attempts. Try again in ${seconds} s.` : 'Too many attempts. Try again shortly.';
    }
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
