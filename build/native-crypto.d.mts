// Types for native-crypto.mjs (electron-builder's afterPack hook), for test/packaging.test.ts.

export const BINDING_SOURCE_DIR: string;
export const BINDING_FILE: string;

export function packagedLayout(options: {
  appOutDir: string;
  electronPlatformName: string;
  productFilename: string;
  executable?: string;
}): { resourcesDir: string; executable: string };

export function buildBindingForElectron(options: {
  appDir: string;
  electronVersion: string;
  arch: string;
  destination: string;
}): Promise<void>;

export function afterPack(context: unknown): Promise<void>;
