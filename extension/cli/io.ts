/** Where the CLI writes: standard output and standard error, or a test's buffers. */
export interface CliIO {
  out: (s: string) => void;
  err: (s: string) => void;
}
