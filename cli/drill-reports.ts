import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { incidentReport } from "../core/audit/incident-report.js";
import type { ReportLanguage } from "../core/audit/report-text.js";
import type { Plan } from "../core/plan/schema.js";
import type { BuiltEstate } from "../sandbox/build-estate.js";
import type { SandboxControlPlane } from "../sandbox/sandbox-control-plane.js";

/** Writes one incident report (Markdown) per workflow the drill ran, from that execution's audit records. */
export function writeDrillReports(
  directory: string,
  plan: Plan,
  language: ReportLanguage,
  written: string[],
) {
  return async ({ built, controlPlane }: { built: BuiltEstate; controlPlane: SandboxControlPlane }) => {
    await mkdir(directory, { recursive: true });
    const chain = await controlPlane.audit.chain(plan.name);
    for (const execution of built.models.sfn.all()) {
      const records = chain.filter((record) => record.executionId === execution.executionArn);
      const file = join(directory, `${execution.name}.${language}.md`);
      await writeFile(file, incidentReport(plan, records, language));
      written.push(file);
    }
  };
}
