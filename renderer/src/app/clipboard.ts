import type { AppModel } from '../state/app-model';

/** Copies text and says so; the clipboard can refuse (no focus, no permission). */
export async function copyText(model: AppModel, text: string, what: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    model.notify('info', `Copied ${what}`);
  } catch {
    model.notify(
      'error',
      `Could not copy ${what}: the clipboard refused. Select it and copy by hand.`,
    );
  }
}
