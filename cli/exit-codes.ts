/**
 * The statuses every `kirikae` command exits with. Scripts and runbooks branch on them, so each means one
 * thing across commands (docs/cli.md, "Exit codes"): 3 says "try again from elsewhere or with other
 * credentials", 2 says "the command line or its files are wrong", 1 says "kirikae answered: no".
 */
export const EXIT = {
  /** Done as asked. */
  ok: 0,
  /** The operation ran and failed: a run refused or escalated, a check or a verification with findings. */
  failed: 1,
  /** Usage or input: an unknown option, a missing argument, a bad plan file, a stage that is not there. */
  usage: 2,
  /** AWS could not be asked: unreachable, throttling past the SDK's retries, or no valid credentials or permission. */
  aws: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
