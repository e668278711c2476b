/**
 * `iopath` — the command-line front end of the engine (DESIGN.md contract 1).
 * One file per command; this file only dispatches. Exit codes: 0 ran, 2 invalid input
 * (one line on stderr naming the problem), 1 an internal error (a bug).
 */
import { runCommand } from './run.ts';
import { importCommand } from './import.ts';
import { UsageError } from './usage.ts';
import './osd-dumps.ts'; // adds `run --osd-dumps DIR` (Ceph)

type Command = (args: string[]) => number;

const COMMANDS: Record<string, Command> = {
  run: runCommand,
  import: importCommand,
};

const HELP = `usage:
  iopath run FILE.json|BUILTIN [--trace OUT.json] [--seed N]
  iopath import FILE… [--out OUT.json]
Prints one JSON object on stdout. Exit 0 when the document ran, 2 for invalid input.`;

function main(argv: string[]): number {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(HELP + '\n');
    return name === undefined ? 2 : 0;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    process.stderr.write(
      `iopath: unknown command "${name}" (expected ${Object.keys(COMMANDS).join(', ')})\n`,
    );
    return 2;
  }
  try {
    return cmd(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(err.message + '\n');
      return 2;
    }
    throw err;
  }
}

process.exitCode = main(process.argv.slice(2));
