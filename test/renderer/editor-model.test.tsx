import { describe, expect, it } from 'vitest';
import {
  describeKey,
  forwardKey,
  keyOfServerPath,
  newForwardDraft,
  newForwardId,
  newProfileDraft,
  placesOf,
  profileToDraft,
  readNumber,
  secondsText,
  sentence,
  validateDraft,
  type ProfileDraft,
} from '../../renderer/src/features/editor/editor-model';
import { createEditorState, editorReducer } from '../../renderer/src/features/editor/editor-state';
import { IdSchema, ProfileSchema, type Profile } from '../../shared/profile';

/** The editor's pure logic: draft ↔ profile, issue mapping, new forward defaults. */

const full: Profile = ProfileSchema.parse({
  id: 'full',
  name: 'Everything',
  host: 'db.example',
  port: 2222,
  username: 'deploy',
  auth: [
    { type: 'key', path: '~/.ssh/id_rsa' },
    { type: 'agent', socket: '/tmp/agent.sock' },
    { type: 'password' },
  ],
  jumpHosts: [
    { profileId: 'bastion' },
    { host: 'hop.example', port: 2200, username: 'hop', auth: [{ type: 'password' }] },
  ],
  forwards: [
    {
      id: 'a',
      type: 'local',
      name: 'db',
      bindHost: 'localhost',
      bindPort: 0,
      targetHost: '10.0.0.5',
      targetPort: 5432,
    },
    {
      id: 'b',
      type: 'remote',
      bindHost: '0.0.0.0',
      bindPort: 8080,
      targetPort: 3000,
      enabled: false,
    },
    { id: 'c', type: 'dynamic', bindHost: '192.168.1.4', bindPort: 1080 },
  ],
  keepalive: { intervalSeconds: 0, maxMissed: 5 },
  reconnect: { enabled: false, initialDelayMs: 1500, maxDelayMs: 90_000, jitter: 0.35 },
  connectTimeoutSeconds: 45,
  group: 'Work',
  tags: ['db', 'eu'],
  autoStart: true,
});

function withDraft(draft: ProfileDraft, patch: Partial<ProfileDraft>): ProfileDraft {
  return { ...draft, ...patch };
}

describe('editor model', () => {
  it('turns a profile into a draft and back without losing anything', () => {
    const draft = profileToDraft(full);
    expect(draft.forwards.map((f) => [f.bindChoice, f.bindOther])).toEqual([
      ['other', 'localhost'],
      ['all', ''],
      ['other', '192.168.1.4'],
    ]);
    expect(draft.reconnectInitial).toBe('1.5');
    expect(draft.tags).toBe('db, eu');
    const result = validateDraft(draft, [{ id: 'bastion' }, { id: 'full' }]);
    expect(result.issues).toEqual([]);
    expect(result.profile).toEqual(full);
  });

  it('starts a new profile with the app reconnect defaults and sane fields', () => {
    const draft = newProfileDraft({
      reconnectDefaults: { enabled: true, initialDelayMs: 500, maxDelayMs: 10_000, jitter: 0 },
    });
    expect(draft).toMatchObject({
      port: '22',
      reconnectInitial: '0.5',
      reconnectMax: '10',
      reconnectJitter: 0,
    });
    const filled = withDraft(draft, { name: 'n', host: 'h', username: 'u' });
    const result = validateDraft(filled);
    expect(result.ok).toBe(true);
    expect(result.profile).not.toHaveProperty('id');
    expect(result.profile?.reconnect).toEqual({
      enabled: true,
      initialDelayMs: 500,
      maxDelayMs: 10_000,
      jitter: 0,
    });
  });

  it('makes new forwards outgoing, on loopback, with a valid unique id', () => {
    const taken = Array.from({ length: 50 }, () => newForwardId([]));
    const forward = newForwardDraft(taken);
    expect(taken).not.toContain(forward.id);
    expect(IdSchema.safeParse(forward.id).success).toBe(true);
    expect(forward).toMatchObject({
      type: 'local',
      bindChoice: 'loopback',
      bindPort: '',
      targetHost: '127.0.0.1',
      enabled: true,
    });
  });

  it('reads numbers typed as text, with messages of its own for empty and non-numbers', () => {
    expect(readNumber(' 22 ')).toEqual({ ok: true, value: 22 });
    expect(readNumber('2.5')).toEqual({ ok: true, value: 2.5 });
    expect(readNumber('')).toEqual({ ok: false, message: 'must not be empty' });
    expect(readNumber('22a')).toEqual({ ok: false, message: 'must be a number' });
    expect(readNumber('1e3')).toEqual({ ok: false, message: 'must be a number' });
    expect(secondsText(60_000)).toBe('60');
  });

  it('puts each issue under the key of its field, by item key rather than index', () => {
    const draft = profileToDraft(full);
    const broken = withDraft(draft, {
      host: '',
      port: '',
      forwards: draft.forwards.map((f, i) =>
        i === 1 ? { ...f, bindPort: '70000', targetPort: '0' } : f,
      ),
      jumpHosts: draft.jumpHosts.map((j, i) => (i === 1 ? { ...j, username: '' } : j)),
      keepaliveMaxMissed: '0',
      tags: 'ok, ' + 'x'.repeat(51),
    });
    const { ok, issues } = validateDraft(broken, [{ id: 'bastion' }]);
    expect(ok).toBe(false);
    const hop = draft.jumpHosts[1]!.key;
    expect(Object.fromEntries(issues.map((i) => [i.key, i.message]))).toEqual({
      host: 'must not be empty',
      port: 'must not be empty',
      [forwardKey('b', 'bindPort')]: 'must be between 0 and 65535',
      [forwardKey('b', 'targetPort')]: 'must be between 1 and 65535',
      [`jumpHosts#${hop}.username`]: 'must not be empty',
      'keepalive.maxMissed': 'must be between 1 and 100',
      tags: `"${'x'.repeat(51)}" is too long (at most 50 characters)`,
    });
    expect(placesOf(issues)).toEqual({ forwards: ['b'], advanced: true });
  });

  it('asks for a chosen jump-host profile, and notices one that was deleted', () => {
    const draft = profileToDraft(full);
    const hop = draft.jumpHosts[0]!;
    expect(validateDraft(draft, []).issues).toEqual([
      {
        key: `jumpHosts#${hop.key}.profileId`,
        message: 'names a profile that no longer exists ("bastion")',
      },
    ]);
    const unchosen = withDraft(draft, {
      jumpHosts: [{ ...hop, profileId: '' }],
    });
    expect(validateDraft(unchosen, [{ id: 'bastion' }]).issues).toEqual([
      { key: `jumpHosts#${hop.key}.profileId`, message: 'choose a saved profile' },
    ]);
  });

  it('maps the paths main reports to field keys', () => {
    const draft = profileToDraft(full);
    expect(keyOfServerPath(draft, 'profile.forwards[2].bindPort')).toBe('forwards#c.bindPort');
    expect(keyOfServerPath(draft, 'profile.forwards.0.targetHost')).toBe('forwards#a.targetHost');
    expect(keyOfServerPath(draft, 'host')).toBe('host');
    expect(keyOfServerPath(draft, 'profile.reconnect.maxDelayMs')).toBe('reconnect.maxDelayMs');
    expect(keyOfServerPath(draft, `profile.auth[0].path`)).toBe(`auth#${draft.auth[0]!.key}.path`);
    expect(keyOfServerPath(draft, 'profile.tags[1]')).toBe('tags');
  });

  it('names fields for the list of problems', () => {
    const draft = profileToDraft(full);
    expect(describeKey(draft, 'forwards#a.bindPort')).toBe('Forward 1 (db): listen port');
    expect(describeKey(draft, 'forwards#b.targetPort')).toBe('Forward 2: target port');
    expect(describeKey(draft, `auth#${draft.auth[0]!.key}.path`)).toBe('Login method 1: key file');
    expect(describeKey(draft, 'reconnect.maxDelayMs')).toBe('Longest wait between retries');
    expect(sentence('must not be empty')).toBe('Must not be empty.');
  });
});

describe('editor state', () => {
  it('gives an incoming forward this computer as its target when it had none', () => {
    const forward = { ...newForwardDraft(), targetHost: '' };
    let state = createEditorState(withDraft(newProfileDraft(), { forwards: [forward] }));
    state = editorReducer(state, {
      type: 'forward-edit',
      id: forward.id,
      patch: { type: 'remote' },
      key: forwardKey(forward.id, 'type'),
    });
    expect(state.draft.forwards[0]).toMatchObject({ type: 'remote', targetHost: '127.0.0.1' });
  });

  it('keeps what was touched with the right item when another is removed', () => {
    const draft = profileToDraft(full);
    let state = createEditorState(draft);
    state = editorReducer(state, {
      type: 'forward-edit',
      id: 'b',
      patch: { bindPort: '' },
      key: forwardKey('b', 'bindPort'),
    });
    state = editorReducer(state, { type: 'forward-remove', id: 'a' });
    const issues = validateDraft(state.draft, [{ id: 'bastion' }]).issues;
    expect(issues.map((i) => i.key)).toEqual([forwardKey('b', 'bindPort')]);
    expect(state.touched.has(forwardKey('b', 'bindPort'))).toBe(true);
  });

  it('opens the cards and the advanced part that hold errors on a failed save', () => {
    const state = editorReducer(createEditorState(profileToDraft(full)), {
      type: 'invalid-save',
      issues: [
        { key: 'forwards#c.bindPort', message: 'x' },
        { key: 'connectTimeoutSeconds', message: 'y' },
      ],
    });
    expect([...state.expanded]).toEqual(['c']);
    expect(state.advancedOpen).toBe(true);
    expect(state.attempts).toBe(1);
  });
});
