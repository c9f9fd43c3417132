// ssh2 ships no types for its algorithm tables; only the lists Burrow reads are declared.
declare module 'ssh2/lib/protocol/constants' {
  export const SUPPORTED_SERVER_HOST_KEY: string[];
  export const DEFAULT_CIPHER: string[];
}
