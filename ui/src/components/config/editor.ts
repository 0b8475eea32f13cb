// The config editor's state, shared by the view, the "set a key" form and every node of the tree (provide/inject).
import { computed, reactive, type InjectionKey } from 'vue';
import { gateway, ErrorCodes, RpcError, errorMessage } from '../../api/gateway';
import { Mask, isWithin, normalizePath, parsePath, restartKeysFor } from './paths';

/** How the typed text is read. */
export type ValueKind = 'string' | 'number' | 'boolean' | 'null' | 'json';

/** A value being edited. */
export interface Draft {
  /** The key path as typed (the form) or as the tree names it. */
  path: string;
  kind: ValueKind;
  text: string;
  /** The edit started from the tree (else from the "set a key" form). */
  fromTree: boolean;
  /** The field holds a secret: only a reference (cred:NAME, ${ENV}) is accepted. */
  secret: boolean;
}

/** One validation error: where (a key path, '' for the whole edit) and what. */
export interface FieldError {
  path: string;
  message: string;
  /** For JSON text: the line the problem is on. */
  line?: number;
}

/** What the last successful save did. */
export interface SaveOutcome {
  path: string;
  changed: boolean;
  value: unknown;
  restartKeys: string[];
}

/** The kind a value is edited as by default. */
export function kindOf(value: unknown): ValueKind {
  if (value === null) return 'null';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  return 'json';
}

/** Text for the editor's input from a value. */
export function textOf(value: unknown, kind: ValueKind): string {
  if (kind === 'string') return typeof value === 'string' && value !== Mask ? value : '';
  if (kind === 'null') return '';
  if (kind === 'boolean') return value === false ? 'false' : 'true';
  if (kind === 'number') return typeof value === 'number' ? String(value) : '';
  return value === undefined ? '' : JSON.stringify(value, null, 2);
}

/** The line (1-based) of a character offset in text. */
function lineAt(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

/**
 * The line of JSON text where the value at `relative` (segments under the edited key) starts: each key is looked for
 * after the line the previous one was found on. Undefined when it cannot be told.
 */
export function lineOfPath(text: string, relative: Array<string | number>): number | undefined {
  const lines = text.split('\n');
  let from = 0;
  let found: number | undefined;
  for (const segment of relative) {
    if (typeof segment === 'number') continue;
    const key = JSON.stringify(segment);
    let hit = -1;
    for (let i = from; i < lines.length; i++) {
      const at = lines[i].indexOf(key);
      if (at >= 0 && /^\s*:/.test(lines[i].slice(at + key.length))) {
        hit = i;
        break;
      }
    }
    if (hit < 0) return found;
    found = hit + 1;
    from = hit;
  }
  return found;
}

/** Reads the draft's text as a JSON value, or says (at the field) why it cannot be. */
export function parseDraft(draft: Draft): { value: unknown } | { error: FieldError } {
  const at = (message: string, line?: number): { error: FieldError } => ({ error: { path: normalizePath(draft.path), message, line } });
  switch (draft.kind) {
    case 'string':
      if (draft.secret && !draft.text.startsWith('cred:') && !draft.text.includes('${')) {
        return at('A secret is not typed here: store it with `openclaw credentials set NAME` and enter "cred:NAME" (or "${ENV_NAME}").');
      }
      return { value: draft.text };
    case 'number': {
      const trimmed = draft.text.trim();
      const n = Number(trimmed);
      if (!trimmed || !Number.isFinite(n)) return at('Enter a number.');
      return { value: n };
    }
    case 'boolean':
      return { value: draft.text === 'true' };
    case 'null':
      return { value: null };
    case 'json':
      try {
        return { value: JSON.parse(draft.text) };
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        const line = /line (\d+)/.exec(message)?.[1];
        const position = /position (\d+)/.exec(message)?.[1];
        const lineNo = line ? Number(line) : position ? lineAt(draft.text, Number(position)) : undefined;
        return at(`Not valid JSON: ${message}`, lineNo);
      }
  }
}

/** The editor's state and actions. */
export function createEditor(options: { canEdit: () => boolean; saved: (outcome: SaveOutcome) => Promise<void> | void }) {
  const state = reactive({
    draft: null as Draft | null,
    saving: false,
    errors: [] as FieldError[],
    /** A failure that is not about a field (connection lost, not allowed). */
    failure: null as string | null,
  });

  const editingPath = computed(() => (state.draft ? normalizePath(state.draft.path) : null));

  function start(path: string, value: unknown, fromTree: boolean, secret = false): void {
    const kind = secret ? 'string' : kindOf(value);
    state.draft = { path, kind, text: secret ? '' : textOf(value, kind), fromTree, secret };
    state.errors = [];
    state.failure = null;
  }

  function cancel(): void {
    state.draft = null;
    state.errors = [];
    state.failure = null;
  }

  /** Errors that belong at the field being edited: at its path, under it, or above it (a parent). */
  const draftErrors = computed(() => {
    const p = editingPath.value;
    if (p === null) return [];
    return state.errors.filter((e) => e.path === '' || isWithin(e.path, p) || isWithin(p, e.path));
  });

  /** Errors at some other key (shown at that key in the tree when it is there). */
  const otherErrors = computed(() => state.errors.filter((e) => !draftErrors.value.includes(e)));

  async function save(): Promise<void> {
    const draft = state.draft;
    if (!draft || state.saving || !options.canEdit()) return;
    state.errors = [];
    state.failure = null;
    const path = draft.path.trim();
    if (!path) {
      state.errors = [{ path: '', message: 'Enter the key path, e.g. gateway.limits.maxConcurrentRuns.' }];
      return;
    }
    const parsed = parseDraft(draft);
    if ('error' in parsed) {
      state.errors = [parsed.error];
      return;
    }
    state.saving = true;
    try {
      const result = await gateway.call<{ changed: boolean; value: unknown }>('config.set', { path, value: parsed.value as never });
      const outcome: SaveOutcome = { path: normalizePath(path), changed: result.changed, value: result.value, restartKeys: result.changed ? restartKeysFor(path) : [] };
      state.draft = null;
      await options.saved(outcome);
    } catch (e) {
      if (e instanceof RpcError && e.code === ErrorCodes.InvalidParams) {
        const data = (e.data ?? {}) as { field?: string; errors?: Array<{ path?: string; message?: string }> };
        if (Array.isArray(data.errors) && data.errors.length > 0) {
          const base = parsePath(path)?.length ?? 0;
          state.errors = data.errors.map((x) => {
            const errorPath = normalizePath(String(x.path ?? ''));
            const error: FieldError = { path: errorPath, message: String(x.message ?? '') };
            // In a JSON value, point at the line the key is on.
            const segments = parsePath(errorPath);
            if (draft.kind === 'json' && segments && isWithin(errorPath, normalizePath(path)) && segments.length > base) {
              error.line = lineOfPath(draft.text, segments.slice(base));
            }
            return error;
          });
        } else {
          // The gateway refused the params themselves (a malformed path, a literal secret): that is this field too.
          state.errors = [{ path: '', message: e.message.replace(/^Invalid params: /, '') }];
        }
      } else {
        state.failure = errorMessage(e);
      }
    } finally {
      state.saving = false;
    }
  }

  return { state, editingPath, draftErrors, otherErrors, start, cancel, save, canEdit: options.canEdit };
}

/** The editor as the tree and the form see it. */
export type ConfigEditor = ReturnType<typeof createEditor>;

/** Where the view provides the editor. */
export const EditorKey: InjectionKey<ConfigEditor> = Symbol('config-editor');
