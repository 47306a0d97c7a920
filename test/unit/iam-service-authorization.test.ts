import { AccessDeniedException } from "@aws-sdk/client-eks";
import { Route53ServiceException } from "@aws-sdk/client-route-53";
import { AccessDenied } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { allow, type PolicyDocument } from "../../infra/grants.js";
import { SandboxIamError } from "../../sandbox/iam/iam-errors.js";
import { identityOf, SandboxIam } from "../../sandbox/iam/sandbox-iam.js";
import type { ResourceDirectory } from "../../sandbox/iam/service-authorization.js";
import type { SandboxCall, ServiceName } from "../../sandbox/service-model.js";

const ACCOUNT = "111122223333";
const ROLE = "kirikae-sandbox-promoteDatabase-us-west-2";
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE}/kirikae-sandbox-promoteDatabase`;
const KEY = `arn:aws:kms:us-west-2:${ACCOUNT}:key/5d0c4a0e-1111-4222-8333-944445555666`;
const NODEGROUP = `arn:aws:eks:us-west-2:${ACCOUNT}:nodegroup/shop-oregon/web/0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d`;

const directory: ResourceDirectory = {
  kmsKey: (region, keyId) =>
    region === "us-west-2" && ["alias/kirikae-sandbox-audit-digests", KEY].includes(keyId)
      ? { arn: KEY, aliases: ["alias/kirikae-sandbox-audit-digests"] }
      : undefined,
  nodegroupArn: (region, cluster, nodegroup) =>
    region === "us-west-2" && cluster === "shop-oregon" && nodegroup === "web" ? NODEGROUP : undefined,
  modelResources: () => undefined,
};

function call(
  service: ServiceName,
  operation: string,
  input: Record<string, unknown>,
  region = "us-west-2",
): SandboxCall {
  return { service, region, operation, input, principal: SESSION, requestId: "req-1", at: new Date(0) };
}

function iamWith(...statements: PolicyDocument["Statement"]): SandboxIam {
  const iam = new SandboxIam(directory);
  iam.attach(identityOf(SESSION).arn, [{ Version: "2012-10-17", Statement: statements }]);
  return iam;
}

function refusal(iam: SandboxIam, request: SandboxCall): Error {
  try {
    iam.authorize(request);
  } catch (error) {
    return error as Error;
  }
  throw new Error("the call was allowed");
}

describe("the sandbox's IAM table of actions and resources", () => {
  it("authorises a global database failover on the global cluster and on the promoted cluster both", () => {
    const promote = call("rds", "FailoverGlobalCluster", {
      GlobalClusterIdentifier: "shop-global",
      TargetDbClusterIdentifier: `arn:aws:rds:us-west-2:${ACCOUNT}:cluster:shop-oregon`,
      AllowDataLoss: true,
    });
    const globalOnly = iamWith(
      allow("Promote", ["rds:FailoverGlobalCluster"], [`arn:aws:rds::${ACCOUNT}:global-cluster:shop-global`]),
    );
    const both = iamWith(
      allow(
        "Promote",
        ["rds:FailoverGlobalCluster"],
        [
          `arn:aws:rds::${ACCOUNT}:global-cluster:shop-global`,
          `arn:aws:rds:us-west-2:${ACCOUNT}:cluster:shop-*`,
        ],
      ),
    );

    const error = refusal(globalOnly, promote);

    expect(error.name).toBe("AccessDenied");
    expect(error.message).toBe(
      `User: ${SESSION} is not authorized to perform: rds:FailoverGlobalCluster on resource: arn:aws:rds:us-west-2:${ACCOUNT}:cluster:shop-oregon because no identity-based policy allows the rds:FailoverGlobalCluster action`,
    );
    expect(() => both.authorize(promote)).not.toThrow();
  });

  it("authorises a nodegroup's actions on its ARN, ID and all, and refuses with EKS's own exception", () => {
    const scale = call("eks", "UpdateNodegroupConfig", { clusterName: "shop-oregon", nodegroupName: "web" });
    const granted = iamWith(
      allow(
        "Scale",
        ["eks:UpdateNodegroupConfig"],
        [`arn:aws:eks:us-west-2:${ACCOUNT}:nodegroup/shop-oregon/web/*`],
      ),
    );
    const other = iamWith(
      allow(
        "Scale",
        ["eks:UpdateNodegroupConfig"],
        [`arn:aws:eks:us-west-2:${ACCOUNT}:nodegroup/shop-oregon/jobs/*`],
      ),
    );

    const error = refusal(other, scale);

    expect(() => granted.authorize(scale)).not.toThrow();
    expect(error).toBeInstanceOf(AccessDeniedException);
    expect(error.message).toContain(`on resource: ${NODEGROUP} because`);
  });

  it("gives Route 53 the normalised record names, types and actions of the change batch", () => {
    const change = (name: string, action: string) =>
      call(
        "route53",
        "ChangeResourceRecordSets",
        {
          HostedZoneId: "/hostedzone/Z0123",
          ChangeBatch: { Changes: [{ Action: action, ResourceRecordSet: { Name: name, Type: "CNAME" } }] },
        },
        "us-east-1",
      );
    const iam = iamWith(
      allow("Change", ["route53:ChangeResourceRecordSets"], ["arn:aws:route53:::hostedzone/Z0123"], {
        "ForAllValues:StringEquals": {
          "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["*.shop.example.com"],
          "route53:ChangeResourceRecordSetsRecordTypes": ["CNAME"],
          "route53:ChangeResourceRecordSetsActions": ["UPSERT"],
        },
      }),
    );

    expect(() => iam.authorize(change("\\052.Shop.Example.com.", "UPSERT"))).not.toThrow();
    const error = refusal(iam, change("\\052.shop.example.com.", "DELETE"));
    expect(error).toBeInstanceOf(Route53ServiceException);
    expect(error.name).toBe("AccessDenied");
  });

  it("signs by alias on the key the alias names, with kms:ResourceAliases to hold it to the alias", () => {
    const sign = call("kms", "Sign", {
      KeyId: "alias/kirikae-sandbox-audit-digests",
      Message: new Uint8Array([1]),
      MessageType: "RAW",
      SigningAlgorithm: "RSASSA_PSS_SHA_256",
    });
    const byAlias = iamWith(
      allow("Sign", ["kms:Sign"], [`arn:aws:kms:us-west-2:${ACCOUNT}:key/*`], {
        "ForAnyValue:StringEquals": { "kms:ResourceAliases": ["alias/kirikae-sandbox-audit-digests"] },
      }),
    );
    const otherAlias = iamWith(
      allow("Sign", ["kms:Sign"], [`arn:aws:kms:us-west-2:${ACCOUNT}:key/*`], {
        "ForAnyValue:StringEquals": { "kms:ResourceAliases": ["alias/someone-else"] },
      }),
    );

    expect(() => byAlias.authorize(sign)).not.toThrow();
    expect(refusal(otherAlias, sign)).toMatchObject({
      name: "AccessDeniedException",
      message: expect.stringContaining(`kms:Sign on resource: ${KEY}`),
    });
  });

  it("needs s3:PutObjectRetention as well for a put that sets its own retention", () => {
    const put = call("s3", "PutObject", {
      Bucket: "digests",
      Key: "kirikae/digests/shop/1.json",
      Body: "{}",
      IfNoneMatch: "*",
      ObjectLockMode: "COMPLIANCE",
      ObjectLockRetainUntilDate: new Date(86_400_000),
    });
    const putOnly = iamWith(allow("Put", ["s3:PutObject"], ["arn:aws:s3:::digests/kirikae/digests/*"]));
    const withRetention = iamWith(
      allow("Put", ["s3:PutObject", "s3:PutObjectRetention"], ["arn:aws:s3:::digests/kirikae/digests/*"]),
    );

    const error = refusal(putOnly, put);

    expect(error).toBeInstanceOf(AccessDenied);
    expect(error.message).toContain(
      "s3:PutObjectRetention on resource: arn:aws:s3:::digests/kirikae/digests/shop/1.json",
    );
    expect(() => withRetention.authorize(put)).not.toThrow();
  });

  it("words a refusal of an action with no resource type without a resource, and an explicit deny as such", () => {
    const lookup = call("cloudtrail", "LookupEvents", {});
    const nothing = iamWith();
    const denied = iamWith(allow("Everything", ["*"], ["*"]), {
      Sid: "NoTrail",
      Effect: "Deny",
      Action: ["cloudtrail:*"],
      Resource: ["*"],
    });

    expect(refusal(nothing, lookup).message).toBe(
      `User: ${SESSION} is not authorized to perform: cloudtrail:LookupEvents because no identity-based policy allows the cloudtrail:LookupEvents action`,
    );
    expect(refusal(denied, lookup).message).toBe(
      `User: ${SESSION} is not authorized to perform: cloudtrail:LookupEvents with an explicit deny in an identity-based policy`,
    );
  });

  it("records each refusal with the function's session, the action and the resource", () => {
    const iam = iamWith();

    refusal(
      iam,
      call("sqs", "ReceiveMessage", { QueueUrl: `https://sqs.us-west-2.amazonaws.com/${ACCOUNT}/q` }),
    );

    expect(iam.denials).toEqual([
      expect.objectContaining({
        principal: SESSION,
        action: "sqs:ReceiveMessage",
        resource: `arn:aws:sqs:us-west-2:${ACCOUNT}:q`,
      }),
    ]);
  });

  it("leaves a principal with no policy attached unrestricted, but still fails a call the table does not know", () => {
    const iam = new SandboxIam(directory);
    const auditor = {
      ...call("kms", "GetPublicKey", { KeyId: KEY }),
      principal: `arn:aws:iam::${ACCOUNT}:user/auditor`,
    };

    expect(() => iam.authorize(auditor)).not.toThrow();
    expect(() => iam.authorize({ ...auditor, operation: "ScheduleKeyDeletion" })).toThrow(SandboxIamError);
    expect(() => iam.authorize({ ...auditor, operation: "ScheduleKeyDeletion" })).toThrow(
      /sandbox\/iam\/service-authorization\.ts/,
    );
  });

  it("evaluates an assumed-role session against its role's policies", () => {
    expect(identityOf(SESSION)).toEqual({
      arn: `arn:aws:iam::${ACCOUNT}:role/${ROLE}`,
      account: ACCOUNT,
      partition: "aws",
      type: "AssumedRole",
    });
  });
});
