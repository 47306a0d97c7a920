import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { Plan } from "../../core/plan/schema.js";
import type { GateChange, TrafficGatesPort } from "../../core/ports/traffic-gates.js";
import { GATE_CLOSED_BODY, GATE_OPEN_BODY, gateObjectKey, gateRegion } from "../../core/traffic/gates.js";
import { callAws, requestIdOf } from "./aws-errors.js";
import type { ClientProvider } from "./region-clients.js";

/**
 * Gates that are objects: each region's failover record carries an HTTPS_STR_MATCH health check on its
 * object, healthy while the body holds "open" (Route 53 developer guide, "Values that you specify when you
 * create or update health checks": string matching searches the first 5,120 bytes of the body). S3 has no
 * request that writes two objects at once, so the source region's gate closes before the target's opens:
 * for the moment between them both read closed, and Route 53 answers with the primary, as it did before.
 */
export class S3ObjectGates implements TrafficGatesPort {
  constructor(private readonly clients: ClientProvider) {}

  async set(plan: Plan, changes: GateChange[]) {
    const gates = plan.dns.gates;
    if (gates?.kind !== "s3-object") throw new Error(`plan "${plan.name}" has no S3 object gates`);
    const region = gateRegion(plan);
    const ordered = [...changes].sort((a, b) => Number(a.open) - Number(b.open));
    let requestId = "";
    for (const change of ordered) {
      const key = gateObjectKey(plan, change.region);
      const output = await callAws({ action: "s3:PutObject", resource: `${gates.bucket}/${key}` }, () =>
        this.clients
          .forRegion(region)
          .get(S3Client)
          .send(
            new PutObjectCommand({
              Bucket: gates.bucket,
              Key: key,
              Body: change.open ? GATE_OPEN_BODY : GATE_CLOSED_BODY,
              ContentType: "text/plain",
              // Health checkers must see the change at their next request, not a cached copy.
              CacheControl: "no-store",
            }),
          ),
      );
      requestId = requestIdOf(output);
    }
    return { requestId, endpointRegion: region };
  }
}
