import { beforeAll, describe, expect, it } from "vitest";
import { loadPlanFile } from "../../core/plan/load-plan-file.js";
import { validatePlan } from "../../core/plan/validate-plan.js";
import { accessOf, functionPolicy, type PolicyDocument, type PolicyStatement } from "../../infra/grants.js";
import { deployedPlans, IRELAND, OREGON, SINGAPORE, TOKYO, VIRGINIA } from "./support/deployed-plans.js";
import { ACCOUNT, type MockDeploy, mockDeploy, ROLE, ROLE_POLICY, STAGE } from "./support/mock-deploy.js";

let deploy: MockDeploy;

beforeAll(async () => {
  const { shop, payments } = await deployedPlans();
  deploy = await mockDeploy([shop, payments]);
});

const policies = () =>
  deploy.ofType(ROLE_POLICY).map((policy) => ({
    role: String(policy.inputs.role),
    document: JSON.parse(String(policy.inputs.policy)) as PolicyDocument,
  }));
const functionPolicies = () => policies().filter(({ role }) => !/-workflows-|-alarm-forwarding$/.test(role));
const statementsOf = (role: string) => policies().find((policy) => policy.role === role)?.document.Statement;

// The Singapore control plane serves the shop plan (Tokyo active, Singapore standby).
const R = SINGAPORE;
const state = `arn:aws:dynamodb:${R}:${ACCOUNT}:table/kirikae-${STAGE}-state`;
const audit = `arn:aws:dynamodb:${R}:${ACCOUNT}:table/kirikae-${STAGE}-audit`;
const topic = `arn:aws:sns:${R}:${ACCOUNT}:kirikae-${STAGE}-notifications`;
const globalCluster = `arn:aws:rds::${ACCOUNT}:global-cluster:shop-global`;
const members = [
  `arn:aws:rds:${TOKYO}:${ACCOUNT}:cluster:shop-tokyo`,
  `arn:aws:rds:${SINGAPORE}:${ACCOUNT}:cluster:shop-singapore`,
];
const eksClusters = [
  `arn:aws:eks:${TOKYO}:${ACCOUNT}:cluster/shop-tokyo`,
  `arn:aws:eks:${SINGAPORE}:${ACCOUNT}:cluster/shop-singapore`,
];
const nodegroups = [
  ...["web", "api", "worker"].map((name) => `arn:aws:eks:${TOKYO}:${ACCOUNT}:nodegroup/shop-tokyo/${name}/*`),
  ...["web", "api", "worker"].map(
    (name) => `arn:aws:eks:${SINGAPORE}:${ACCOUNT}:nodegroup/shop-singapore/${name}/*`,
  ),
];
const zone = "arn:aws:route53:::hostedzone/Z0123456789EXAMPLE";
const healthChecks = [
  "arn:aws:route53:::healthcheck/0f6c1a2e-7b3d-4e5f-8a9b-1c2d3e4f5a6b",
  "arn:aws:route53:::healthcheck/9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
];
const triggerAlarms = [
  `arn:aws:cloudwatch:${VIRGINIA}:${ACCOUNT}:alarm:shop-tokyo-health-check`,
  `arn:aws:cloudwatch:${TOKYO}:${ACCOUNT}:alarm:shop-tokyo-5xx-rate`,
  `arn:aws:cloudwatch:${SINGAPORE}:${ACCOUNT}:alarm:shop-tokyo-canary-from-singapore`,
];
const indexes = ["byExecution", "byDay", "byActor", "byAction"].map((index) => `${audit}/index/${index}`);
const inPlanRegions = { StringEquals: { "aws:RequestedRegion": [TOKYO, SINGAPORE] } };

const s = (Sid: string, Action: string[], Resource: string[], Condition?: PolicyStatement["Condition"]) => ({
  Sid,
  Effect: "Allow",
  Action,
  Resource,
  ...(Condition ? { Condition } : {}),
});
const logs = (key: string) =>
  s(
    "WriteOwnLogs",
    ["logs:CreateLogStream", "logs:PutLogEvents"],
    [`arn:aws:logs:${R}:${ACCOUNT}:log-group:/aws/lambda/kirikae-${STAGE}-${key}:*`],
  );
// The shop plan moves traffic with S3 object gates kept in Singapore: one object per region.
const setShopGates = s(
  "SetObjectGates",
  ["s3:PutObject"],
  [TOKYO, SINGAPORE].map((region) => `arn:aws:s3:::shop-traffic-gates/kirikae/gates/shop/${region}`),
);
const readState = s("ReadPlanState", ["dynamodb:GetItem"], [state]);
const updateState = s("UpdatePlanState", ["dynamodb:UpdateItem"], [state]);
const appendAudit = s("AppendAuditRecords", ["dynamodb:Query", "dynamodb:PutItem"], [audit]);
const notify = s("Notify", ["sns:Publish"], [topic]);
const describeGlobal = s("DescribeGlobalDatabase", ["rds:DescribeGlobalClusters"], [globalCluster]);
const probeMembers = s("ProbeMemberClusters", ["rds:DescribeDBClusters"], members);
const readLag = s("ReadReplicationLag", ["cloudwatch:GetMetricData"], ["*"], inPlanRegions);
const describeEks = s("DescribeEksClusters", ["eks:DescribeCluster", "eks:ListNodegroups"], eksClusters);
const describeNodegroups = s("DescribeNodegroups", ["eks:DescribeNodegroup"], nodegroups);
const scaleNodegroups = s("ScaleNodegroups", ["eks:UpdateNodegroupConfig"], nodegroups);
const readHealth = s("ReadHealthChecks", ["route53:GetHealthCheckStatus"], healthChecks);
const describeAlarms = s("DescribeTriggerAlarms", ["cloudwatch:DescribeAlarms"], triggerAlarms);
const queryAudit = s("QueryAuditTrail", ["dynamodb:Query"], [audit, ...indexes]);
// The digest writers: this region's signing key by its alias, this region's digest bucket, its prefix only.
const digestBucket = `arn:aws:s3:::kirikae-${STAGE}-dg-${ACCOUNT}-${R}`;
const writeDigests = [
  s("SignAuditDigests", ["kms:Sign"], [`arn:aws:kms:${R}:${ACCOUNT}:key/*`], {
    "ForAnyValue:StringEquals": { "kms:ResourceAliases": [`alias/kirikae-${STAGE}-audit-digests`] },
  }),
  s("ListAuditDigests", ["s3:ListBucket"], [digestBucket], {
    StringLike: { "s3:prefix": ["kirikae/digests/*"] },
  }),
  s(
    "WriteAuditDigests",
    ["s3:GetObject", "s3:PutObject", "s3:PutObjectRetention"],
    [`${digestBucket}/kirikae/digests/*`],
  ),
];
// The run's incident report, beside the digests, under its own prefix: put only, never read or listed.
const writeReports = s("WriteIncidentReports", ["s3:PutObject"], [`${digestBucket}/kirikae/reports/*`]);

/** Every statement of every function's policy in one region, written out: what each function may do. */
const expected: Record<string, unknown[]> = {
  acceptRequest: [logs("acceptRequest"), readState, updateState, appendAudit],
  precheck: [
    logs("precheck"),
    describeGlobal,
    probeMembers,
    readLag,
    describeEks,
    describeNodegroups,
    readHealth,
    appendAudit,
  ],
  requestApproval: [logs("requestApproval"), updateState, appendAudit, notify],
  promoteDatabase: [
    logs("promoteDatabase"),
    describeGlobal,
    probeMembers,
    readLag,
    s(
      "PromoteGlobalDatabase",
      ["rds:SwitchoverGlobalCluster", "rds:FailoverGlobalCluster"],
      [globalCluster, ...members],
    ),
    // A switchover flips the gates inside its window with no writer.
    setShopGates,
    // Evidence about the old primary: its region's health checks (advisory).
    readHealth,
    appendAudit,
  ],
  scaleNodegroups: [logs("scaleNodegroups"), describeEks, describeNodegroups, scaleNodegroups, appendAudit],
  scaleDownNodegroups: [
    logs("scaleDownNodegroups"),
    describeEks,
    describeNodegroups,
    scaleNodegroups,
    appendAudit,
  ],
  // Gates only: no Route 53 record may be edited, and the switch is confirmed over DNS, not through the API.
  switchTraffic: [logs("switchTraffic"), describeGlobal, setShopGates, appendAudit],
  verifyRecovery: [logs("verifyRecovery"), describeGlobal, readHealth, describeEks, appendAudit],
  completeWorkflow: [
    logs("completeWorkflow"),
    updateState,
    appendAudit,
    notify,
    ...writeDigests,
    writeReports,
  ],
  abortWorkflow: [
    logs("abortWorkflow"),
    describeGlobal,
    describeEks,
    describeNodegroups,
    scaleNodegroups,
    updateState,
    appendAudit,
    notify,
    ...writeDigests,
    writeReports,
  ],
  // Decides from the event and its own table: no alarm read, nothing in the watched region.
  detectAlarm: [
    logs("detectAlarm"),
    readState,
    updateState,
    // The failover machine of each plan whose alarms come here: the shop plan's, by name.
    s(
      "StartFailover",
      ["states:StartExecution"],
      [`arn:aws:states:${R}:${ACCOUNT}:stateMachine:kirikae-${STAGE}-shop-failover`],
    ),
    appendAudit,
    s(
      "SendFailedAlarmEvents",
      ["sqs:SendMessage"],
      [`arn:aws:sqs:${R}:${ACCOUNT}:kirikae-${STAGE}-detector-failures`],
    ),
  ],
  // The shop plan prepares during its hold: the standby's nodegroups raised early, on its own cluster only.
  prepareCapacity: [
    logs("prepareCapacity"),
    readState,
    describeEks,
    describeNodegroups,
    scaleNodegroups,
    appendAudit,
  ],
  // A flap after that: the same nodegroups back to standby, then the lock freed and the page sent.
  undoPreparation: [
    logs("undoPreparation"),
    readState,
    updateState,
    describeEks,
    describeNodegroups,
    scaleNodegroups,
    appendAudit,
    notify,
  ],
  // The hold: re-reads the trigger alarms in their own regions, and on a flap frees the lock.
  confirmSignal: [logs("confirmSignal"), readState, updateState, describeAlarms, appendAudit, notify],
  queryAudit: [logs("queryAudit"), queryAudit],
  // Hourly digests of each plan's chain; a failure is recorded and notified.
  writeDigests: [logs("writeDigests"), appendAudit, notify, ...writeDigests],
  // Drains the detector's dead-letter queue into the trail: receive and delete, on that queue only.
  linkEvidence: [
    logs("linkEvidence"),
    s(
      "DrainFailedAlarmEvents",
      ["sqs:ReceiveMessage", "sqs:DeleteMessage"],
      [`arn:aws:sqs:${R}:${ACCOUNT}:kirikae-${STAGE}-detector-failures`],
    ),
    s("LookupCloudTrailEvidence", ["cloudtrail:LookupEvents"], ["*"], {
      StringEquals: { "aws:RequestedRegion": [TOKYO, SINGAPORE, VIRGINIA] },
    }),
    queryAudit,
    appendAudit,
  ],
  // Singapore recovers the shop plan: after a data-loss failover it fences Tokyo, Tokyo's capacity only.
  fenceReturnedRegions: [
    logs("fenceReturnedRegions"),
    readState,
    updateState,
    s(
      "ProbeReturningClusters",
      ["eks:DescribeCluster"],
      [`arn:aws:eks:${TOKYO}:${ACCOUNT}:cluster/shop-tokyo`],
    ),
    s(
      "FenceReturningNodegroups",
      ["eks:DescribeNodegroup", "eks:UpdateNodegroupConfig"],
      ["web", "api", "worker"].map(
        (name) => `arn:aws:eks:${TOKYO}:${ACCOUNT}:nodegroup/shop-tokyo/${name}/*`,
      ),
    ),
    appendAudit,
    notify,
  ],
  checkReadiness: [
    logs("checkReadiness"),
    readState,
    describeGlobal,
    probeMembers,
    readLag,
    describeEks,
    describeNodegroups,
    s("ListPlanRecords", ["route53:ListResourceRecordSets"], [zone]),
    readHealth,
    // What each gated record's health check follows: the gate's, which Route 53 named at deploy time.
    s("ReadGateHealthChecks", ["route53:GetHealthCheck"], ["arn:aws:route53:::healthcheck/*"]),
    describeAlarms,
    s("FindAlarmRules", ["events:ListRules", "events:TestEventPattern"], ["*"], {
      StringEquals: { "aws:RequestedRegion": [VIRGINIA, TOKYO, SINGAPORE] },
    }),
    s(
      "ReadAlarmRuleTargets",
      ["events:ListTargetsByRule"],
      [VIRGINIA, TOKYO, SINGAPORE].map((region) => `arn:aws:events:${region}:${ACCOUNT}:rule/*`),
    ),
    s("PublishReadinessGaps", ["cloudwatch:PutMetricData"], ["*"], {
      StringEquals: { "cloudwatch:namespace": "Kirikae", "aws:RequestedRegion": R },
    }),
    notify,
  ],
};

/** Actions AWS authorises on no resource narrower than "*"; each grant of one must carry a condition. */
const NO_RESOURCE_LEVEL = new Set([
  "cloudwatch:GetMetricData",
  "cloudwatch:PutMetricData",
  "route53:TestDNSAnswer",
  "cloudtrail:LookupEvents",
  "events:ListRules",
  "events:TestEventPattern",
]);
/** ARNs that end in a wildcard because AWS, not the plan, chooses that part of the name. */
const PARTIAL_WILDCARDS = [
  /^arn:aws:logs:[a-z0-9-]+:\d{12}:log-group:\/aws\/lambda\/kirikae-test-[A-Za-z]+:\*$/, // log streams
  /^arn:aws:eks:[a-z0-9-]+:\d{12}:nodegroup\/[^*/]+\/[^*/]+\/\*$/, // a nodegroup's generated ID
  /^arn:aws:route53:::change\/\*$/, // a change's ID
  /^arn:aws:route53:::healthcheck\/\*$/, // a gate's health check, read only, readiness only
  /^arn:aws:events:[a-z0-9-]+:\d{12}:rule\/\*$/, // rules matching an alarm, read only, readiness only
  /^arn:aws:kms:[a-z0-9-]+:\d{12}:key\/\*$/, // a key's ID; held to the digest key's alias by a condition
  /^arn:aws:s3:::kirikae-test-dg-\d{12}-[a-z0-9-]+\/kirikae\/digests\/\*$/, // digests, named by their time
  /^arn:aws:s3:::kirikae-test-dg-\d{12}-[a-z0-9-]+\/kirikae\/reports\/\*$/, // reports, named by their run
  /^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9-_]+:\*$/, // a plan's function's versions and aliases
];

describe("each function's policy", () => {
  it("is exactly the statements its code needs, on the plan's own resources", () => {
    for (const [key, statements] of Object.entries(expected)) {
      expect(statementsOf(`kirikae-${STAGE}-${key}-${R}`), key).toEqual(statements);
    }
    // Every function of the region is covered above.
    expect(functionPolicies().filter(({ role }) => role.endsWith(`-${R}`)).length).toBe(
      Object.keys(expected).length,
    );
  });

  it("lets a detector start no failover in a region that recovers no plan: a plan's alarms go to its recovery region", () => {
    const startsIn = (region: string) =>
      (statementsOf(`kirikae-${STAGE}-detectAlarm-${region}`) ?? []).filter((statement) =>
        statement.Action.includes("states:StartExecution"),
      );

    expect(startsIn(TOKYO)).toEqual([]);
    expect(startsIn(OREGON)).toEqual([]);
    expect(startsIn(IRELAND).flatMap((statement) => statement.Resource)).toEqual([
      `arn:aws:states:${IRELAND}:${ACCOUNT}:stateMachine:kirikae-${STAGE}-payments-api-failover`,
    ]);
  });

  it("lets the fencing in a plan's home region touch no EKS resource: only the recovery region fences it", () => {
    const tokyo = statementsOf(`kirikae-${STAGE}-fenceReturnedRegions-${TOKYO}`) ?? [];

    expect(tokyo.map((statement) => statement.Sid)).toEqual([
      "WriteOwnLogs",
      "ReadPlanState",
      "UpdatePlanState",
      "AppendAuditRecords",
      "Notify",
    ]);
  });

  it("grants no wildcard action anywhere, and no wildcard resource a function does not need", () => {
    for (const { role, document } of functionPolicies()) {
      for (const statement of document.Statement) {
        expect(statement.Effect, role).toBe("Allow");
        for (const action of statement.Action) expect(action, `${role} ${statement.Sid}`).not.toContain("*");
        for (const resource of statement.Resource) {
          if (resource === "*") {
            expect(
              statement.Action.every((action) => NO_RESOURCE_LEVEL.has(action)),
              `${role} ${statement.Sid}`,
            ).toBe(true);
            expect(
              statement.Condition,
              `${role} ${statement.Sid} grants "*" without a condition`,
            ).toBeDefined();
          } else if (resource.includes("*")) {
            expect(
              PARTIAL_WILDCARDS.some((pattern) => pattern.test(resource)),
              `${role} ${statement.Sid}: ${resource}`,
            ).toBe(true);
          }
        }
      }
    }
  });

  it("reaches only the plans its region serves", () => {
    const mentions = (region: string, text: string) =>
      functionPolicies()
        .filter(({ role }) => role.endsWith(`-${region}`))
        .some(({ document }) => JSON.stringify(document).includes(text));

    for (const region of [OREGON, IRELAND]) {
      expect(mentions(region, "shop"), region).toBe(false);
      expect(mentions(region, "payments"), region).toBe(true);
    }
    for (const region of [TOKYO, SINGAPORE]) expect(mentions(region, "payments"), region).toBe(false);
  });

  it("lets no kirikae role delete or overwrite a digest, loosen its lock, or delete or disable the signing key", () => {
    const destructive = [
      /^s3:DeleteObject/,
      /^s3:PutBucketObjectLockConfiguration$/,
      /^s3:BypassGovernanceRetention$/,
      /^s3:PutBucketPolicy$/,
      /^s3:PutBucketVersioning$/,
      /^s3:PutLifecycleConfiguration$/,
      /^s3:DeleteBucket/,
      /^kms:ScheduleKeyDeletion$/,
      /^kms:DisableKey$/,
      /^kms:PutKeyPolicy$/,
      /^kms:CreateGrant$/,
      /^kms:(Delete|Update)Alias$/,
    ];
    for (const { role, document } of policies()) {
      const granted = document.Statement.flatMap((statement) => statement.Action);
      expect(
        granted.filter((action) => destructive.some((pattern) => pattern.test(action))),
        role,
      ).toEqual([]);
    }
    // And should anyone grant it later, the key's and the bucket's own policies deny it to kirikae's roles.
    for (const key of deploy.ofType("aws:kms/key:Key")) {
      const deny = (JSON.parse(String(key.inputs.policy)) as PolicyDocument).Statement.find(
        (statement) => statement.Effect === "Deny",
      );
      expect(deny?.Action).toEqual(expect.arrayContaining(["kms:ScheduleKeyDeletion", "kms:DisableKey"]));
      expect(deny?.Condition).toEqual({
        ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:role/kirikae-${STAGE}-*` },
      });
    }
    const bucketPolicies = deploy
      .ofType("aws:s3/bucketPolicy:BucketPolicy")
      .map((policy) => JSON.parse(String(policy.inputs.policy)) as PolicyDocument)
      .filter((policy) => policy.Statement.some((statement) => statement.Sid === "NoDigestIsEverDeleted"));
    expect(bucketPolicies).toHaveLength(4);
    for (const policy of bucketPolicies) {
      expect(policy.Statement.find((statement) => statement.Sid === "NoDigestIsEverDeleted")).toMatchObject({
        Effect: "Deny",
        Principal: "*",
        Action: ["s3:DeleteObject", "s3:DeleteObjectVersion"],
      });
      expect(
        policy.Statement.find((statement) => statement.Sid === "NoPutOverAnExistingDigest"),
      ).toMatchObject({
        Effect: "Deny",
        Action: ["s3:PutObject"],
        Condition: { Null: { "s3:if-none-match": "true" } },
      });
    }
  });

  it("lets no one update or delete an audit record: no grant of it, and the table's own policy denies it to everyone", () => {
    const rewrites = [
      "dynamodb:UpdateItem",
      "dynamodb:DeleteItem",
      "dynamodb:BatchWriteItem",
      "dynamodb:PartiQLUpdate",
      "dynamodb:PartiQLDelete",
    ];
    for (const { role, document } of policies()) {
      for (const statement of document.Statement) {
        if (!statement.Resource.some((resource) => resource.includes(`table/kirikae-${STAGE}-audit`)))
          continue;
        expect(
          statement.Action.filter((action) => rewrites.includes(action)),
          role,
        ).toEqual([]);
      }
    }
    const guards = deploy.ofType("aws:dynamodb/resourcePolicy:ResourcePolicy");
    expect(guards.map((guard) => guard.region).sort()).toEqual([IRELAND, SINGAPORE, TOKYO, OREGON].sort());
    for (const guard of guards) {
      const auditArn = `arn:aws:dynamodb:${guard.region}:${ACCOUNT}:table/kirikae-${STAGE}-audit`;
      expect(guard.inputs.resourceArn).toBe(auditArn);
      expect(JSON.parse(String(guard.inputs.policy))).toEqual({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "AuditRecordsAreAppendOnly",
            Effect: "Deny",
            Principal: "*",
            Action: rewrites,
            Resource: [auditArn],
          },
          {
            Sid: "AuditTableStaysAndStaysGuarded",
            Effect: "Deny",
            Principal: "*",
            Action: [
              "dynamodb:DeleteTable",
              "dynamodb:UpdateTable",
              "dynamodb:UpdateContinuousBackups",
              "dynamodb:UpdateTimeToLive",
              "dynamodb:PutResourcePolicy",
              "dynamodb:DeleteResourcePolicy",
            ],
            Resource: [auditArn],
          },
        ],
      });
    }
  });

  it("lets only the named break-glass role remove the audit table, turn off its protection or change its guard", async () => {
    const breakGlassRoleArn = "arn:aws:iam::111122223333:role/kirikae-break-glass";
    const { shop } = await deployedPlans();
    const guarded = await mockDeploy([shop], { breakGlassRoleArn });

    const guards = guarded.ofType("aws:dynamodb/resourcePolicy:ResourcePolicy");
    expect(guards).not.toHaveLength(0);
    for (const guard of guards) {
      const policy = JSON.parse(String(guard.inputs.policy)) as PolicyDocument;
      const tableChanges = policy.Statement.find(
        (statement) => statement.Sid === "AuditTableStaysAndStaysGuarded",
      );
      expect(tableChanges?.Action).toContain("dynamodb:DeleteTable");
      expect(tableChanges?.Condition).toEqual({ ArnNotEquals: { "aws:PrincipalArn": breakGlassRoleArn } });
      // Records stay append-only for the break-glass role too: it may remove the table, not edit history.
      const records = policy.Statement.find((statement) => statement.Sid === "AuditRecordsAreAppendOnly");
      expect(records?.Condition).toBeUndefined();
    }
  });

  it("fails the deploy for a function whose access nobody declared, naming where to declare it", () => {
    expect(() => accessOf("somethingNew")).toThrow(
      /somethingNew has no access declared in infra\/access\.ts/,
    );
  });
});

describe("what moves traffic", () => {
  const ROUTE53_WRITES = ["route53:ChangeResourceRecordSets", "route53:GetChange", "route53:TestDNSAnswer"];
  const actionsOf = (statements: readonly PolicyStatement[] | undefined) =>
    (statements ?? []).flatMap((statement) => statement.Action);
  const gateActions = [
    "s3:PutObject",
    "route53-recovery-cluster:UpdateRoutingControlStates",
    "route53-recovery-cluster:UpdateRoutingControlState",
  ];

  it("keeps Route 53 record edits for a plan that switches by editing records, and gives it no gate", () => {
    const zoneOfPayments = "arn:aws:route53:::hostedzone/Z9876543210EXAMPLE";

    expect(statementsOf(`kirikae-${STAGE}-switchTraffic-${IRELAND}`)).toEqual([
      s(
        "WriteOwnLogs",
        ["logs:CreateLogStream", "logs:PutLogEvents"],
        [`arn:aws:logs:${IRELAND}:${ACCOUNT}:log-group:/aws/lambda/kirikae-${STAGE}-switchTraffic:*`],
      ),
      s(
        "DescribeGlobalDatabase",
        ["rds:DescribeGlobalClusters"],
        [`arn:aws:rds::${ACCOUNT}:global-cluster:payments-global`],
      ),
      s("ListPlanRecords", ["route53:ListResourceRecordSets"], [zoneOfPayments]),
      s("ChangeRecordsOfPaymentsApi", ["route53:ChangeResourceRecordSets"], [zoneOfPayments], {
        "ForAllValues:StringEquals": {
          "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["api.payments.example.com"],
          "route53:ChangeResourceRecordSetsRecordTypes": ["A"],
          "route53:ChangeResourceRecordSetsActions": ["UPSERT"],
        },
      }),
      s("WatchRecordChanges", ["route53:GetChange"], ["arn:aws:route53:::change/*"]),
      s(
        "AppendAuditRecords",
        ["dynamodb:Query", "dynamodb:PutItem"],
        [`arn:aws:dynamodb:${IRELAND}:${ACCOUNT}:table/kirikae-${STAGE}-audit`],
      ),
    ]);
    for (const region of [OREGON, IRELAND]) {
      for (const key of ["switchTraffic", "promoteDatabase"]) {
        const actions = actionsOf(statementsOf(`kirikae-${STAGE}-${key}-${region}`));
        expect(
          actions.filter((action) => gateActions.includes(action)),
          `${key} ${region}`,
        ).toEqual([]);
        expect(actions, `${key} ${region}`).not.toContain("cloudwatch:PutMetricData");
      }
    }
  });

  it("gives no function of a gated plan's regions any way to edit a record, nor TestDNSAnswer anywhere", () => {
    for (const { role, document } of functionPolicies()) {
      const actions = actionsOf(document.Statement);
      expect(actions, role).not.toContain("route53:TestDNSAnswer");
      if (role.endsWith(`-${TOKYO}`) || role.endsWith(`-${SINGAPORE}`)) {
        expect(
          actions.filter((action) => ROUTE53_WRITES.includes(action)),
          role,
        ).toEqual([]);
      }
    }
  });

  it("lets the steps that flip ARC gates update exactly the plan's routing controls, and nothing on Route 53's API", async () => {
    const orders = await loadPlanFile("examples/virginia-oregon.plan.json");
    const scope = { stage: STAGE, region: OREGON, account: ACCOUNT, plans: [orders] };
    const controls = Object.values(
      orders.dns.gates?.kind === "arc-routing-control" ? orders.dns.gates.routingControls : {},
    );

    expect(controls).toHaveLength(2);
    for (const key of ["promoteDatabase", "switchTraffic"]) {
      const statements = functionPolicy(key, scope).Statement;
      expect(
        statements.filter((statement) => statement.Sid === "SetRoutingControls"),
        key,
      ).toEqual([s("SetRoutingControls", ["route53-recovery-cluster:UpdateRoutingControlStates"], controls)]);
      // Reading a health check's status is the promotion's advisory evidence; nothing may edit records.
      expect(
        actionsOf(statements).filter(
          (action) =>
            (action.startsWith("route53:") && action !== "route53:GetHealthCheckStatus") ||
            action.startsWith("s3:"),
        ),
        key,
      ).toEqual([]);
    }
  });

  it("lets the steps that flip alarm gates publish only the gates' namespace, only where the gates' alarms live", async () => {
    const { shop } = await deployedPlans();
    const validated = validatePlan({ ...shop, dns: { ...shop.dns, gates: { kind: "cloudwatch-alarm" } } });
    if (!validated.ok) throw new Error(JSON.stringify(validated.issues));
    const scope = { stage: STAGE, region: SINGAPORE, account: ACCOUNT, plans: [validated.plan] };

    for (const key of ["promoteDatabase", "switchTraffic"]) {
      const statements = functionPolicy(key, scope).Statement;
      expect(
        statements.filter((statement) => statement.Action.includes("cloudwatch:PutMetricData")),
        key,
      ).toEqual([
        s("PublishGateMetrics", ["cloudwatch:PutMetricData"], ["*"], {
          StringEquals: {
            "cloudwatch:namespace": "Kirikae/TrafficGates",
            "aws:RequestedRegion": [SINGAPORE],
          },
        }),
      ]);
      expect(
        actionsOf(statements).filter((action) => gateActions.includes(action)),
        key,
      ).toEqual([]);
    }
    // Nothing else that runs in a workflow may publish into the gates' namespace.
    for (const key of ["precheck", "verifyRecovery", "abortWorkflow", "completeWorkflow"]) {
      expect(actionsOf(functionPolicy(key, scope).Statement), key).not.toContain("cloudwatch:PutMetricData");
    }
  });
});

describe("the roles", () => {
  it("are assumable only by their own service, the state machines' and forwarding ones only from this account", () => {
    const trusted = (role: { inputs: Record<string, unknown> }) =>
      (JSON.parse(String(role.inputs.assumeRolePolicy)) as { Statement: Array<Record<string, unknown>> })
        .Statement;

    for (const role of deploy.ofType(ROLE)) {
      const name = String(role.inputs.name);
      const service = name.includes("-workflows-")
        ? "states.amazonaws.com"
        : name.endsWith("-alarm-forwarding")
          ? "events.amazonaws.com"
          : "lambda.amazonaws.com";
      expect(trusted(role), name).toEqual([
        {
          Effect: "Allow",
          Principal: { Service: service },
          Action: "sts:AssumeRole",
          ...(service === "lambda.amazonaws.com"
            ? {}
            : { Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } } }),
        },
      ]);
      expect(name.length, name).toBeLessThanOrEqual(64);
    }
  });

  it('lets the state machines invoke their tasks, and use "*" only for log delivery and traces, which AWS scopes no narrower', () => {
    const machinesRole = statementsOf(`kirikae-${STAGE}-workflows-${R}`) ?? [];

    expect(machinesRole.map((statement) => [statement.Sid, statement.Resource.includes("*")])).toEqual([
      ["InvokeTaskFunctions", false],
      ["DeliverExecutionLogs", true],
      ["SendTraces", true],
    ]);
    for (const statement of machinesRole.filter((candidate) => candidate.Resource.includes("*"))) {
      expect(
        statement.Action.every((action) => action.startsWith("logs:") || action.startsWith("xray:")),
      ).toBe(true);
    }
  });

  it("lets EventBridge forward alarm events only onto the recovery regions' default buses", () => {
    expect(statementsOf(`kirikae-${STAGE}-alarm-forwarding`)).toEqual([
      s(
        "ForwardAlarmEvents",
        ["events:PutEvents"],
        [SINGAPORE, IRELAND].map((region) => `arn:aws:events:${region}:${ACCOUNT}:event-bus/default`),
      ),
    ]);
  });

  it("keeps every inline policy within IAM's 10,240-character limit", () => {
    for (const { role, document } of policies())
      expect(JSON.stringify(document).length, role).toBeLessThanOrEqual(10_240);
  });
});

describe("the on-call engineer's failback policy", () => {
  it("allows StartExecution on each plan's own failback state machine in its home region, following and cancelling its runs, and nothing else", () => {
    const { onCallFailbackPolicy } = deploy.outputs as { onCallFailbackPolicy: string };

    expect(JSON.parse(onCallFailbackPolicy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        s(
          "StartFailback",
          ["states:StartExecution"],
          [
            `arn:aws:states:${TOKYO}:${ACCOUNT}:stateMachine:kirikae-${STAGE}-shop-failback`,
            `arn:aws:states:${OREGON}:${ACCOUNT}:stateMachine:kirikae-${STAGE}-payments-api-failback`,
          ],
        ),
        s(
          "FollowAndCancelRuns",
          ["states:DescribeExecution", "states:GetExecutionHistory", "states:StopExecution"],
          [
            ...[TOKYO, SINGAPORE].flatMap((region) =>
              ["failover", "failback"].map(
                (kind) => `arn:aws:states:${region}:${ACCOUNT}:execution:kirikae-${STAGE}-shop-${kind}:*`,
              ),
            ),
            ...[OREGON, IRELAND].flatMap((region) =>
              ["failover", "failback"].map(
                (kind) =>
                  `arn:aws:states:${region}:${ACCOUNT}:execution:kirikae-${STAGE}-payments-api-${kind}:*`,
              ),
            ),
          ],
        ),
        s(
          "EscalateCancelledRuns",
          ["lambda:InvokeFunction"],
          [TOKYO, SINGAPORE, OREGON, IRELAND].map(
            (region) => `arn:aws:lambda:${region}:${ACCOUNT}:function:kirikae-${STAGE}-abortWorkflow`,
          ),
        ),
      ],
    });
  });
});
