import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import type { Plan } from "../../core/plan/schema.js";
import { buildEstate } from "../../sandbox/build-estate.js";
import { type SandboxControlPlane, startSandboxControlPlane } from "../../sandbox/sandbox-control-plane.js";

/**
 * A sandbox stage (an estate and its control plane) and a scratch folder for each test that asks, both
 * torn down after it: the CLI tests' shared setup. Call once per file, at its top level.
 */
export function sandboxStagePerTest() {
  let controlPlane: SandboxControlPlane | undefined;
  const folders: string[] = [];
  afterEach(async () => {
    await controlPlane?.stop();
    controlPlane = undefined;
    for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
  });
  return {
    async start(plan: Plan) {
      const built = buildEstate([plan]);
      controlPlane = await startSandboxControlPlane(built, [plan]);
      return { built, controlPlane };
    },
    async scratch(prefix: string): Promise<string> {
      const folder = await mkdtemp(join(tmpdir(), prefix));
      folders.push(folder);
      return folder;
    },
  };
}
