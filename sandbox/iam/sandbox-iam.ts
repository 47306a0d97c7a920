import { partitionOf } from "../../infra/names.js";
import { errorMetadata, type SandboxCall } from "../service-model.js";
import { SandboxIamError } from "./iam-errors.js";
import { type Decision, evaluate, type IamPolicy, type RequestContext } from "./policy-evaluator.js";
import { type ResourceDirectory, serviceAuthorizations } from "./service-authorization.js";

/** A call IAM refused: who, what, on what, and AWS's own words for it. */
export interface Denial {
  at: Date;
  principal: string;
  service: string;
  operation: string;
  action: string;
  resource: string;
  message: string;
}

/**
 * The sandbox's IAM: before a model answers a call, the caller's identity policies are evaluated for
 * every action and resource the call needs (sandbox/iam/service-authorization.ts), and a call they do not
 * allow fails with the service's own AccessDenied, worded as AWS words it.
 *
 * Who is checked: an identity with policies attached here, which the sandbox control plane does for each
 * of kirikae's function roles, with the policies infra generates for them. Everyone else (the auditor, the
 * on-call engineer, a test's attacker, the estate's own setup) is unrestricted: kirikae deploys no policy
 * for them, so there is nothing of kirikae's to prove, and inventing one would test the sandbox instead.
 * Every call is still looked up in the table, so a model whose operations have no entry fails loudly
 * whoever calls it.
 *
 * Only identity-based policies are evaluated: resource policies (the digest key's and bucket's, the audit
 * table's), SCPs and session policies are not.
 */
export class SandboxIam {
  private readonly policies = new Map<string, readonly IamPolicy[]>();
  private readonly refused: Denial[] = [];

  constructor(private readonly directory: ResourceDirectory) {}

  /**
   * The identity policies of a role or user, by its ARN (arn:aws:iam::ACCOUNT:role/NAME), replacing any
   * attached before: a role's sessions are evaluated against exactly these.
   */
  attach(identityArn: string, policies: readonly IamPolicy[]): void {
    this.policies.set(identityArn, policies);
  }

  /** Whether a principal's calls are evaluated: whether its role (or it) has policies attached here. */
  restricts(principal: string): boolean {
    return this.policies.has(identityOf(principal).arn);
  }

  /** Every call refused so far, oldest first. */
  get denials(): readonly Denial[] {
    return this.refused;
  }

  /** Throws the service's AccessDenied when the caller's policies do not allow the call. */
  authorize(call: SandboxCall): void {
    const entry = serviceAuthorizations[call.service];
    const rule = entry?.operations[call.operation];
    if (!entry || !rule) {
      throw new SandboxIamError(
        `the sandbox's IAM has no entry for ${call.service}:${call.operation}, so it cannot tell which IAM action and resources the call needs: add one to sandbox/iam/service-authorization.ts`,
      );
    }
    const identity = identityOf(call.principal);
    const policies = this.policies.get(identity.arn);
    if (!policies) return;
    const authorizations = rule(call, {
      partition: identity.partition,
      account: identity.account,
      directory: this.directory,
    });
    const global: RequestContext = {
      "aws:RequestedRegion": call.region,
      "aws:PrincipalArn": identity.arn,
      "aws:PrincipalAccount": identity.account,
      "aws:PrincipalType": identity.type,
      "aws:SecureTransport": "true",
      "aws:CurrentTime": call.at.toISOString(),
      "aws:EpochTime": String(Math.floor(call.at.getTime() / 1000)),
    };
    for (const { action, resources, context } of authorizations) {
      for (const resource of resources) {
        const decision = evaluate(policies, { action, resource, context: { ...context, ...global } });
        if (decision.effect === "allow") continue;
        const message = deniedMessage(call.principal, action, resource, decision);
        this.refused.push({
          at: call.at,
          principal: call.principal,
          service: call.service,
          operation: call.operation,
          action,
          resource,
          message,
        });
        throw entry.denied(message, errorMetadata(call, 403));
      }
    }
  }
}

/** AWS's wording (IAM User Guide, "Troubleshoot access denied error messages"). */
function deniedMessage(
  principal: string,
  action: string,
  resource: string,
  decision: Exclude<Decision, { effect: "allow" }>,
): string {
  const onResource = resource === "*" ? "" : ` on resource: ${resource}`;
  const why =
    decision.effect === "explicit-deny"
      ? "with an explicit deny in an identity-based policy"
      : `because no identity-based policy allows the ${action} action`;
  return `User: ${principal} is not authorized to perform: ${action}${onResource} ${why}`;
}

interface Identity {
  /** The ARN policies attach to: the role of an assumed-role session, else the principal itself. */
  arn: string;
  account: string;
  partition: string;
  type: "AssumedRole" | "User" | "Account";
}

/** arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION is a session of arn:aws:iam::ACCOUNT:role/ROLE. */
export function identityOf(principal: string): Identity {
  const [, partition = "aws", , , account = "", resource = ""] = principal.split(":");
  const session = /^assumed-role\/([^/]+)\/.+$/.exec(resource);
  if (session) {
    return {
      arn: `arn:${partition}:iam::${account}:role/${session[1]}`,
      account,
      partition,
      type: "AssumedRole",
    };
  }
  return { arn: principal, account, partition, type: resource.startsWith("user/") ? "User" : "Account" };
}

/** The role ARN a function's sessions assume, as infra names it. */
export function roleArn(account: string, region: string, roleName: string): string {
  return `arn:${partitionOf(region)}:iam::${account}:role/${roleName}`;
}
