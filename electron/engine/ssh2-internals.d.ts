// ssh2 ships no types for its algorithm tables; only the lists Burrow reads are declared.
// A default import: Node's ESM loader cannot see named exports of this CommonJS module.
declare module 'ssh2/lib/protocol/constants.js' {
  const constants: { SUPPORTED_SERVER_HOST_KEY: string[]; DEFAULT_CIPHER: string[] };
  export default constants;
}
