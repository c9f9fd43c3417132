// A named import lets esbuild inline just this one field of package.json into the bundle.
import { version } from '../../package.json';

export const BURROW_VERSION: string = version;
