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
 *   KIRIKAE_BREAK_GLASS_ROLE_ARN   the one IAM role the audit tables' guard lets change or delete the table,
 *                                  its backups settings and its resource policy; without it nobody can
 *                                  (but the account's root user, which can always delete the policy)
 *   KIRIKAE_DIGEST_RETENTION_DAYS  how long each signed audit digest is locked in COMPLIANCE mode (default
 *                                  400: a year's audit and its follow-up); nobody, root included, can
 *                                  delete a digest or shorten this before it ends, so choose it deliberately
 */
export interface DeployConfig {
  planFiles: string[];
  plans: Plan[];
  notifyEmails: string[];
  stateConsistency: StateConsistency;
  /** An IAM role ARN (arn:<partition>:iam::<account>:role/<path/name>), never a user or a session. */
  breakGlassRoleArn?: string;
  /** Object Lock retention (COMPLIANCE) of every audit digest, in days. */
  digestRetentionDays: number;
}

export const DEFAULT_PLANS_DIR = "plans";
const PLAN_FILE = /\.plan\.(json|ts|mts|js|mjs)$/;
export const DEFAULT_DIGEST_RETENTION_DAYS = 400;
/** S3 Object Lock's own ceiling on a default retention: 100 years. */
const MAX_DIGEST_RETENTION_DAYS = 36_500;
const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;
/** A role, as aws:PrincipalArn names the role of an assumed-role session (IAM User Guide, global condition keys). */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

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
  const breakGlassRoleArn = env.KIRIKAE_BREAK_GLASS_ROLE_ARN?.trim();
  if (breakGlassRoleArn && !ROLE_ARN.test(breakGlassRoleArn)) {
    throw new Error(
      `KIRIKAE_BREAK_GLASS_ROLE_ARN is not an IAM role ARN (arn:aws:iam::<account>:role/<name>): ${breakGlassRoleArn}`,
    );
  }
  const retention = env.KIRIKAE_DIGEST_RETENTION_DAYS?.trim();
  const digestRetentionDays = retention ? Number(retention) : DEFAULT_DIGEST_RETENTION_DAYS;
  if (
    !Number.isInteger(digestRetentionDays) ||
    digestRetentionDays < 1 ||
    digestRetentionDays > MAX_DIGEST_RETENTION_DAYS
  ) {
    throw new Error(
      `KIRIKAE_DIGEST_RETENTION_DAYS must be a whole number of days from 1 to ${MAX_DIGEST_RETENTION_DAYS}: ${retention}`,
    );
  }
  return {
    ...(breakGlassRoleArn ? { breakGlassRoleArn } : {}),
    digestRetentionDays,
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
