// Who is signed in, with what, and keeping that credential fresh (docs/dashboard.md, "Signing in").
// Tokens live in memory and in sessionStorage (so a reload in the same tab stays signed in); never in a URL or
// localStorage.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { gateway, ErrorCodes, RpcError, type ConnectResult } from '../api/gateway';

const StorageKey = 'openclaw.auth';

interface Saved {
  kind: 'gateway' | 'user';
  token: string;
  refreshToken?: string;
  expiresAt?: string;
}

interface LoginResult {
  accessToken: string;
  refreshToken: string;
  expiresAt: string;
  user: { id: string; username: string; role: string };
}

/** The sign-in state. */
export const useAuthStore = defineStore('auth', () => {
  const saved = ref<Saved | null>(null);
  const identity = ref<ConnectResult | null>(null);
  /** Shown on the sign-in page after being sent back there (expired session, refused token). */
  const notice = ref<string | null>(null);
  let refreshTimer: ReturnType<typeof setTimeout> | null = null;
  let refreshing: Promise<boolean> | null = null;
  let epoch = 0; // bumped by every sign-out or expiry
  let onSignedOut: (() => void) | null = null;

  const signedIn = computed(() => saved.value !== null);
  const role = computed(() => identity.value?.role ?? null);
  const username = computed(() => identity.value?.user?.username ?? (saved.value?.kind === 'gateway' ? 'gateway token' : null));
  const isAdmin = computed(() => role.value === 'admin');

  function persist(value: Saved | null): void {
    saved.value = value;
    try {
      if (value) sessionStorage.setItem(StorageKey, JSON.stringify(value));
      else sessionStorage.removeItem(StorageKey);
    } catch {
      // Storage may be unavailable (private mode); memory still holds the credential for this page.
    }
  }

  function scheduleRefresh(): void {
    if (refreshTimer) clearTimeout(refreshTimer);
    refreshTimer = null;
    const s = saved.value;
    if (!s || s.kind !== 'user' || !s.expiresAt) return;
    const remaining = Date.parse(s.expiresAt) - Date.now();
    // Refresh a minute before expiry (or at half the lifetime for short ones); at once when already due.
    const lead = Math.min(60_000, Math.max(remaining / 2, 0));
    refreshTimer = setTimeout(() => void refresh(), Math.max(0, remaining - lead));
  }

  /** Signs in with the gateway token (acts as admin). Rejects with an RpcError the sign-in view shows. */
  async function signInWithToken(token: string): Promise<void> {
    notice.value = null;
    try {
      identity.value = await gateway.open(token);
    } catch (error) {
      gateway.close();
      throw error;
    }
    persist({ kind: 'gateway', token });
  }

  /** Signs in with a username and password via `auth.login`. */
  async function signInWithPassword(username: string, password: string): Promise<void> {
    notice.value = null;
    try {
      await gateway.open(null);
      const login = await gateway.call<LoginResult>('auth.login', { username, password });
      identity.value = await gateway.open(login.accessToken);
      persist({ kind: 'user', token: login.accessToken, refreshToken: login.refreshToken, expiresAt: login.expiresAt });
      scheduleRefresh();
    } catch (error) {
      gateway.close();
      throw error;
    }
  }

  /** Trades the refresh token for a new pair, silently. False (and signed out with a notice) when that fails. */
  function refresh(): Promise<boolean> {
    if (refreshing) return refreshing;
    refreshing = (async () => {
      // A sign-out (or expiry) while this refresh waits must win: its result is then dropped, not saved.
      const started = epoch;
      const s = saved.value;
      if (!s || s.kind !== 'user' || !s.refreshToken) {
        expire('Your session has ended. Please sign in again.');
        return false;
      }
      try {
        // The socket's own credential may be the expired one; auth.refresh needs none, so fall back to a bare socket.
        await gateway.ensureConnected().catch(() => gateway.open(null));
        const next = await gateway.call<LoginResult>('auth.refresh', { refreshToken: s.refreshToken });
        if (epoch !== started) return false;
        persist({ kind: 'user', token: next.accessToken, refreshToken: next.refreshToken, expiresAt: next.expiresAt });
        const opened = await gateway.open(next.accessToken);
        if (epoch !== started) return false;
        identity.value = opened;
        scheduleRefresh();
        return true;
      } catch (error) {
        if (epoch !== started) return false;
        if (error instanceof RpcError && error.code === ErrorCodes.Unauthenticated) {
          // The refresh token itself was refused (expired, spent or revoked): only this ends the sign-in.
          expire('Your session has expired. Please sign in again.');
          return false;
        }
        // Offline, rate limited or a server error: keep the sign-in and try again (after the wait the gateway asks).
        const retryAfter = error instanceof RpcError && error.code === ErrorCodes.RateLimited
          ? Number((error.data as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds) || 5
          : 5;
        refreshTimer = setTimeout(() => void refresh(), retryAfter * 1000);
        return false;
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  }

  /** Restores a sign-in from sessionStorage after a reload; false when there is none. */
  function restore(): boolean {
    let value: Saved | null = null;
    try {
      const raw = sessionStorage.getItem(StorageKey);
      value = raw ? (JSON.parse(raw) as Saved) : null;
    } catch {
      value = null;
    }
    if (!value || typeof value.token !== 'string') return false;
    saved.value = value;
    if (value.kind === 'user' && value.expiresAt && Date.parse(value.expiresAt) <= Date.now()) {
      void refresh();
      return true;
    }
    gateway
      .open(value.token)
      .then((result) => {
        identity.value = result;
      })
      .catch((error) => {
        if (error instanceof RpcError && error.code === ErrorCodes.Unauthenticated) {
          if (value!.kind === 'user') void refresh();
          else expire('The gateway token was not accepted. Please sign in again.');
        }
      });
    scheduleRefresh();
    return true;
  }

  /** Ends the sign-in (revoking the refresh token when there is one) and returns to the sign-in page. */
  async function signOut(): Promise<void> {
    const s = saved.value;
    if (s?.kind === 'user' && s.refreshToken) {
      await gateway.call('auth.logout', { refreshToken: s.refreshToken }).catch(() => undefined);
    }
    expire(null);
  }

  function expire(message: string | null): void {
    epoch++;
    if (refreshTimer) clearTimeout(refreshTimer);
    refreshTimer = null;
    persist(null);
    identity.value = null;
    gateway.close();
    notice.value = message;
    onSignedOut?.();
  }

  /** The router registers where to go when signed out. */
  function whenSignedOut(handler: () => void): void {
    onSignedOut = handler;
  }

  gateway.onAuthLost(() => {
    // Only a refused credential (-32001) gets here; a rate limit or server error is retried by the client itself.
    if (saved.value?.kind === 'user') void refresh();
    else expire('The gateway token is no longer accepted. Please sign in again.');
  });

  return {
    signedIn,
    identity,
    role,
    username,
    isAdmin,
    notice,
    signInWithToken,
    signInWithPassword,
    refresh,
    restore,
    signOut,
    whenSignedOut,
  };
});
