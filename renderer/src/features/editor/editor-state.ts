import {
  newAuthDraft,
  newForwardDraft,
  newJumpDraft,
  LOOPBACK_ADDRESS,
  placesOf,
  type AuthDraft,
  type AuthType,
  type EditorIssue,
  type ForwardDraft,
  type JumpDraft,
  type ProfileDraft,
} from './editor-model';

/**
 * The editor's one state object and its reducer: the draft plus what the form shows about it
 * (touched fields, a save attempt, the save in flight, errors main reported, open cards).
 */
export interface EditorState {
  draft: ProfileDraft;
  /** Field keys the user has changed or left: their errors show before any save attempt. */
  touched: ReadonlySet<string>;
  /** Counts save attempts stopped by errors (each one moves focus to the list of problems). */
  attempts: number;
  saving: boolean;
  /** What main said when a save failed. */
  saveError: string | null;
  serverIssues: readonly EditorIssue[];
  /** Forward cards shown open, by forward id. */
  expanded: ReadonlySet<string>;
  advancedOpen: boolean;
}

/** Draft fields holding one value (not lists). */
export type ScalarField = {
  [K in keyof ProfileDraft]: ProfileDraft[K] extends string | boolean ? K : never;
}[keyof ProfileDraft] &
  Exclude<keyof ProfileDraft, 'id'>;

export type EditorAction =
  | { type: 'edit'; field: ScalarField; value: string | boolean; key: string }
  | { type: 'touch'; key: string }
  | { type: 'auth-add'; method: AuthType }
  | {
      type: 'auth-edit';
      itemKey: string;
      patch: Partial<Pick<AuthDraft, 'path' | 'socket'>>;
      key: string;
    }
  | { type: 'auth-remove'; itemKey: string }
  | { type: 'auth-move'; itemKey: string; by: -1 | 1 }
  | { type: 'jump-add'; mode: JumpDraft['mode'] }
  | {
      type: 'jump-edit';
      itemKey: string;
      patch: Partial<Omit<JumpDraft, 'key' | 'auth'>>;
      key: string;
    }
  | { type: 'jump-remove'; itemKey: string }
  | { type: 'jump-move'; itemKey: string; by: -1 | 1 }
  | { type: 'forward-add'; forward?: ForwardDraft }
  | { type: 'forward-edit'; id: string; patch: Partial<Omit<ForwardDraft, 'id'>>; key: string }
  | { type: 'forward-remove'; id: string }
  | { type: 'forward-expand'; id: string; expanded: boolean }
  | { type: 'advanced'; open: boolean }
  | { type: 'invalid-save'; issues: readonly EditorIssue[] }
  | { type: 'saving' }
  | { type: 'save-failed'; message: string; issues: readonly EditorIssue[] };

export function createEditorState(
  draft: ProfileDraft,
  options: { expand?: readonly string[] } = {},
): EditorState {
  return {
    draft,
    touched: new Set(),
    attempts: 0,
    saving: false,
    saveError: null,
    serverIssues: [],
    expanded: new Set(options.expand ?? []),
    advancedOpen: false,
  };
}

function move<T>(list: readonly T[], index: number, by: -1 | 1): T[] {
  const to = index + by;
  if (index < 0 || to < 0 || to >= list.length) return [...list];
  const out = [...list];
  [out[index], out[to]] = [out[to] as T, out[index] as T];
  return out;
}

/** A change to a field: it counts as touched, and what main said about it is out of date. */
function changed(state: EditorState, key: string, draft: ProfileDraft): EditorState {
  const touched = state.touched.has(key) ? state.touched : new Set([...state.touched, key]);
  const serverIssues = state.serverIssues.some((i) => i.key === key)
    ? state.serverIssues.filter((i) => i.key !== key)
    : state.serverIssues;
  return { ...state, draft, touched, serverIssues };
}

/** A forward changing type keeps what it can; an incoming one's target defaults to here. */
function editForward(
  forward: ForwardDraft,
  patch: Partial<Omit<ForwardDraft, 'id'>>,
): ForwardDraft {
  const next = { ...forward, ...patch };
  if (patch.type === 'remote' && !next.targetHost.trim()) next.targetHost = LOOPBACK_ADDRESS;
  return next;
}

/** Opens the forward cards and the advanced section that hold these issues' fields. */
function revealed(state: EditorState, issues: readonly EditorIssue[]): EditorState {
  const { forwards, advanced } = placesOf(issues);
  return {
    ...state,
    expanded: forwards.length ? new Set([...state.expanded, ...forwards]) : state.expanded,
    advancedOpen: state.advancedOpen || advanced,
  };
}

export function editorReducer(state: EditorState, action: EditorAction): EditorState {
  const { draft } = state;
  switch (action.type) {
    case 'edit':
      return changed(state, action.key, { ...draft, [action.field]: action.value });
    case 'touch':
      return state.touched.has(action.key)
        ? state
        : { ...state, touched: new Set([...state.touched, action.key]) };

    case 'auth-add':
      return { ...state, draft: { ...draft, auth: [...draft.auth, newAuthDraft(action.method)] } };
    case 'auth-edit':
      return changed(state, action.key, {
        ...draft,
        auth: draft.auth.map((a) => (a.key === action.itemKey ? { ...a, ...action.patch } : a)),
      });
    case 'auth-remove':
      return changed(state, 'auth', {
        ...draft,
        auth: draft.auth.filter((a) => a.key !== action.itemKey),
      });
    case 'auth-move':
      return {
        ...state,
        draft: {
          ...draft,
          auth: move(
            draft.auth,
            draft.auth.findIndex((a) => a.key === action.itemKey),
            action.by,
          ),
        },
      };

    case 'jump-add':
      return {
        ...state,
        draft: { ...draft, jumpHosts: [...draft.jumpHosts, newJumpDraft(action.mode)] },
      };
    case 'jump-edit':
      return changed(state, action.key, {
        ...draft,
        jumpHosts: draft.jumpHosts.map((j) =>
          j.key === action.itemKey ? { ...j, ...action.patch } : j,
        ),
      });
    case 'jump-remove':
      return changed(state, 'jumpHosts', {
        ...draft,
        jumpHosts: draft.jumpHosts.filter((j) => j.key !== action.itemKey),
      });
    case 'jump-move':
      return {
        ...state,
        draft: {
          ...draft,
          jumpHosts: move(
            draft.jumpHosts,
            draft.jumpHosts.findIndex((j) => j.key === action.itemKey),
            action.by,
          ),
        },
      };

    case 'forward-add': {
      const forward = action.forward ?? newForwardDraft(draft.forwards.map((f) => f.id));
      return {
        ...state,
        draft: { ...draft, forwards: [...draft.forwards, forward] },
        expanded: new Set([...state.expanded, forward.id]),
      };
    }
    case 'forward-edit':
      return changed(state, action.key, {
        ...draft,
        forwards: draft.forwards.map((f) =>
          f.id === action.id ? editForward(f, action.patch) : f,
        ),
      });
    case 'forward-remove': {
      const expanded = new Set(state.expanded);
      expanded.delete(action.id);
      return {
        ...changed(state, 'forwards', {
          ...draft,
          forwards: draft.forwards.filter((f) => f.id !== action.id),
        }),
        expanded,
      };
    }
    case 'forward-expand': {
      const expanded = new Set(state.expanded);
      if (action.expanded) expanded.add(action.id);
      else expanded.delete(action.id);
      return { ...state, expanded };
    }

    case 'advanced':
      return state.advancedOpen === action.open ? state : { ...state, advancedOpen: action.open };
    case 'invalid-save':
      return { ...revealed(state, action.issues), attempts: state.attempts + 1, saveError: null };
    case 'saving':
      return { ...state, saving: true, saveError: null, serverIssues: [] };
    case 'save-failed':
      return {
        ...revealed(state, action.issues),
        saving: false,
        attempts: state.attempts + 1,
        saveError: action.message,
        serverIssues: action.issues,
      };
  }
}
