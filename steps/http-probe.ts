import { auditTrail } from "../core/workflow/step-calls.js";
import { createProbeHttpHandler } from "../functions/probe-http.js";
import { pollingStates } from "./polling-states.js";
import type { StepKind } from "./step-kind.js";

/**
 * An HTTP probe: the seeds' "expected result" of a step, read as users read it (through the zone's DNS
 * answers). It changes nothing, so there is nothing to undo; a probe that never matches escalates.
 */
export const httpProbeStep: StepKind<"http-probe"> = {
  kind: "http-probe",
  role: "check",
  releasesOnFailback: false,
  functions: [
    {
      key: "probeHttp",
      handler: "functions/probe-http.handler",
      create: createProbeHttpHandler,
      access: ["audit.append"],
      description: "GETs a plan's URL as users would and checks its status and body",
    },
  ],
  states: (context) => pollingStates(context, "Probe", "probeHttp"),
  calls: ({ block, target }) => ({
    calls: auditTrail(target),
    dataPlane: [`HTTP GET ${block.url}, resolved through the zone's DNS as users resolve it`],
  }),
  describe: (block) =>
    `GET ${block.url}, expecting ${block.expectedStatus}${block.expectedBody ? ` and "${block.expectedBody}"` : ""}`,
  modelledSeconds: () => 0,
};
