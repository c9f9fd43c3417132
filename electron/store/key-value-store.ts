/**
 * The part of conf / electron-store that the store code uses. A `Conf` instance satisfies it in
 * Node (CLI, tests); the Electron main may pass an electron-store instance (a Conf subclass).
 * Only top-level keys are used (`schemaVersion`, `profiles`, `secrets`): key file paths and host
 * names contain dots, which conf would read as nested property paths.
 */
export interface KeyValueStore {
  /** Absolute path of the JSON file; backups are written beside it. */
  readonly path: string;
  /** The whole file, read fresh on every access (conf does not cache); assigning rewrites it. */
  store: Record<string, unknown>;
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
  onDidAnyChange(callback: () => void): () => void;
  /**
   * conf's change events. Preferred over `onDidAnyChange` when present: conf's wrapper re-reads
   * the file inside an EventTarget listener, so a file another program left as broken JSON would
   * throw there, and Node turns a throwing EventTarget listener into an uncaught exception.
   */
  readonly events?: EventTarget;
  /** conf's way to stop watching the file (`watch: true`); called on dispose. */
  _closeWatcher?(): void;
}
