import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { CliAwsSettings } from "../../cli/cli-aws.js";
import { runKirikae } from "../support/run-kirikae.js";

/**
 * Each failure an operational command can meet, reproduced against a server on 127.0.0.1 that answers as
 * AWS does (STS's XML, DynamoDB's and Step Functions' JSON error bodies, with their HTTP statuses), or
 * does not answer at all: the real SDK clients the CLI builds parse them, and the CLI must turn each into
 * its one line, exit status and --json document.
 */

const ONCALL = "arn:aws:iam::111122223333:user/oncall";
const REGION = "ap-northeast-1";
const STAGE = "staging";
const STATE_TABLE = `arn:aws:dynamodb:${REGION}:111122223333:table/kirikae-${STAGE}-state`;
const FAILOVER_MACHINE = `arn:aws:states:${REGION}:111122223333:stateMachine:kirikae-${STAGE}-shop-failover`;

type Service = "sts" | "dynamodb" | "sfn";
interface Answer {
  status: number;
  body: string;
}
type Script = Partial<Record<Service, Answer | "hang">>;

const servers: Server[] = [];
afterEach(async () => {
  await closeAll();
});

async function closeAll() {
  await Promise.all(
    servers.splice(0).map((server) => {
      // A request left hanging on purpose would otherwise hold close() open.
      server.closeAllConnections();
      return new Promise((done) => server.close(done));
    }),
  );
}

/** A local endpoint answering as AWS would: the script's answer per service, success otherwise. */
async function awsAnswering(script: Script): Promise<string> {
  const server = createServer((request, response) => {
    void answer(script, request, response);
  });
  servers.push(server);
  await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function answer(script: Script, request: IncomingMessage, response: ServerResponse) {
  let body = "";
  for await (const chunk of request) body += String(chunk);
  const target = String(request.headers["x-amz-target"] ?? "");
  const service: Service = target.startsWith("DynamoDB_")
    ? "dynamodb"
    : target.startsWith("AWSStepFunctions.")
      ? "sfn"
      : "sts";
  const scripted = script[service];
  // Never answered: the client's request timeout must end the wait.
  if (scripted === "hang") return;
  const { status, body: text } = scripted ?? success(service, body);
  response.writeHead(status, {
    "content-type": service === "sts" ? "text/xml" : "application/x-amz-json-1.0",
    "x-amzn-requestid": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
  });
  response.end(text);
}

function success(service: Service, body: string): Answer {
  if (service === "sts") {
    return {
      status: 200,
      body: `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>${ONCALL}</Arn><UserId>AIDAEXAMPLE</UserId><Account>111122223333</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
    };
  }
  if (service === "dynamodb") return { status: 200, body: '{"Items":[],"Count":0,"ScannedCount":0}' };
  return { status: 200, body: body.includes("stateMachineArn") ? '{"executions":[]}' : "{}" };
}

const stsError = (status: number, code: string, message: string): Answer => ({
  status,
  body: `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0</RequestId></ErrorResponse>`,
});
const jsonError = (type: string, message: string, field = "message"): Answer => ({
  status: 400,
  body: JSON.stringify({ __type: type, [field]: message }),
});

const settings = (endpoint: string, more: Partial<CliAwsSettings> = {}): Partial<CliAwsSettings> => ({
  endpoint,
  credentials: async () => ({ accessKeyId: "AKIAEXAMPLE", secretAccessKey: "example" }),
  maxAttempts: 1,
  connectionTimeoutMs: 1_000,
  requestTimeoutMs: 1_000,
  ...more,
});

const STATUS = ["status", "--stage", STAGE, "--region", REGION];
const FAILOVER = ["failover", "--plan", "shop", "--reason", "drill", "--stage", STAGE, "--region", REGION];

/** Runs the command as text and as --json; both must say the same thing, with the same status. */
async function both(argv: string[], awsSettings: Partial<CliAwsSettings>) {
  const text = await runKirikae(argv, { awsSettings });
  const json = await runKirikae([...argv, "--json"], { awsSettings });
  return { text, json, document: JSON.parse(json.stdout || "null") as FailureDocument | null };
}

interface FailureDocument {
  ok: boolean;
  error: { code: string; message: string; hint: string };
}

/** One line on stderr, nothing on stdout, no stack. */
function expectOneLine(result: { stdout: string; stderr: string }) {
  expect(result.stdout).toBe("");
  expect(result.stderr.split("\n")).toHaveLength(2);
  expect(result.stderr).not.toMatch(/^\s+at /m);
}

describe("AWS failures, as a person at the CLI reads them", () => {
  it("says AWS does not accept the keys (InvalidClientTokenId from STS), exit 3", async () => {
    const endpoint = await awsAnswering({
      sts: stsError(403, "InvalidClientTokenId", "The security token included in the request is invalid."),
    });

    const { text, json, document } = await both(STATUS, settings(endpoint));

    expect(text.code).toBe(3);
    expectOneLine(text);
    expect(text.stderr).toBe(
      `✗ AWS does not accept these credentials (InvalidClientTokenId, calling sts:GetCallerIdentity in ${REGION}): The security token included in the request is invalid.; check which credentials are in use with \`aws sts get-caller-identity\` (AWS_ACCESS_KEY_ID in the environment wins over a profile), then refresh them (\`aws sso login\`) or use another profile with --profile\n`,
    );
    expect(json).toMatchObject({ code: 3, stderr: "" });
    expect(document).toMatchObject({
      ok: false,
      error: { code: "InvalidCredentials", hint: expect.any(String) },
    });
  });

  it("says the same of UnrecognizedClientException from DynamoDB", async () => {
    const endpoint = await awsAnswering({
      dynamodb: jsonError(
        "com.amazon.coral.service#UnrecognizedClientException",
        "The security token included in the request is invalid.",
      ),
    });

    const { text, document } = await both(STATUS, settings(endpoint));

    expect(text.code).toBe(3);
    expectOneLine(text);
    expect(text.stderr).toMatch(
      /^✗ AWS does not accept these credentials \(UnrecognizedClientException, calling dynamodb:Scan on kirikae-staging-state in ap-northeast-1\)/,
    );
    expect(document?.error.code).toBe("InvalidCredentials");
  });

  it("says the session token expired and to refresh the SSO session (ExpiredToken from STS)", async () => {
    const endpoint = await awsAnswering({
      sts: stsError(400, "ExpiredToken", "The security token included in the request is expired"),
    });

    const { text, json, document } = await both(STATUS, settings(endpoint));

    expect(text.code).toBe(3);
    expectOneLine(text);
    expect(text.stderr).toBe(
      `✗ your AWS session token has expired (ExpiredToken, calling sts:GetCallerIdentity in ${REGION}); refresh the SSO or session credentials (\`aws sso login\`, or new session credentials in the environment), then run the command again\n`,
    );
    expect(json.code).toBe(3);
    expect(document?.error).toMatchObject({
      code: "ExpiredCredentials",
      hint: expect.stringContaining("aws sso login"),
    });
  });

  it("says the same of ExpiredTokenException from DynamoDB", async () => {
    const endpoint = await awsAnswering({
      dynamodb: jsonError(
        "com.amazon.coral.service#ExpiredTokenException",
        "The security token included in the request is expired",
      ),
    });

    const { text, document } = await both(STATUS, settings(endpoint));

    expect(text.code).toBe(3);
    expect(text.stderr).toMatch(
      /^✗ your AWS session token has expired \(ExpiredTokenException, calling dynamodb:Scan/,
    );
    expect(document?.error.code).toBe("ExpiredCredentials");
  });

  it("names the action, the resource and the identity AWS denied (AccessDeniedException from DynamoDB)", async () => {
    const endpoint = await awsAnswering({
      dynamodb: jsonError(
        "com.amazon.coral.service#AccessDeniedException",
        `User: ${ONCALL} is not authorized to perform: dynamodb:Scan on resource: ${STATE_TABLE} because no identity-based policy allows the dynamodb:Scan action`,
      ),
    });

    const { text, document } = await both(STATUS, settings(endpoint));

    expect(text.code).toBe(3);
    expectOneLine(text);
    expect(text.stderr).toBe(
      `✗ AWS denied dynamodb:Scan on ${STATE_TABLE} to ${ONCALL} in ${REGION}; ask for dynamodb:Scan on ${STATE_TABLE} (docs/deploy.md lists the on-call policy), or run with a profile or role that has it (--profile)\n`,
    );
    expect(document?.error.code).toBe("AccessDenied");
  });

  it("names the state machine a denied StartExecution was for (AccessDeniedException from Step Functions)", async () => {
    const endpoint = await awsAnswering({
      sfn: jsonError(
        "com.amazon.coral.service#AccessDeniedException",
        `User: ${ONCALL} is not authorized to perform: states:StartExecution on resource: ${FAILOVER_MACHINE} because no identity-based policy allows the states:StartExecution action`,
        "Message",
      ),
    });

    const { text, document } = await both(FAILOVER, settings(endpoint));

    expect(text.code).toBe(3);
    expect(text.stderr).toMatch(
      new RegExp(
        `^✗ AWS denied states:StartExecution on ${FAILOVER_MACHINE} to ${ONCALL} in ${REGION}; ask for states:StartExecution`,
      ),
    );
    expect(text.stdout).toBe("");
    expect(document?.error.code).toBe("AccessDenied");
  });

  it("says which region did not answer and suggests the plan's other region (connection refused)", async () => {
    const closed = await awsAnswering({});
    await closeAll();

    const { text, document } = await both(STATUS, settings(closed));

    expect(text.code).toBe(3);
    expectOneLine(text);
    expect(text.stderr).toMatch(
      /^✗ AWS in ap-northeast-1 did not answer sts:GetCallerIdentity \(ECONNREFUSED: connect ECONNREFUSED 127\.0\.0\.1:\d+\); if ap-northeast-1 is down, run again with --region set to the plan's other region/,
    );
    expect(document?.error.code).toBe("RegionUnreachable");
  });

  it("gives up on a region that accepts the connection but never answers, after the client's timeout", async () => {
    const endpoint = await awsAnswering({ sts: "hang" });
    const began = Date.now();

    const result = await runKirikae(STATUS, { awsSettings: settings(endpoint, { requestTimeoutMs: 300 }) });

    expect(Date.now() - began).toBeLessThan(5_000);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      /^✗ AWS in ap-northeast-1 did not answer sts:GetCallerIdentity \((TimeoutError|ETIMEDOUT)/,
    );
  });

  it("names the table it looked for when the stage is not deployed in that region, exit 2", async () => {
    const endpoint = await awsAnswering({
      dynamodb: jsonError(
        "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
        "Requested resource not found",
      ),
    });

    const { text, document } = await both(STATUS, settings(endpoint));

    expect(text.code).toBe(2);
    expectOneLine(text);
    expect(text.stderr).toBe(
      `✗ no DynamoDB table kirikae-staging-state in ${REGION}: the stage is not deployed there; check --stage and --region (or KIRIKAE_STAGE and KIRIKAE_REGION): the stage must be deployed in that region (\`npx sst deploy --stage NAME\`), and each plan has its own state machines there\n`,
    );
    expect(document?.error.code).toBe("StageNotFound");
  });

  it("names the state machine it looked for when the plan is not deployed there (StateMachineDoesNotExist)", async () => {
    const endpoint = await awsAnswering({
      sfn: jsonError(
        "com.amazonaws.swf.service.v2.model#StateMachineDoesNotExist",
        `State Machine Does Not Exist: '${FAILOVER_MACHINE}'`,
      ),
    });

    const { text, document } = await both(FAILOVER, settings(endpoint));

    expect(text.code).toBe(2);
    expect(text.stderr).toMatch(
      new RegExp(`^✗ no state machine ${FAILOVER_MACHINE} in ${REGION}: the stage is not deployed there`),
    );
    expect(document?.error.code).toBe("StageNotFound");
  });

  it("says AWS kept throttling after the SDK's retries, exit 3", async () => {
    const endpoint = await awsAnswering({
      dynamodb: jsonError(
        "com.amazon.coral.availability#ThrottlingException",
        "Rate of requests exceeds the allowed throughput.",
      ),
    });

    const { text, document } = await both(STATUS, settings(endpoint, { maxAttempts: 2 }));

    expect(text.code).toBe(3);
    expectOneLine(text);
    expect(text.stderr).toMatch(
      /^✗ AWS throttled dynamodb:Scan on kirikae-staging-state in ap-northeast-1 and kept refusing it after the SDK's retries \(ThrottlingException\); wait a minute and run the command again/,
    );
    expect(document?.error.code).toBe("Throttled");
  });

  it("shows the AWS request ID and the stack only with --debug", async () => {
    const endpoint = await awsAnswering({
      sts: stsError(403, "InvalidClientTokenId", "The security token included in the request is invalid."),
    });

    const result = await runKirikae([...STATUS, "--debug"], { awsSettings: settings(endpoint) });

    expect(result.stderr).toContain("AWS request ID: 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
    expect(result.stderr).toMatch(/^\s+at /m);
  });
});

/**
 * The SDK's own credential chain, on a machine with no credentials and with an expired SSO session: the
 * environment and the AWS config files are this test's own, so nothing of the machine's is read and the
 * instance metadata service is never asked.
 */
describe("credentials from the SDK's chain", () => {
  const saved = { ...process.env };
  let home = "";

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), "kirikae-home-"));
    await mkdir(join(home, ".aws", "sso", "cache"), { recursive: true });
    await writeFile(
      join(home, ".aws", "config"),
      [
        "[profile oncall]",
        "sso_session = corp",
        "sso_account_id = 111122223333",
        "sso_role_name = OnCall",
        `region = ${REGION}`,
        "",
        "[sso-session corp]",
        "sso_start_url = https://example.awsapps.com/start",
        `sso_region = ${REGION}`,
        "",
      ].join("\n"),
    );
    // The token `aws sso login` left, cached under the SHA-1 of the session's name, expired long ago.
    const cached = createHash("sha1").update("corp").digest("hex");
    await writeFile(
      join(home, ".aws", "sso", "cache", `${cached}.json`),
      JSON.stringify({
        accessToken: "expired",
        expiresAt: "2020-01-01T00:00:00Z",
        region: REGION,
        startUrl: "https://example.awsapps.com/start",
      }),
    );
    for (const name of Object.keys(process.env)) if (name.startsWith("AWS_")) delete process.env[name];
    Object.assign(process.env, {
      HOME: home,
      AWS_CONFIG_FILE: join(home, ".aws", "config"),
      AWS_SHARED_CREDENTIALS_FILE: join(home, ".aws", "credentials"),
      AWS_EC2_METADATA_DISABLED: "true",
    });
  });

  afterAll(async () => {
    for (const name of Object.keys(process.env)) delete process.env[name];
    Object.assign(process.env, saved);
    await rm(home, { recursive: true, force: true });
  });

  it("says no credentials were found and how to sign in, exit 3", async () => {
    const endpoint = await awsAnswering({});

    const { text, document } = await both(STATUS, { endpoint, maxAttempts: 1 });

    expect(text.code).toBe(3);
    expectOneLine(text);
    expect(text.stderr).toBe(
      "✗ no AWS credentials found; sign in (`aws sso login`), pass --profile or set AWS_PROFILE, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; then run the command again\n",
    );
    expect(document?.error.code).toBe("NoCredentials");
  });

  it("says the SSO session of the --profile expired and to log in again, taking the region from the profile", async () => {
    const endpoint = await awsAnswering({});
    const argv = ["status", "--stage", STAGE, "--profile", "oncall"];

    const { text, document } = await both(argv, { endpoint, maxAttempts: 1 });

    expect(text.code).toBe(3);
    expectOneLine(text);
    expect(text.stderr).toMatch(
      /^✗ your AWS sign-in has expired \(profile oncall\): .*; refresh the session \(`aws sso login --profile oncall`\), then run the command again\n$/,
    );
    expect(document?.error.code).toBe("ExpiredCredentials");
  });
});
