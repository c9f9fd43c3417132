// Types for check-package-files.mjs, for test/packaging.test.ts.

export interface PackageFacts {
  /** The project snapshot electron-builder packed. */
  stageDir: string;
  /** electron-builder.yml as electron-builder loads it. */
  config: Record<string, unknown> & {
    productName?: string;
    directories?: { output?: string };
  };
  packageJson: {
    main?: string;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  /** APP_NAME from electron/store/store-path.ts. */
  appName: string;
  /** Files inside app.asar, as a/b/c. */
  asarFiles: string[];
  /** Files app.asar's header marks as unpacked. */
  unpackedInHeader: string[];
  /** Files in app.asar.unpacked. */
  unpackedFiles: string[];
  /** Files in resources/ outside app.asar and app.asar.unpacked. */
  resourceFiles: string[];
  readAsarJson(path: string): Record<string, unknown>;
}

export interface CheckResult {
  name: string;
  ok: boolean;
  problems: string[];
}

export interface PackCheckReport {
  results: CheckResult[];
  notChecked: string[];
  /** The temporary folder holding the snapshot and the packed app (removed unless `keep`). */
  work: string;
  facts: PackageFacts;
}

export const TRAY_STATES: string[];
export const SSH2_BINDING: string;
export const SOCKET_TUNING_BINDING: string;
export const RECEIVE_PATH_BINDING: string;
export const NOT_CHECKED: string[];
export const CHECKS: { name: string; run(facts: PackageFacts): string[] }[];

export function bareImports(source: string): string[];
export function readAppName(projectDir: string): string;
export function runChecks(facts: PackageFacts): CheckResult[];
export function checkPackageFiles(options?: {
  projectDir?: string;
  quiet?: boolean;
  keep?: boolean;
}): Promise<PackCheckReport>;
export function formatReport(report: Pick<PackCheckReport, 'results' | 'notChecked'>): string;
