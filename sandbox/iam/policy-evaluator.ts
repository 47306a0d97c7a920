import { SandboxIamError } from "./iam-errors.js";

/**
 * IAM's evaluation of identity-based policies, as the IAM User Guide describes it ("Policy evaluation
 * logic", "IAM JSON policy elements: Condition operators", "Single-valued vs. multivalued context keys"):
 *   - a request is one action on one resource, with a context of condition keys;
 *   - an explicit Deny in any statement that applies wins; otherwise an Allow that applies allows;
 *     otherwise the request is implicitly denied;
 *   - a statement applies when its Action (or NotAction) and its Resource (or NotResource) match and
 *     every condition holds.
 * Only what kirikae's policies need and a little more is read; anything else (an operator, a policy
 * variable) is a SandboxIamError, never a silent allow or deny.
 */

/** A condition key's value in a request: one string, or a list for a multivalued key. */
export type ContextValue = string | readonly string[];

/** The condition keys of one request, by name; names are matched case-insensitively, as IAM does. */
export type RequestContext = Readonly<Record<string, ContextValue | undefined>>;

type PolicyValue = string | readonly string[];

/** A statement as IAM reads it: infra's PolicyStatement is one, and so is any hand-written JSON. */
export interface IamStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  /** Resource policies only; identity policies have none. */
  Principal?: unknown;
  Action?: PolicyValue;
  NotAction?: PolicyValue;
  Resource?: PolicyValue;
  NotResource?: PolicyValue;
  Condition?: Readonly<Record<string, Readonly<Record<string, PolicyValue | boolean>>>>;
}

export interface IamPolicy {
  Version?: string;
  Statement: IamStatement | readonly IamStatement[];
}

export interface AuthorizationRequest {
  /** service:Action, e.g. "rds:FailoverGlobalCluster". */
  action: string;
  /** The resource's ARN, or "*" for an action that authorises on no resource type. */
  resource: string;
  context: RequestContext;
}

export type Decision =
  | { effect: "allow"; statement: string }
  | { effect: "explicit-deny"; statement: string }
  | { effect: "implicit-deny" };

export function evaluate(policies: readonly IamPolicy[], request: AuthorizationRequest): Decision {
  const context = lowerCaseKeys(request.context);
  let allowedBy: string | undefined;
  for (const policy of policies) {
    const statements = listOf(policy.Statement);
    for (const [index, statement] of statements.entries()) {
      const name = statement.Sid ?? `statement ${index + 1}`;
      if (!applies(statement, name, request, context)) continue;
      if (statement.Effect === "Deny") return { effect: "explicit-deny", statement: name };
      allowedBy ??= name;
    }
  }
  return allowedBy === undefined ? { effect: "implicit-deny" } : { effect: "allow", statement: allowedBy };
}

function applies(
  statement: IamStatement,
  name: string,
  request: AuthorizationRequest,
  context: ReadonlyMap<string, ContextValue>,
): boolean {
  if (statement.Effect !== "Allow" && statement.Effect !== "Deny") {
    throw new SandboxIamError(
      `statement ${name} has Effect ${String(statement.Effect)}: IAM knows Allow and Deny`,
    );
  }
  const actions = exactlyOne(statement, name, "Action", "NotAction");
  const resources = exactlyOne(statement, name, "Resource", "NotResource");
  const actionMatches = actions.values.some((pattern) => actionMatch(pattern, request.action));
  if (actionMatches === actions.negated) return false;
  const resourceMatches = resources.values.some((pattern) => arnMatch(pattern, request.resource));
  if (resourceMatches === resources.negated) return false;
  return statement.Condition === undefined || conditionsHold(statement.Condition, name, context);
}

function exactlyOne(
  statement: IamStatement,
  name: string,
  element: "Action" | "Resource",
  notElement: "NotAction" | "NotResource",
): { values: readonly string[]; negated: boolean } {
  const positive = statement[element];
  const negative = statement[notElement];
  if ((positive === undefined) === (negative === undefined)) {
    throw new SandboxIamError(
      `statement ${name} must have exactly one of ${element} and ${notElement}, as IAM requires of an identity policy`,
    );
  }
  return positive === undefined
    ? { values: listOf(negative ?? []), negated: true }
    : { values: listOf(positive), negated: false };
}

/** Actions are case-insensitive; * and ? are wildcards (IAM User Guide, "IAM JSON policy elements: Action"). */
function actionMatch(pattern: string, action: string): boolean {
  return globMatch(pattern.toLowerCase(), action.toLowerCase());
}

/**
 * An ARN pattern against an ARN, as Resource and ArnLike compare them: segment by segment (partition,
 * service, region, account), each with * and ?, then the resource part, where a wildcard may cross / and :.
 * A bare "*" matches anything, including the "*" of an action with no resource type.
 */
function arnMatch(pattern: string, arn: string): boolean {
  if (pattern === "*") return true;
  const wanted = arnSegments(pattern);
  const actual = arnSegments(arn);
  if (!wanted || !actual) return globMatch(pattern, arn);
  return wanted.every((segment, index) => globMatch(segment, actual[index] ?? ""));
}

function arnSegments(arn: string): string[] | undefined {
  const parts = arn.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(":")];
}

/** Compiled patterns: a drill evaluates the same few patterns thousands of times. */
const compiled = new Map<string, RegExp>();

/** * is any run of characters, ? any one character; everything else is literal and case-sensitive. */
function globMatch(pattern: string, text: string): boolean {
  let expression = compiled.get(pattern);
  if (!expression) {
    const source = pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".");
    expression = new RegExp(`^${source}$`, "s");
    compiled.set(pattern, expression);
  }
  return expression.test(text);
}

type BaseOperator =
  | "StringEquals"
  | "StringNotEquals"
  | "StringEqualsIgnoreCase"
  | "StringNotEqualsIgnoreCase"
  | "StringLike"
  | "StringNotLike"
  | "ArnEquals"
  | "ArnLike"
  | "ArnNotEquals"
  | "ArnNotLike"
  | "Bool"
  | "Null";

/** Whether one value of the request matches one value of the policy, per operator (negations apart). */
const matchers: Record<Exclude<BaseOperator, "Null">, (expected: string, actual: string) => boolean> = {
  StringEquals: (expected, actual) => expected === actual,
  StringNotEquals: (expected, actual) => expected === actual,
  StringEqualsIgnoreCase: (expected, actual) => expected.toLowerCase() === actual.toLowerCase(),
  StringNotEqualsIgnoreCase: (expected, actual) => expected.toLowerCase() === actual.toLowerCase(),
  StringLike: globMatch,
  StringNotLike: globMatch,
  // ArnEquals and ArnLike behave alike: both take wildcards in each segment.
  ArnEquals: arnMatch,
  ArnLike: arnMatch,
  ArnNotEquals: arnMatch,
  ArnNotLike: arnMatch,
  Bool: (expected, actual) => expected.toLowerCase() === actual.toLowerCase(),
};

const negatedOperators = new Set<BaseOperator>([
  "StringNotEquals",
  "StringNotEqualsIgnoreCase",
  "StringNotLike",
  "ArnNotEquals",
  "ArnNotLike",
]);

interface Operator {
  base: BaseOperator;
  set?: "ForAnyValue" | "ForAllValues";
  ifExists: boolean;
}

function parseOperator(text: string, statement: string): Operator {
  const [qualifier, rest] = text.includes(":") ? (text.split(":", 2) as [string, string]) : [undefined, text];
  if (qualifier !== undefined && qualifier !== "ForAnyValue" && qualifier !== "ForAllValues") {
    throw new SandboxIamError(
      `statement ${statement} uses the set operator ${qualifier}, which IAM does not have`,
    );
  }
  const ifExists = rest.endsWith("IfExists");
  const base = ifExists ? rest.slice(0, -"IfExists".length) : rest;
  if (base !== "Null" && !(base in matchers)) {
    throw new SandboxIamError(
      `statement ${statement} uses the condition operator ${text}, which the sandbox's IAM does not evaluate: add it to sandbox/iam/policy-evaluator.ts`,
    );
  }
  return { base: base as BaseOperator, ifExists, ...(qualifier === undefined ? {} : { set: qualifier }) };
}

/** Every operator holds, for every key under it (AND); a key holds when any of its values does (OR). */
function conditionsHold(
  condition: NonNullable<IamStatement["Condition"]>,
  statement: string,
  context: ReadonlyMap<string, ContextValue>,
): boolean {
  return Object.entries(condition).every(([operatorText, keys]) => {
    const operator = parseOperator(operatorText, statement);
    return Object.entries(keys).every(([key, values]) => {
      const expected = listOf(values).map((value) => policyString(value, statement, key));
      return keyHolds(operator, expected, context.get(key.toLowerCase()));
    });
  });
}

function keyHolds(
  operator: Operator,
  expected: readonly string[],
  actual: ContextValue | undefined,
): boolean {
  const values = actual === undefined ? [] : listOf(actual);
  if (operator.base === "Null") {
    // "true": the key is absent (an empty list counts as absent); "false": it is present.
    return expected.some((wanted) => (wanted.toLowerCase() === "true") === (values.length === 0));
  }
  const matches = matchers[operator.base];
  const negated = negatedOperators.has(operator.base);
  // One request value against the policy's values: any match, or for a negated operator none.
  const valueHolds = (value: string) => expected.some((wanted) => matches(wanted, value)) !== negated;
  // True for an absent or empty key, as the User Guide warns: pair it with Null where that matters.
  if (operator.set === "ForAllValues") return values.every(valueHolds);
  if (operator.set === "ForAnyValue") return values.some(valueHolds);
  if (values.length === 0) return operator.ifExists || negated;
  // A single-valued operator on a multivalued key: any value matching is a match.
  return negated ? values.every(valueHolds) : values.some(valueHolds);
}

function policyString(value: string | boolean, statement: string, key: string): string {
  const text = String(value);
  if (text.includes("${")) {
    throw new SandboxIamError(
      `statement ${statement} uses a policy variable in ${key} (${text}), which the sandbox's IAM does not resolve`,
    );
  }
  return text;
}

function lowerCaseKeys(context: RequestContext): Map<string, ContextValue> {
  const keys = new Map<string, ContextValue>();
  for (const [key, value] of Object.entries(context))
    if (value !== undefined) keys.set(key.toLowerCase(), value);
  return keys;
}

function listOf<T>(value: T | readonly T[]): readonly T[] {
  return Array.isArray(value) ? (value as readonly T[]) : [value as T];
}
