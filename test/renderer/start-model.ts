import { onTestFinished } from 'vitest';
import { AppModel } from '../../renderer/src/state/app-model';
import type { BurrowApi } from '../../shared/ipc';

/**
 * The window's state over `backend`, started as the app starts it. When the test finishes the
 * model is disposed, then the backend (stopping its tunnels and removing its folder). Notices
 * stay up for a minute, so a test reads them without racing their timeout.
 */
export async function startModel(
  backend: { api: BurrowApi; dispose(): Promise<void> },
  options: { sampleEveryMs?: number } = {},
): Promise<AppModel> {
  const model = new AppModel(backend.api, { noticeMs: 60_000, ...options });
  onTestFinished(async () => {
    model.dispose();
    await backend.dispose();
  });
  await model.start();
  return model;
}
