/** A startup error that names the file and the path inside it, printed as one line. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly path: string,
    readonly detail: string,
  ) {
    super(`${file}${path ? `: ${path}` : ''}: ${detail}`);
    this.name = 'ConfigError';
  }
}
