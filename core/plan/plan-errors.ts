import { KirikaeError } from "../errors.js";
import type { PlanIssue } from "./plan-rules.js";

export class PlanError extends KirikaeError {
  constructor(
    message: string,
    readonly issues: PlanIssue[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, { ...options, action: "fix the listed fields and run `kirikae plan validate` again" });
    this.name = "PlanError";
  }
}

export class PlanNotFoundError extends KirikaeError {
  constructor(readonly planName: string) {
    super(`no plan named "${planName}" is deployed`, {
      action: "check the plan name with `kirikae status`; plan names are the `name` field of the plan file",
    });
    this.name = "PlanNotFoundError";
  }
}
