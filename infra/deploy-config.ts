import { readdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { loadPlanFile } from "../core/plan/load-plan-file.js";
import type { Plan } from "../core/plan/schema.js";
import type { StateConsistency } from "./tables.js";

/**
 * What a deploy reads besides the stage: which plans, who is notified, and how the state table is kept
 * consistent. From the environment, so `KIRIKAE_PLANS=... npx sst deploy --stage prod` needs no edits:
 *
 *   KIRIKAE_PLANS                  comma-separated plan files; default: every *.plan.{json,ts,mts,js,mjs} in plans/
 *   KIRIKAE_NOTIFY_EMAILS          comma-separated addresses subscribed to every region's topic
 *   KIRIKAE_STATE_WITNESS_REGION   make the state table multi-Region strongly consistent, with this witness
 */
export interface DeployConfig {
  planFiles: string[];
  plans: Plan[];
  notifyEmails: string[];
  stateConsistency: StateConsistency;
}

export const DEFAULT_PLANS_DIR = "plans";
const PLAN_FILE = /\.plan\.(json|ts|mts|js|mjs)$/;
const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;

export async function loadDeployConfig(
  env: Record<string, string | undefined>,
  options: { root: string; loadTypeScript?: boolean },
): Promise<DeployConfig> {
  const planFiles = env.KIRIKAE_PLANS
    ? list(env.KIRIKAE_PLANS).map((file) => resolve(options.root, file))
    : await planFilesIn(join(options.root, DEFAULT_PLANS_DIR));
  if (planFiles.length === 0) {
    throw new Error(
      `no plans to deploy: put plan files (*.plan.json or *.plan.ts) in ${DEFAULT_PLANS_DIR}/, or name them in KIRIKAE_PLANS`,
    );
  }
  // SST runs this under plain Node; TypeScript plans load through tsx, resolved from the project.
  if (options.loadTypeScript && planFiles.some((file) => /\.m?ts$/.test(file))) {
    const tsx = createRequire(join(options.root, "package.json")).resolve("tsx/esm/api");
    const api: { register: () => unknown } = await import(pathToFileURL(tsx).href);
    api.register();
  }
  const plans: Plan[] = [];
  for (const file of planFiles) plans.push(await loadPlanFile(file));
  const notifyEmails = list(env.KIRIKAE_NOTIFY_EMAILS ?? "");
  const invalid = notifyEmails.filter((email) => !EMAIL.test(email));
  if (invalid.length > 0)
    throw new Error(`KIRIKAE_NOTIFY_EMAILS holds addresses that are not: ${invalid.join(", ")}`);
  const witness = env.KIRIKAE_STATE_WITNESS_REGION?.trim();
  return {
    planFiles,
    plans,
    notifyEmails,
    stateConsistency: witness ? { mode: "strong", witnessRegion: witness } : { mode: "eventual" },
  };
}

async function planFilesIn(directory: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(directory);
  } catch {
    return [];
  }
  return entries
    .filter((entry) => PLAN_FILE.test(entry))
    .sort()
    .map((entry) => join(directory, entry));
}

function list(text: string): string[] {
  return text
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
}
