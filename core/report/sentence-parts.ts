import type { Plan } from "../plan/schema.js";
import { formatDuration } from "./durations.js";
import type { ReportLanguage, Said } from "./language.js";
import { regionLabel } from "./region-time-zones.js";
import type { RecordedRequest, WorkflowKind } from "./run-facts.js";
import type { ZonedClock } from "./zoned-time.js";

/** What every sentence of one report may refer to: the plan, the request, and the report's clock. */
export interface SentenceContext {
  plan: Plan;
  request?: RecordedRequest;
  kind?: WorkflowKind;
  clock: ZonedClock;
}

/** A value said in each language, built from one function so the two cannot drift. */
export function both(make: (language: ReportLanguage) => string): Said {
  return { en: make("en"), ja: tidyJapanese(make("ja")) };
}

/** Full-width brackets carry their own spacing: a space beside one, left by joining parts, goes. */
function tidyJapanese(text: string): string {
  return text.replace(/([）」])[ \t]+/g, "$1").replace(/[ \t]+([（「])/g, "$1");
}

export function region(name: string | undefined, language: ReportLanguage, fallback: Said): string {
  return name ? regionLabel(name, language) : fallback[language];
}

export const THE_TARGET: Said = { en: "the region being activated", ja: "切替先リージョン" };
export const THE_SOURCE: Said = { en: "the region being left", ja: "切替元リージョン" };

export function kindWord(kind: WorkflowKind | undefined, language: ReportLanguage): string {
  if (language === "ja")
    return kind === "failback" ? "フェイルバック" : kind === "failover" ? "フェイルオーバー" : "切替";
  return kind ?? "run";
}

/** A reason the trail recorded (in English, as the system wrote it): quoted, never reworded. */
export function quoted(text: string, language: ReportLanguage): string {
  const trimmed = text.trim().replace(/\.$/, "");
  return language === "ja" ? `「${trimmed}」` : trimmed;
}

export function seconds(value: number, language: ReportLanguage): string {
  return formatDuration(value, language);
}

/** A time inside a sentence: the wall clock of the report's zone, with the date only when it is not today's. */
export function timeOf(iso: string, context: SentenceContext, sameDayAs?: string): string {
  const parts = context.clock.parts(iso);
  if (sameDayAs && context.clock.parts(sameDayAs).date === parts.date) return parts.time;
  return `${parts.date} ${parts.time}`;
}

/** The region in an ARN (arn:aws:rds:REGION:...), or a "region/..." resource's first part. */
export function regionIn(resource: string | undefined): string | undefined {
  if (!resource) return undefined;
  if (resource.startsWith("arn:")) return resource.split(":")[3] || undefined;
  const first = resource.split("/")[0];
  return first && /^[a-z]{2}(-[a-z]+)+-\d$/.test(first) ? first : undefined;
}

/** "shop-singapore" from an RDS cluster ARN; the resource as given otherwise. */
export function shortName(resource: string | undefined): string {
  if (!resource) return "";
  return resource.startsWith("arn:") ? (resource.split(":").at(-1) ?? resource) : resource;
}

/** "a, b and c" / "a、b、c". */
export function list(items: readonly string[], language: ReportLanguage): string {
  if (language === "ja") return items.join("、");
  if (items.length < 2) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}
