/** A pattern EventBridge would reject, with the reason it would give. */
export class EventPatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EventPatternError";
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * EventBridge's event pattern matching, as far as routing rules use it: a pattern is an object whose
 * leaves are arrays of accepted values; every field in the pattern must match, fields it does not name
 * are ignored, and an array in the event matches when any of its elements does. Supported operators:
 * prefix, suffix, equals-ignore-case, anything-but (values, or a prefix or suffix), exists, wildcard and
 * numeric, and `$or`, a list of alternative patterns at that level, any of which may match (EventBridge
 * user guide, "Content filtering in Amazon EventBridge event patterns", "Or matching"). Anything else is
 * refused rather than guessed at.
 */
export function matchesEventPattern(pattern: unknown, event: unknown): boolean {
  if (!isObject(pattern))
    throw new EventPatternError("Event pattern is not valid. Reason: must be an object");
  return matchesObject(pattern, isObject(event) ? event : {});
}

export function parseEventPattern(text: string): Record<string, Json> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new EventPatternError("Event pattern is not valid. Reason: Filter is not an object");
  }
  if (!isObject(parsed))
    throw new EventPatternError("Event pattern is not valid. Reason: Filter is not an object");
  // Validates the operators now, so a bad pattern fails whatever event it is tested against.
  matchesObject(parsed, {});
  return parsed;
}

function matchesObject(pattern: Record<string, Json>, event: Record<string, Json>): boolean {
  let matched = true;
  for (const [field, rule] of Object.entries(pattern)) {
    const value = event[field];
    if (field === "$or") {
      if (!Array.isArray(rule) || rule.length < 2 || !rule.every(isObject)) {
        throw new EventPatternError(
          "Event pattern is not valid. Reason: $or needs a list of at least two patterns",
        );
      }
      let any = false;
      for (const alternative of rule) any = matchesObject(alternative, event) || any;
      matched = any && matched;
    } else if (Array.isArray(rule)) matched = matchesAny(rule, value) && matched;
    else if (isObject(rule)) matched = matchesObject(rule, isObject(value) ? value : {}) && matched;
    else {
      throw new EventPatternError(
        `Event pattern is not valid. Reason: "${field}" must be an object or an array`,
      );
    }
  }
  return matched;
}

function matchesAny(rules: Json[], value: Json | undefined): boolean {
  const values = value === undefined ? [] : Array.isArray(value) ? value : [value];
  let matched = false;
  for (const rule of rules) {
    if (isObject(rule)) matched = matchesOperator(rule, value, values) || matched;
    else matched = values.some((candidate) => candidate === rule) || matched;
  }
  return matched;
}

function matchesOperator(rule: Record<string, Json>, value: Json | undefined, values: Json[]): boolean {
  const [operator, ...others] = Object.keys(rule);
  if (operator === undefined || others.length > 0) {
    throw new EventPatternError("Event pattern is not valid. Reason: an operator object has exactly one key");
  }
  const operand = rule[operator] as Json;
  const strings = values.filter((candidate): candidate is string => typeof candidate === "string");
  switch (operator) {
    case "prefix":
      return strings.some((candidate) => candidate.startsWith(stringOperand(operator, operand)));
    case "suffix":
      return strings.some((candidate) => candidate.endsWith(stringOperand(operator, operand)));
    case "equals-ignore-case": {
      const expected = stringOperand(operator, operand).toLowerCase();
      return strings.some((candidate) => candidate.toLowerCase() === expected);
    }
    case "wildcard": {
      const glob = new RegExp(
        `^${stringOperand(operator, operand)
          .split("*")
          .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
          .join(".*")}$`,
      );
      return strings.some((candidate) => glob.test(candidate));
    }
    case "exists":
      if (typeof operand !== "boolean") throw invalidOperand(operator);
      return (value !== undefined) === operand;
    case "anything-but":
      return values.length > 0 && !values.some((candidate) => matchesAnythingBut(operand, candidate));
    case "numeric":
      return values.some((candidate) => typeof candidate === "number" && matchesNumeric(operand, candidate));
    default:
      throw new EventPatternError(`Event pattern is not valid. Reason: Unrecognized match type ${operator}`);
  }
}

/** Whether `candidate` is one of what anything-but excludes. */
function matchesAnythingBut(operand: Json, candidate: Json): boolean {
  if (Array.isArray(operand)) return operand.includes(candidate);
  if (isObject(operand)) return matchesOperator(operand, candidate, [candidate]);
  return operand === candidate;
}

function matchesNumeric(operand: Json, candidate: number): boolean {
  if (!Array.isArray(operand) || operand.length % 2 !== 0) throw invalidOperand("numeric");
  for (let index = 0; index < operand.length; index += 2) {
    const comparison = operand[index];
    const bound = operand[index + 1];
    if (typeof bound !== "number") throw invalidOperand("numeric");
    const holds =
      comparison === "="
        ? candidate === bound
        : comparison === "<"
          ? candidate < bound
          : comparison === "<="
            ? candidate <= bound
            : comparison === ">"
              ? candidate > bound
              : comparison === ">="
                ? candidate >= bound
                : undefined;
    if (holds === undefined) throw invalidOperand("numeric");
    if (!holds) return false;
  }
  return true;
}

function stringOperand(operator: string, operand: Json): string {
  if (typeof operand !== "string") throw invalidOperand(operator);
  return operand;
}

function invalidOperand(operator: string): EventPatternError {
  return new EventPatternError(`Event pattern is not valid. Reason: invalid value for ${operator}`);
}

function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
