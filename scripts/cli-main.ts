/**
 * The shared tail of the command-line scripts: run `main`, exit with the status it returns, and
 * map a thrown error to a message and an exit status (a bad command line: 2, anything else: 1).
 */

/** A bad command line: printed with the script's usage text, exit status 2. */
export class UsageError extends Error {}

type ErrorClass = abstract new (...args: never[]) => Error;

export interface CliErrors {
  /** The usage text printed after a UsageError's message. */
  usage?: string;
  /** Leave a blank line between a UsageError's message and the usage text (long usage texts). */
  blankLineBeforeUsage?: boolean;
  /**
   * Errors the user can fix from the message alone (a missing folder, a bad data file): printed as
   * one `error: …` line. Any other error is a bug and is printed whole, stack trace included.
   */
  expected?: readonly ErrorClass[];
}

/** Runs `main` and exits the process with its status, or with 2 (usage) or 1 (any other error) if it throws. */
export function runCli(main: () => Promise<number>, errors: CliErrors = {}): void {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      if (e instanceof UsageError) {
        const usage = errors.usage === undefined ? '' : `${errors.blankLineBeforeUsage ? '\n\n' : '\n'}${errors.usage}`;
        console.error(`error: ${e.message}${usage}`);
        process.exit(2);
      }
      const expected = errors.expected ?? [];
      console.error(e instanceof Error && expected.some((cls) => e instanceof cls) ? `error: ${e.message}` : e);
      process.exit(1);
    },
  );
}
