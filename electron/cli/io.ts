/**
 * The slice of the process the CLI touches, so commands run against fakes in unit tests and
 * against process.stdout/stderr/stdin for real.
 */

export interface OutputStream {
  write(chunk: string): unknown;
  /** Set (true) only on terminals; decides live table vs plain lines. */
  isTTY?: boolean;
  columns?: number;
}

export interface InputStream extends NodeJS.ReadableStream {
  isTTY?: boolean;
}

export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  stdin: InputStream;
  env: Record<string, string | undefined>;
}
