import {
  type DescribeRuleResponse,
  EventBridgeServiceException,
  InvalidEventPatternException,
  type ListRuleNamesByTargetResponse,
  type ListRulesResponse,
  type ListTargetsByRuleResponse,
  type RemoveTargetsResponse,
  ResourceNotFoundException,
  type Rule,
  type RuleState,
  type TestEventPatternResponse,
} from "@aws-sdk/client-eventbridge";
import { errorMetadata, type SandboxCall, type ServiceModel, type TrailResource } from "../service-model.js";
import { EventPatternError, matchesEventPattern, parseEventPattern } from "./event-pattern.js";

export interface EventBridgeSeed {
  rules: Array<{
    region: string;
    accountId: string;
    name: string;
    /** "default" unless named. */
    eventBus?: string;
    pattern: Record<string, unknown>;
    enabled?: boolean;
    description?: string;
    targets: Array<{ id: string; arn: string }>;
  }>;
}

interface StoredRule {
  region: string;
  accountId: string;
  name: string;
  eventBus: string;
  pattern: string;
  state: RuleState;
  description?: string;
  targets: Array<{ Id: string; Arn: string }>;
}

const DEFAULT_BUS = "default";
/** EventBridge forwards an event across buses at most this many times before it drops it as a loop. */
const MAX_FORWARDING_HOPS = 2;
const MAX_PAGE_SIZE = 100;
const MUTATING = new Set(["DisableRule", "EnableRule", "RemoveTargets", "DeleteRule"]);
/** The fields TestEventPattern requires of the event it tests. */
const EVENT_FIELDS = ["id", "account", "source", "time", "region", "resources", "detail-type"];

/**
 * EventBridge rules on each region's event buses: what carries alarm state changes to the detector,
 * directly or forwarded to the control plane's region. Reads (listing rules and targets, testing a pattern
 * against an event) and the changes that break a route (disabling a rule, removing its targets, deleting
 * it) are modelled; creating rules is left to the seed, as infra does it.
 */
export class EventBridgeModel implements ServiceModel {
  readonly service = "eventbridge" as const;
  readonly eventSource = "events.amazonaws.com";
  private readonly rules: StoredRule[] = [];

  constructor(seed: EventBridgeSeed) {
    for (const rule of seed.rules) {
      this.rules.push({
        region: rule.region,
        accountId: rule.accountId,
        name: rule.name,
        eventBus: rule.eventBus ?? DEFAULT_BUS,
        pattern: JSON.stringify(rule.pattern),
        state: rule.enabled === false ? "DISABLED" : "ENABLED",
        ...(rule.description === undefined ? {} : { description: rule.description }),
        targets: rule.targets.map((target) => ({ Id: target.id, Arn: target.arn })),
      });
    }
  }

  isMutating(operation: string): boolean {
    return MUTATING.has(operation);
  }

  resourcesOf(call: SandboxCall): TrailResource[] {
    const name = call.input.Name ?? call.input.Rule;
    return typeof name === "string" ? [{ ResourceType: "AWS::Events::Rule", ResourceName: name }] : [];
  }

  handle(call: SandboxCall): Record<string, unknown> {
    switch (call.operation) {
      case "ListRules":
        return this.listRules(call);
      case "DescribeRule":
        return this.describeRule(call);
      case "ListTargetsByRule":
        return this.listTargetsByRule(call);
      case "ListRuleNamesByTarget":
        return this.listRuleNamesByTarget(call);
      case "TestEventPattern":
        return this.testEventPattern(call);
      case "DisableRule":
      case "EnableRule":
        this.requireRule(call, call.input.Name).state =
          call.operation === "DisableRule" ? "DISABLED" : "ENABLED";
        return {};
      case "RemoveTargets":
        return this.removeTargets(call);
      case "DeleteRule":
        return this.deleteRule(call);
      default:
        throw new Error(`the sandbox does not model events:${call.operation}`);
    }
  }

  /**
   * Puts an event on its region's default bus, as a service there would, and follows the rules: a rule
   * targeting another region's bus forwards the event there (keeping its source region), a rule targeting
   * anything else delivers it. Nothing is put, forwarded or delivered through a region that is down: an
   * alarm whose region fails never reaches a control plane elsewhere (EventBridge user guide, "Sending and
   * receiving events between AWS Regions"; a rule and its bus are regional resources).
   * Returns the ARNs of the targets reached, in the order they were reached.
   */
  route(event: { region: string; account?: string }, isRegionUp: (region: string) => boolean): string[] {
    const reached: string[] = [];
    const visit = (busRegion: string, hops: number) => {
      if (!isRegionUp(busRegion) || hops > MAX_FORWARDING_HOPS) return;
      for (const rule of this.onBus(busRegion, DEFAULT_BUS)) {
        if (rule.state !== "ENABLED" || !matchesEventPattern(JSON.parse(rule.pattern), event)) continue;
        for (const target of rule.targets) {
          const bus = /^arn:aws[a-z-]*:events:([a-z0-9-]+):\d{12}:event-bus\/default$/.exec(target.Arn);
          if (bus?.[1]) visit(bus[1], hops + 1);
          else if (isRegionUp(busRegion)) reached.push(target.Arn);
        }
      }
    };
    visit(event.region, 0);
    return reached;
  }

  /** Sandbox inspection: a rule as it stands, or undefined once deleted. */
  rule(region: string, name: string, eventBus = DEFAULT_BUS): Rule | undefined {
    const rule = this.find(region, eventBus, name);
    return rule ? ruleShape(rule) : undefined;
  }

  private listRules(call: SandboxCall): Record<string, unknown> {
    const bus = busName(call.input.EventBusName);
    // Every region has its default bus; a custom one exists here only where the seed put rules on it.
    if (bus !== DEFAULT_BUS && this.onBus(call.region, bus).length === 0) {
      throw new ResourceNotFoundException({
        message: `Event bus ${bus} does not exist.`,
        $metadata: errorMetadata(call),
      });
    }
    const prefix = typeof call.input.NamePrefix === "string" ? call.input.NamePrefix : "";
    const matching = this.onBus(call.region, bus)
      .filter((rule) => rule.name.startsWith(prefix))
      .sort((a, b) => a.name.localeCompare(b.name));
    const { page, nextToken } = paginate(call, matching);
    return {
      Rules: page.map(ruleShape),
      ...(nextToken === undefined ? {} : { NextToken: nextToken }),
    } satisfies ListRulesResponse;
  }

  private describeRule(call: SandboxCall): Record<string, unknown> {
    const rule = this.requireRule(call, call.input.Name);
    return {
      ...ruleShape(rule),
      CreatedBy: rule.accountId,
    } satisfies DescribeRuleResponse;
  }

  private listTargetsByRule(call: SandboxCall): Record<string, unknown> {
    const rule = this.requireRule(call, call.input.Rule);
    const { page, nextToken } = paginate(call, rule.targets);
    return {
      Targets: page.map((target) => ({ ...target })),
      ...(nextToken === undefined ? {} : { NextToken: nextToken }),
    } satisfies ListTargetsByRuleResponse;
  }

  private listRuleNamesByTarget(call: SandboxCall): Record<string, unknown> {
    const arn = call.input.TargetArn;
    if (typeof arn !== "string" || arn === "") throw validationError(call, "TargetArn is required.");
    const names = this.onBus(call.region, busName(call.input.EventBusName))
      .filter((rule) => rule.targets.some((target) => target.Arn === arn))
      .map((rule) => rule.name)
      .sort();
    const { page, nextToken } = paginate(call, names);
    return {
      RuleNames: page,
      ...(nextToken === undefined ? {} : { NextToken: nextToken }),
    } satisfies ListRuleNamesByTargetResponse;
  }

  private testEventPattern(call: SandboxCall): Record<string, unknown> {
    let event: unknown;
    try {
      event = JSON.parse(String(call.input.Event ?? ""));
    } catch {
      throw validationError(call, "Parameter Event is not valid.");
    }
    const missing = EVENT_FIELDS.filter(
      (field) => typeof event !== "object" || event === null || !(field in event),
    );
    if (missing.length > 0) {
      throw validationError(call, `Parameter Event is not valid: missing ${missing.join(", ")}.`);
    }
    try {
      const pattern = parseEventPattern(String(call.input.EventPattern ?? ""));
      return { Result: matchesEventPattern(pattern, event) } satisfies TestEventPatternResponse;
    } catch (error) {
      if (!(error instanceof EventPatternError)) throw error;
      throw new InvalidEventPatternException({ message: error.message, $metadata: errorMetadata(call) });
    }
  }

  private removeTargets(call: SandboxCall): Record<string, unknown> {
    const rule = this.requireRule(call, call.input.Rule);
    const ids = Array.isArray(call.input.Ids) ? call.input.Ids : [];
    const unknown = ids.filter((id) => !rule.targets.some((target) => target.Id === id));
    rule.targets = rule.targets.filter((target) => !ids.includes(target.Id));
    return {
      FailedEntryCount: unknown.length,
      FailedEntries: unknown.map((id) => ({
        TargetId: String(id),
        ErrorCode: "ResourceNotFoundException",
        ErrorMessage: `Target ${String(id)} does not exist on rule ${rule.name}.`,
      })),
    } satisfies RemoveTargetsResponse;
  }

  private deleteRule(call: SandboxCall): Record<string, unknown> {
    const bus = busName(call.input.EventBusName);
    const rule = this.find(call.region, bus, String(call.input.Name ?? ""));
    // Deleting a rule that is already gone succeeds, as on AWS.
    if (!rule) return {};
    if (rule.targets.length > 0) throw validationError(call, "Rule can't be deleted since it has targets.");
    this.rules.splice(this.rules.indexOf(rule), 1);
    return {};
  }

  private onBus(region: string, bus: string): StoredRule[] {
    return this.rules.filter((rule) => rule.region === region && rule.eventBus === bus);
  }

  private find(region: string, bus: string, name: string): StoredRule | undefined {
    return this.onBus(region, bus).find((rule) => rule.name === name);
  }

  /** Rules are regional: a rule is found only through its own region's endpoint and bus. */
  private requireRule(call: SandboxCall, name: unknown): StoredRule {
    const bus = busName(call.input.EventBusName);
    const rule = this.find(call.region, bus, String(name ?? ""));
    if (!rule) {
      throw new ResourceNotFoundException({
        message: `Rule ${String(name)} does not exist on EventBus ${bus}.`,
        $metadata: errorMetadata(call),
      });
    }
    return rule;
  }
}

function ruleShape(rule: StoredRule): Rule {
  const busPart = rule.eventBus === DEFAULT_BUS ? "" : `${rule.eventBus}/`;
  return {
    Name: rule.name,
    Arn: `arn:aws:events:${rule.region}:${rule.accountId}:rule/${busPart}${rule.name}`,
    EventPattern: rule.pattern,
    State: rule.state,
    ...(rule.description === undefined ? {} : { Description: rule.description }),
    EventBusName: rule.eventBus,
  };
}

/** EventBridge accepts a bus by name or by ARN. */
function busName(value: unknown): string {
  if (typeof value !== "string" || value === "") return DEFAULT_BUS;
  return value.startsWith("arn:") ? (value.split("event-bus/")[1] ?? value) : value;
}

/** Page tokens are opaque to callers; this one carries the offset of the next page. */
function paginate<T>(call: SandboxCall, items: readonly T[]): { page: T[]; nextToken?: string } {
  const limit = call.input.Limit === undefined ? MAX_PAGE_SIZE : Number(call.input.Limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw validationError(call, `Limit must be between 1 and ${MAX_PAGE_SIZE}.`);
  }
  const token = call.input.NextToken;
  const start =
    token === undefined
      ? 0
      : Number(/^page:(\d+)$/.exec(Buffer.from(String(token), "base64url").toString())?.[1]);
  if (!Number.isInteger(start)) throw validationError(call, "The NextToken provided is invalid.");
  const end = start + limit;
  return {
    page: items.slice(start, end),
    ...(end < items.length ? { nextToken: Buffer.from(`page:${end}`).toString("base64url") } : {}),
  };
}

/** The JSON protocol's validation error, which the EventBridge SDK has no class of its own for. */
function validationError(call: SandboxCall, message: string): EventBridgeServiceException {
  return new EventBridgeServiceException({
    name: "ValidationException",
    $fault: "client",
    message,
    $metadata: errorMetadata(call),
  });
}
