import type { Plan } from "../plan/schema.js";
import type { Said } from "./language.js";
import type { RunFacts } from "./run-facts.js";
import {
  both,
  list,
  quoted,
  region,
  type SentenceContext,
  seconds,
  THE_TARGET,
  timeOf,
} from "./sentence-parts.js";
import type { TrafficSeen } from "./traffic-seen.js";

/**
 * 影響範囲: who was affected, where DNS sent them (as recorded, never assumed), and what data may be lost.
 */
export function impactSaid(
  plan: Plan,
  facts: RunFacts,
  traffic: TrafficSeen,
  context: SentenceContext,
): Said[] {
  const names = plan.dns.records.map((record) => record.name).join(", ");
  const target = (l: "en" | "ja") => region(facts.request?.targetRegion, l, THE_TARGET);
  const users = both((l) =>
    l === "ja"
      ? `対象: ${names} の利用者（計画 ${plan.name}）。`
      : `Affected: the users of ${names} (plan ${plan.name}).`,
  );
  // Only an outage's failover competes with Route 53's own health-check routing.
  const byHealthChecks =
    facts.kind === "failover" && facts.request !== undefined && facts.outcome.kind !== "cleared";
  return [users, trafficSaid(traffic, target, context, byHealthChecks), dataSaid(facts)];
}

function trafficSaid(
  traffic: TrafficSeen,
  target: (l: "en" | "ja") => string,
  context: SentenceContext,
  byHealthChecks: boolean,
): Said {
  switch (traffic.kind) {
    case "answered": {
      const where = (l: "en" | "ja") => region(traffic.region, l, THE_TARGET);
      const answers = (l: "en" | "ja") =>
        list(
          traffic.answers.map((answer) =>
            l === "ja"
              ? `${answer.name} → ${answer.values.join(", ")}`
              : `${answer.name} → ${answer.values.join(", ")}`,
          ),
          l,
        );
      const changed = traffic.changed;
      const before = changed
        ? both((l) =>
            l === "ja"
              ? `${timeOf(changed.at, context)} に${changed.how === "records" ? " DNS レコード" : "トラフィックゲート"}を ${where(l)} 向けに変更し、`
              : `kirikae changed the ${changed.how === "records" ? "DNS records" : "traffic gates"} towards ${where(l)} at ${timeOf(changed.at, context)}; `,
          )
        : both(() => "");
      return both((l) =>
        l === "ja"
          ? `トラフィック: ${before[l]}${timeOf(traffic.at, context)} には DNS が ${where(l)} を返していることを確認した（${answers(l)}。切替ステップが権威 DNS サーバーの応答で確認）。`
          : `Traffic: ${before[l]}${changed ? "by" : "from"} ${timeOf(traffic.at, context)}, DNS answered with ${where(l)}: ${answers(l)}, as the switch step read it from the zone's name servers.`,
      );
    }
    case "changed-unconfirmed":
      return both((l) =>
        l === "ja"
          ? `トラフィック: ${timeOf(traffic.at, context)} に ${traffic.how === "records" ? "DNS レコード" : "トラフィックゲート"}を ${target(l)} 向けに変更したが、DNS の応答が変わったことは確認される前に実行が終わった。利用者はどちらのリージョンにも向かい得る。`
          : `Traffic: the ${traffic.how === "records" ? "DNS records were" : "traffic gates were"} changed towards ${target(l)} at ${timeOf(traffic.at, context)}, but the run ended before DNS was seen answering with it: users may be reaching either region.`,
      );
    case "not-changed": {
      const failed = traffic.failedChange;
      const tried = failed
        ? both((l) =>
            l === "ja"
              ? `${timeOf(failed.at, context)} に DNS を変更しようとしたが失敗した（${quoted(failed.message, l)}）。`
              : ` A DNS change was tried at ${timeOf(failed.at, context)} and failed (${quoted(failed.message, l)}).`,
          )
        : both(() => "");
      const routing =
        traffic.healthChecksRoute && byHealthChecks
          ? both((l) =>
              l === "ja"
                ? `ただしフェイルオーバーレコードはヘルスチェックに従って応答するため、Route 53 が自ら利用者を ${target(l)} に向けていた可能性がある（この実行は DNS の応答を記録していない）。`
                : ` Failover records answer by their health checks, though, so Route 53 may have sent users to ${target(l)} by itself; this run did not record what DNS answered.`,
            )
          : both(() => "");
      return both((l) =>
        l === "ja"
          ? `トラフィック: この実行は DNS を変更していない。${tried[l]}${routing[l]}`
          : `Traffic: this run did not change DNS.${tried[l]}${routing[l]}`,
      );
    }
  }
}

function dataSaid(facts: RunFacts): Said {
  const promotion = facts.promotion;
  const promoted = facts.records.some(
    (record) =>
      record.kind === "outcome" &&
      record.outcome === "ok" &&
      /^rds:(Failover|Switchover)GlobalCluster$/.test(record.action),
  );
  if (!promotion || !promoted)
    return both((l) =>
      l === "ja"
        ? "データ: この実行はデータベースを昇格していないため、この実行によるデータ損失はない。"
        : "Data: this run did not promote the database, so it lost no data.",
    );
  if (promotion.mode === "switchover")
    return both((l) =>
      l === "ja"
        ? "データ: 計画的スイッチオーバーのため、データ損失はない。"
        : "Data: a planned switchover; no data was lost.",
    );
  const lag =
    facts.verified?.rpoSeconds !== undefined ? facts.verified.rpoSeconds : promotion.rpoEstimateSeconds;
  if (lag === null || lag === undefined)
    return both((l) =>
      l === "ja"
        ? "データ: 昇格時のレプリケーション遅延が不明なため、失われた書き込みの量は不明。"
        : "Data: the replication lag at the promotion was unknown, so the writes lost are unknown.",
    );
  return both((l) =>
    l === "ja"
      ? `データ: フェイルオーバー（データ損失を許容）のため、昇格前の最大 ${seconds(lag, l)}分の書き込みが失われた可能性がある。`
      : `Data: a failover allowing data loss; writes from up to ${seconds(lag, l)} before the promotion may be lost.`,
  );
}
