import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { CliAws } from "../../cli/cli-aws.js";
import type { BuiltEstate } from "../../sandbox/build-estate.js";
import { clientProvider, type SandboxControlPlane } from "../../sandbox/sandbox-control-plane.js";
import { runKirikae } from "./run-kirikae.js";

/**
 * Runs `kirikae` in-process against a sandbox stage, as `principal`: the commands' AWS calls reach the
 * sandbox estate and the control plane's real local tables, and their waits pass on the virtual clock.
 */
export function sandboxCli(
  built: BuiltEstate,
  controlPlane: SandboxControlPlane,
  principal: string,
  overrides: Partial<CliAws> = {},
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
    built.estate.clock.busy(() => runKirikae(argv, { aws, clock: built.estate.clock }));
}
