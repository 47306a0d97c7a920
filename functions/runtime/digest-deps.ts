import { KmsDigestSigner } from "../../adapters/aws/kms-digest-signer.js";
import type { ClientProvider } from "../../adapters/aws/region-clients.js";
import { S3DigestStore } from "../../adapters/aws/s3-digest-store.js";
import { S3ReportStore } from "../../adapters/aws/s3-report-store.js";
import { type DigestResult, type WriteDigestDeps, writeDigest } from "../../core/audit/write-digest.js";
import type { Clock } from "../../core/clock.js";
import type { Plan } from "../../core/plan/schema.js";
import type { AuditPort, AuditReaderPort } from "../../core/ports/audit.js";
import { writeRunReport } from "../../core/report/write-run-report.js";
import { ConfigError, loadConfig, type RuntimeConfig } from "./config.js";
import type { StepDeps, TaskDeps } from "./task-deps.js";

/** The digest writer of one control plane: its region's audit table, signing key and Object Lock bucket. */
export function digestWriter(
  config: Pick<RuntimeConfig, "region" | "digests">,
  parts: { clients: ClientProvider; audit: AuditPort & AuditReaderPort; clock: Clock; actor: string },
): { deps: WriteDigestDeps | undefined; writeDigest(plan: string): Promise<DigestResult> } {
  const { digests } = config;
  const deps: WriteDigestDeps | undefined = digests
    ? {
        audit: parts.audit,
        signer: new KmsDigestSigner(parts.clients, config.region, digests.keyId),
        store: new S3DigestStore(
          parts.clients,
          config.region,
          digests.bucket,
          parts.clock,
          digests.retentionDays,
        ),
        clock: parts.clock,
        actor: parts.actor,
        region: config.region,
      }
    : undefined;
  return {
    deps,
    writeDigest: async (plan) => {
      // Checked at the call, not at cold start: a function deployed before digests existed keeps working
      // and says what is missing each time a digest is due.
      if (!deps) throw new ConfigError("KIRIKAE_DIGEST_BUCKET and KIRIKAE_DIGEST_KEY are not set");
      return writeDigest(deps, plan);
    },
  };
}

/**
 * The report writer of one control plane: the run's records from its region's audit table, into the same
 * Object Lock bucket as the digests. Checked at the call, like the digest writer.
 */
export function reportWriter(
  config: Pick<RuntimeConfig, "region" | "digests">,
  parts: { clients: ClientProvider; audit: AuditReaderPort; clock: Clock },
): (plan: Plan, executionId: string) => Promise<string[]> {
  const { digests } = config;
  return async (plan, executionId) => {
    if (!digests) throw new ConfigError("KIRIKAE_DIGEST_BUCKET is not set, so reports have nowhere to go");
    const store = new S3ReportStore(parts.clients, config.region, digests.bucket);
    return writeRunReport({ reader: parts.audit, store, clock: parts.clock }, plan, executionId);
  };
}

/** Both writers of a deployed function, bound to its region's key and bucket at cold start. */
export function productionDigests(
  base: Pick<StepDeps, "clients" | "clock" | "actor"> & { audit: AuditPort & AuditReaderPort },
): Pick<TaskDeps, "writeDigest" | "writeReport"> {
  const config = loadConfig(process.env);
  return {
    writeDigest: digestWriter(config, base).writeDigest,
    writeReport: reportWriter(config, base),
  };
}
