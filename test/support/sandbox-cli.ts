import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { CliAws } from "../../cli/cli-aws.js";
import type { BuiltEstate } from "../../sandbox/build-estate.js";
import { clientProvider, type SandboxControlPlane } from "../../sandbox/sandbox-control-plane.js";
import { type KirikaeIo, runKirikae } from "./run-kirikae.js";

/** How often commands that follow a run poll it, in virtual time: short, so tests see every step. */
const POLL_MS = 1_000;

/**
 * Runs `kirikae` in-process against a sandbox stage, as `principal`: the commands' AWS calls reach the
 * sandbox estate and the control plane's real local tables, and their waits pass on the virtual clock.
 * `io` sets the environment or a terminal for commands that read them.
 */
export function sandboxCli(
  built: BuiltEstate,
  controlPlane: SandboxControlPlane,
  principal: string,
  overrides: Partial<CliAws> = {},
  io: KirikaeIo = {},
) {
  const documents = DynamoDBDocumentClient.from(controlPlane.dynamo.client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const aws: CliAws = {
    clients: clientProvider(built.estate, principal),
    documents: () => documents,
    callerIdentity: async () => principal,
    ...overrides,
  };
  return (...argv: string[]) =>
    built.estate.clock.busy(() =>
      runKirikae(argv, { aws, clock: built.estate.clock, pollIntervalMs: POLL_MS, ...io }),
    );
}
