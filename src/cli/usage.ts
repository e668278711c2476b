/** Input the CLI refuses (bad arguments, invalid document): one stderr line, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Split `argv` into positionals and `--name value` options (names listed in `valued`). */
export function parseArgs(
  argv: string[],
  valued: readonly string[],
): { positional: string[]; options: Map<string, string> } {
  const positional: string[] = [];
  const options = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      if (!valued.includes(name)) throw new UsageError(`${a}: unknown option`);
      const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`--${name}: expected a value`);
      options.set(name, value);
    } else {
      positional.push(a);
    }
  }
  return { positional, options };
}
