import { describe, expect, it } from "vitest";
import { SandboxIamError } from "../../sandbox/iam/iam-errors.js";
import {
  type AuthorizationRequest,
  evaluate,
  type IamPolicy,
  type IamStatement,
} from "../../sandbox/iam/policy-evaluator.js";

const NODEGROUP =
  "arn:aws:eks:ap-southeast-1:111122223333:nodegroup/shop/web/0f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b";

function policy(...statements: IamStatement[]): IamPolicy {
  return { Version: "2012-10-17", Statement: statements };
}

function request(action: string, resource: string, context: AuthorizationRequest["context"] = {}) {
  return { action, resource, context };
}

describe("the sandbox's IAM policy evaluation", () => {
  it("denies by default what no statement allows", () => {
    const decision = evaluate([], request("eks:UpdateNodegroupConfig", NODEGROUP));

    expect(decision).toEqual({ effect: "implicit-deny" });
  });

  it("lets an explicit deny win over any allow, in whichever policy it is", () => {
    const allow = policy({ Sid: "Scale", Effect: "Allow", Action: ["eks:*"], Resource: ["*"] });
    const deny = policy({
      Sid: "NeverScale",
      Effect: "Deny",
      Action: "eks:UpdateNodegroupConfig",
      Resource: "*",
    });

    const decision = evaluate([allow, deny], request("eks:UpdateNodegroupConfig", NODEGROUP));

    expect(decision).toEqual({ effect: "explicit-deny", statement: "NeverScale" });
  });

  it("matches actions case-insensitively with * and ?, and resources case-sensitively", () => {
    const granted = policy({
      Sid: "Nodegroups",
      Effect: "Allow",
      Action: ["EKS:Update?odegroup*"],
      Resource: ["arn:aws:eks:ap-southeast-1:111122223333:nodegroup/shop/web/*"],
    });

    expect(evaluate([granted], request("eks:UpdateNodegroupConfig", NODEGROUP)).effect).toBe("allow");
    expect(
      evaluate([granted], request("eks:UpdateNodegroupConfig", NODEGROUP.replace("/web/", "/Web/"))),
    ).toEqual({
      effect: "implicit-deny",
    });
    expect(evaluate([granted], request("eks:DescribeNodegroup", NODEGROUP)).effect).toBe("implicit-deny");
  });

  it("keeps a wildcard in the region or account segment from reaching into the next segment", () => {
    const granted = policy({
      Effect: "Allow",
      Action: "rds:DescribeDBClusters",
      Resource: "arn:aws:rds:*:111122223333:cluster:shop-*",
    });

    expect(
      evaluate(
        [granted],
        request("rds:DescribeDBClusters", "arn:aws:rds:ap-southeast-1:111122223333:cluster:shop-sg"),
      ).effect,
    ).toBe("allow");
    expect(
      evaluate(
        [granted],
        request("rds:DescribeDBClusters", "arn:aws:rds:ap-southeast-1:999999999999:cluster:shop-sg"),
      ).effect,
    ).toBe("implicit-deny");
  });

  it("allows an action with no resource type only through a statement whose Resource covers *", () => {
    const scoped = policy({
      Effect: "Allow",
      Action: "cloudtrail:LookupEvents",
      Resource: "arn:aws:cloudtrail:*",
    });
    const open = policy({ Effect: "Allow", Action: "cloudtrail:LookupEvents", Resource: "*" });

    expect(evaluate([scoped], request("cloudtrail:LookupEvents", "*")).effect).toBe("implicit-deny");
    expect(evaluate([open], request("cloudtrail:LookupEvents", "*")).effect).toBe("allow");
  });

  it("applies NotAction and NotResource to everything they do not name", () => {
    const everythingButIam = policy({ Sid: "NotIam", Effect: "Allow", NotAction: ["iam:*"], Resource: "*" });
    const denyOutsideBucket = policy({
      Sid: "OnlyDigests",
      Effect: "Deny",
      Action: "s3:*",
      NotResource: ["arn:aws:s3:::digests/*"],
    });

    expect(evaluate([everythingButIam], request("sqs:SendMessage", "arn:aws:sqs:x")).effect).toBe("allow");
    expect(evaluate([everythingButIam], request("iam:PassRole", "arn:aws:iam::1:role/r")).effect).toBe(
      "implicit-deny",
    );
    expect(
      evaluate([everythingButIam, denyOutsideBucket], request("s3:PutObject", "arn:aws:s3:::other/key")),
    ).toEqual({ effect: "explicit-deny", statement: "OnlyDigests" });
    expect(
      evaluate([everythingButIam, denyOutsideBucket], request("s3:PutObject", "arn:aws:s3:::digests/key"))
        .effect,
    ).toBe("allow");
  });

  it("holds StringEquals on every key, any value per key, and is false when the key is absent", () => {
    const metric = policy({
      Effect: "Allow",
      Action: "cloudwatch:PutMetricData",
      Resource: "*",
      Condition: {
        StringEquals: {
          "cloudwatch:namespace": "Kirikae",
          "aws:RequestedRegion": ["us-west-2", "us-east-1"],
        },
      },
    });
    const put = (context: AuthorizationRequest["context"]) =>
      evaluate([metric], request("cloudwatch:PutMetricData", "*", context)).effect;

    expect(put({ "cloudwatch:namespace": "Kirikae", "aws:RequestedRegion": "us-east-1" })).toBe("allow");
    expect(put({ "cloudwatch:namespace": "Kirikae", "aws:RequestedRegion": "eu-west-1" })).toBe(
      "implicit-deny",
    );
    expect(put({ "aws:RequestedRegion": "us-east-1" })).toBe("implicit-deny");
    // Condition key names are case-insensitive; their values are not.
    expect(put({ "CloudWatch:Namespace": "Kirikae", "AWS:requestedregion": "us-east-1" })).toBe("allow");
    expect(put({ "cloudwatch:namespace": "kirikae", "aws:RequestedRegion": "us-east-1" })).toBe(
      "implicit-deny",
    );
  });

  it("reads StringLike and ArnLike wildcards, and holds a negated operator when its key is absent", () => {
    const list = policy({
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: "arn:aws:s3:::digests",
      Condition: { StringLike: { "s3:prefix": "kirikae/digests/*" } },
    });
    const denyOthers = policy({
      Sid: "OnlyKirikae",
      Effect: "Deny",
      Action: "s3:*",
      Resource: "*",
      Condition: { ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::111122223333:role/kirikae-*" } },
    });
    const listing = (context: AuthorizationRequest["context"]) =>
      evaluate([list, denyOthers], request("s3:ListBucket", "arn:aws:s3:::digests", context));

    expect(
      listing({
        "s3:prefix": "kirikae/digests/shop/",
        "aws:PrincipalArn": "arn:aws:iam::111122223333:role/kirikae-x",
      }).effect,
    ).toBe("allow");
    expect(
      listing({ "s3:prefix": "other/", "aws:PrincipalArn": "arn:aws:iam::111122223333:role/kirikae-x" })
        .effect,
    ).toBe("implicit-deny");
    expect(
      listing({
        "s3:prefix": "kirikae/digests/shop/",
        "aws:PrincipalArn": "arn:aws:iam::111122223333:user/mallory",
      }),
    ).toEqual({ effect: "explicit-deny", statement: "OnlyKirikae" });
    expect(listing({ "s3:prefix": "kirikae/digests/shop/" })).toEqual({
      effect: "explicit-deny",
      statement: "OnlyKirikae",
    });
  });

  it("reads Bool and Null, and lets ...IfExists pass when the key is absent", () => {
    const secure = policy({
      Effect: "Allow",
      Action: "s3:PutObject",
      Resource: "*",
      Condition: { Bool: { "aws:SecureTransport": true }, Null: { "s3:if-none-match": "false" } },
    });
    const tagged = policy({
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: "*",
      Condition: { StringEqualsIfExists: { "s3:ExistingObjectTag/team": "sre" } },
    });

    expect(
      evaluate(
        [secure],
        request("s3:PutObject", "arn:aws:s3:::b/k", {
          "aws:SecureTransport": "TRUE",
          "s3:if-none-match": "*",
        }),
      ).effect,
    ).toBe("allow");
    expect(
      evaluate([secure], request("s3:PutObject", "arn:aws:s3:::b/k", { "aws:SecureTransport": "true" }))
        .effect,
    ).toBe("implicit-deny");
    expect(evaluate([tagged], request("s3:GetObject", "arn:aws:s3:::b/k")).effect).toBe("allow");
    expect(
      evaluate([tagged], request("s3:GetObject", "arn:aws:s3:::b/k", { "s3:ExistingObjectTag/team": "web" }))
        .effect,
    ).toBe("implicit-deny");
  });

  it("holds ForAllValues when every request value is listed, and ForAnyValue when one is", () => {
    const records = policy({
      Effect: "Allow",
      Action: "route53:ChangeResourceRecordSets",
      Resource: "arn:aws:route53:::hostedzone/Z1",
      Condition: {
        "ForAllValues:StringEquals": {
          "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["app.example.com", "api.example.com"],
          "route53:ChangeResourceRecordSetsActions": ["UPSERT"],
        },
      },
    });
    const sign = policy({
      Effect: "Allow",
      Action: "kms:Sign",
      Resource: "arn:aws:kms:us-west-2:111122223333:key/*",
      Condition: {
        "ForAnyValue:StringEquals": { "kms:ResourceAliases": "alias/kirikae-sandbox-audit-digests" },
      },
    });
    const change = (names: string[], actions: string[]) =>
      evaluate(
        [records],
        request("route53:ChangeResourceRecordSets", "arn:aws:route53:::hostedzone/Z1", {
          "route53:ChangeResourceRecordSetsNormalizedRecordNames": names,
          "route53:ChangeResourceRecordSetsActions": actions,
        }),
      ).effect;
    const signWith = (aliases: string[] | undefined) =>
      evaluate(
        [sign],
        request("kms:Sign", "arn:aws:kms:us-west-2:111122223333:key/k1", { "kms:ResourceAliases": aliases }),
      ).effect;

    expect(change(["app.example.com", "api.example.com"], ["UPSERT"])).toBe("allow");
    expect(change(["app.example.com", "admin.example.com"], ["UPSERT"])).toBe("implicit-deny");
    expect(change(["app.example.com"], ["UPSERT", "DELETE"])).toBe("implicit-deny");
    expect(signWith(["alias/other", "alias/kirikae-sandbox-audit-digests"])).toBe("allow");
    expect(signWith(["alias/other"])).toBe("implicit-deny");
    expect(signWith(undefined)).toBe("implicit-deny");
  });

  it("refuses to guess about an operator or a policy variable it does not evaluate", () => {
    const dated = policy({
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: "*",
      Condition: { DateLessThan: { "aws:CurrentTime": "2030-01-01T00:00:00Z" } },
    });
    const personal = policy({
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: "*",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, not a template
      Condition: { StringEquals: { "s3:prefix": "home/${aws:username}/" } },
    });

    expect(() => evaluate([dated], request("s3:GetObject", "arn:aws:s3:::b/k"))).toThrow(SandboxIamError);
    expect(() => evaluate([personal], request("s3:GetObject", "arn:aws:s3:::b/k"))).toThrow(
      /policy variable/,
    );
  });
});
