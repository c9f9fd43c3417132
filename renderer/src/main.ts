import type { BurrowApi } from '../../shared/ipc';

/**
 * Placeholder until the real window exists (issue 4): proves the bridge works end to end by
 * listing saved profiles and their live session state through `window.burrow`.
 */
declare global {
  interface Window {
    burrow: BurrowApi;
  }
}

const summary = document.getElementById('summary')!;
const list = document.getElementById('profiles')!;

async function render(): Promise<void> {
  const [profiles, snapshot] = await Promise.all([
    window.burrow.call['profiles.list'](undefined),
    window.burrow.call['tunnels.snapshot'](undefined),
  ]);
  if (!profiles.ok) {
    summary.textContent = profiles.error.message;
    return;
  }
  summary.textContent = `${profiles.value.length} saved profile(s).`;
  list.replaceChildren(
    ...profiles.value.map((profile) => {
      const item = document.createElement('li');
      const state = snapshot.ok ? snapshot.value.profiles[profile.id]?.session.state : undefined;
      item.textContent = `${profile.name}: ${state ?? 'stopped'}`;
      return item;
    }),
  );
}

window.burrow.on('profiles', () => void render());
window.burrow.on('status', () => void render());
void render();
