import { KirikaeError } from "../../core/errors.js";
import type { readSignedTrails } from "./drill-audit.js";
import type { runDrill } from "./run-drill.js";
import type { runRegionOutage } from "./run-region-outage.js";

/**
 * The packages only the sandbox needs: a real local DynamoDB and the local Step Functions runner. They
 * are development dependencies, so a production install (`npm ci --omit=dev`, a global install) has
 * neither, and every other command must run without them. test/unit/production-install.test.ts holds
 * the CLI to that: nothing but this module's dynamic imports may reach them.
 */
export const DRILL_ONLY_PACKAGES = ["dynalite", "aws-local-stepfunctions"] as const;

export class DrillDependencyMissing extends KirikaeError {
  constructor(packageName: string, options: { cause: unknown }) {
    super(
      `the drill needs ${packageName}, a development dependency that this install of kirikae leaves out (a production install has only what the other commands need)`,
      {
        ...options,
        action:
          "run the drill from a clone of kirikae installed with its development dependencies (`npm ci`, without --omit=dev), or add them beside this install: `npm install dynalite aws-local-stepfunctions`",
      },
    );
    this.name = "DrillDependencyMissing";
  }
}

export interface DrillRuntime {
  runDrill: typeof runDrill;
  readSignedTrails: typeof readSignedTrails;
  /** `kirikae drill --plans DIR`: a region outage across a fleet of plans. */
  runRegionOutage: typeof runRegionOutage;
}

/**
 * Loads the drill's sandbox on demand. A static import would load the local DynamoDB and the local
 * Step Functions runner with every command, and fail every command where they are not installed.
 */
export async function loadDrillRuntime(
  load: () => Promise<DrillRuntime> = importDrillRuntime,
): Promise<DrillRuntime> {
  try {
    return await load();
  } catch (error) {
    throw asMissingDrillDependency(error);
  }
}

async function importDrillRuntime(): Promise<DrillRuntime> {
  const [{ runDrill }, { readSignedTrails }, { runRegionOutage }] = await Promise.all([
    import("./run-drill.js"),
    import("./drill-audit.js"),
    import("./run-region-outage.js"),
  ]);
  return { runDrill, readSignedTrails, runRegionOutage };
}

/** A drill-only package that could not be found, as a DrillDependencyMissing; anything else unchanged. */
export function asMissingDrillDependency(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const code = (error as { code?: unknown }).code;
  if (code !== "ERR_MODULE_NOT_FOUND" && code !== "MODULE_NOT_FOUND") return error;
  // Node names the package it looked for: "Cannot find package 'dynalite' imported from ...".
  const missing = DRILL_ONLY_PACKAGES.find(
    (name) => error.message.includes(`'${name}'`) || error.message.includes(`"${name}"`),
  );
  return missing ? new DrillDependencyMissing(missing, { cause: error }) : error;
}
