import type { Plan } from "../plan/schema.js";
import type { AuditRecord } from "../ports/audit.js";
import type { Said } from "./language.js";
import type { RunFacts } from "./run-facts.js";
import {
  both,
  kindWord,
  quoted,
  region,
  type SentenceContext,
  THE_SOURCE,
  THE_TARGET,
  timeOf,
} from "./sentence-parts.js";

/** The run's outcome in one sentence: what happened, and where the application is served from now. */
export function outcomeSaid(facts: RunFacts, context: SentenceContext): Said {
  const outcome = facts.outcome;
  const kind = (l: "en" | "ja") => kindWord(facts.kind, l);
  const target = (l: "en" | "ja") => region(facts.request?.targetRegion, l, THE_TARGET);
  const source = (l: "en" | "ja") => region(facts.request?.sourceRegion, l, THE_SOURCE);
  const active = (l: "en" | "ja", name: string | undefined) => region(name, l, THE_SOURCE);
  switch (outcome.kind) {
    case "succeeded":
      return both((l) =>
        l === "ja"
          ? `成功: ${target(l)} への${kind(l)}が完了し、復旧を確認した。`
          : `Succeeded: the ${kind(l)} to ${target(l)} finished and recovery was verified.`,
      );
    case "refused":
      return outcome.stage === "request"
        ? both((l) =>
            l === "ja"
              ? `開始前に拒否: ${quoted(outcome.reason, l)}。何も変更していない`
              : `Refused before it started: ${quoted(outcome.reason, l)}. Nothing was changed.`,
          )
        : both((l) =>
            l === "ja"
              ? `事前チェックで中止: ${quoted(outcome.reason, l)}。何も変更しておらず、稼働リージョンは ${source(l)} のまま`
              : `Stopped by its pre-checks: ${quoted(outcome.reason, l)}. Nothing was changed; ${source(l)} stays active.`,
          );
    case "cleared":
      return both((l) =>
        l === "ja"
          ? "対応なしで終了: 保留時間内にアラームが解除された（変更なし）。"
          : "Ended without action: the alarm cleared within the hold time; nothing was changed.",
      );
    case "notApproved":
      return outcome.question === "data-loss"
        ? both((l) =>
            l === "ja"
              ? `承認されず停止: データ損失を伴うフェイルオーバーは承認されなかった（${quoted(outcome.reason, l)}）。稼働リージョン: ${active(l, outcome.activeRegion)}`
              : `Not approved: the failover with data loss was not approved (${quoted(outcome.reason, l)}); ${active(l, outcome.activeRegion)} is the active region.`,
          )
        : both((l) =>
            l === "ja"
              ? `承認されず中止: ${quoted(outcome.reason, l)}。何も変更しておらず、稼働リージョンは ${source(l)} のまま`
              : `Not approved: ${quoted(outcome.reason, l)}. Nothing was changed; ${source(l)} stays active.`,
          );
    case "escalated":
      return both((l) =>
        l === "ja"
          ? `エスカレーション（担当者の判断が必要）: ${quoted(outcome.reason, l)}。稼働リージョン: ${active(l, outcome.activeRegion)}`
          : `Escalated to a person: ${quoted(outcome.reason, l)}. ${active(l, outcome.activeRegion)} is the active region.`,
      );
    case "inProgress": {
      const last = facts.lastAt;
      return both((l) =>
        l === "ja"
          ? `実行中${last ? `（最後の記録: ${timeOf(last, context)}）` : ""}`
          : `In progress${last ? ` (last record at ${timeOf(last, context)})` : ""}`,
      );
    }
  }
}

/**
 * The seed runbooks' failure levels (Level 1 サービス部分停止 … Level 4 完全障害), judged on what the
 * promotion step found out about the old primary: a database that did not answer is a complete failure,
 * one that answered while the application failed is a system failure. A run that stopped before looking
 * does not guess.
 */
export function levelSaid(facts: RunFacts): Said {
  if (facts.kind === "failback")
    return both((l) =>
      l === "ja" ? "計画作業（フェイルバック）: 障害ではない" : "planned operation (failback), not a failure",
    );
  if (facts.outcome.kind === "cleared")
    return both((l) =>
      l === "ja"
        ? "障害と判断せず（保留時間内にアラームが解除）"
        : "no failure confirmed (the alarm cleared within the hold time)",
    );
  const verdict = oldPrimaryVerdict(facts.records);
  const down = verdict === "down" || (verdict === undefined && facts.promotion?.mode === "failover");
  const alive = verdict === "alive" || (verdict === undefined && facts.promotion?.mode === "switchover");
  if (down)
    return both((l) =>
      l === "ja"
        ? "Level 4: 完全障害（影響: 致命的）: 切替元のデータベースが応答しなかった"
        : "Level 4: complete failure (impact: critical): the old primary database did not answer",
    );
  if (alive)
    return both((l) =>
      l === "ja"
        ? "Level 3: システム障害（影響: 高）: 切替元のデータベースは応答していた"
        : "Level 3: system failure (impact: high): the old primary database still answered",
    );
  return both((l) =>
    l === "ja"
      ? "未判定: データベースの状態を判断する前に停止したため、担当者が判定する"
      : "not assessed: the run stopped before it looked at the database; for a person to decide",
  );
}

function oldPrimaryVerdict(records: readonly AuditRecord[]): string | undefined {
  const judged = [...records]
    .reverse()
    .find(
      (record) =>
        record.action.startsWith("database.") &&
        typeof record.details?.verdict === "string" &&
        record.details.verdict !== "unsure",
    );
  return judged?.details?.verdict as string | undefined;
}

export function triggerSaid(facts: RunFacts, context: SentenceContext): Said {
  const trigger = facts.request?.trigger;
  if (trigger?.type === "alarm" && trigger.alarmName) {
    const at = trigger.detectedAt ? timeOf(trigger.detectedAt, context) : undefined;
    return both((l) =>
      l === "ja"
        ? `アラーム ${trigger.alarmName}（${trigger.alarmRegion ?? ""}）が ALARM${at ? `（${at}）` : ""}`
        : `alarm ${trigger.alarmName} (${trigger.alarmRegion ?? ""}) in ALARM${at ? ` at ${at}` : ""}`,
    );
  }
  if (trigger?.type === "manual") {
    return both((l) =>
      l === "ja"
        ? `手動依頼: ${quoted(trigger.reason ?? "", l)}${trigger.ticket ? `（チケット ${trigger.ticket}）` : ""}`
        : `requested by hand: ${quoted(trigger.reason ?? "", l)}${trigger.ticket ? ` (ticket ${trigger.ticket})` : ""}`,
    );
  }
  return both((l) =>
    l === "ja"
      ? "記録なし（要求は受け付けられる前に拒否された）"
      : "not recorded: the request was refused before it was read",
  );
}

export function serviceSaid(plan: Plan): Said {
  const names = plan.dns.records.map((record) => record.name).join(", ");
  return both((l) => (l === "ja" ? `計画 ${plan.name}（${names}）` : `plan ${plan.name} (${names})`));
}

/** Who acted: kirikae's workflow, whoever started it by hand (CloudTrail), and whoever answered it. */
export function respondersSaid(facts: RunFacts): Said {
  const people: Said[] = [];
  if (facts.acceptedAt)
    people.push(both((l) => (l === "ja" ? "kirikae（自動ワークフロー）" : "kirikae (automated workflow)")));
  if (facts.initiator) {
    const who = facts.initiator;
    people.push(
      both((l) =>
        l === "ja" ? `${who}（実行を開始。CloudTrail による）` : `${who} (started the run, per CloudTrail)`,
      ),
    );
  }
  for (const approval of facts.approvals) {
    const what = (l: "en" | "ja") =>
      approval.question === "data-loss"
        ? l === "ja"
          ? "データ損失を伴うフェイルオーバー"
          : "the failover with data loss"
        : l === "ja"
          ? kindWord(facts.kind, l)
          : `the ${kindWord(facts.kind, l)}`;
    people.push(
      both((l) =>
        l === "ja"
          ? `${approval.who}（${what(l)}を${approval.decision === "approved" ? "承認" : "却下"}）`
          : `${approval.who} (${approval.decision} ${what(l)})`,
      ),
    );
  }
  if (people.length === 0)
    return both((l) => (l === "ja" ? "記録なし（何も実行されていない）" : "none recorded: nothing ran"));
  return both((l) => people.map((person) => person[l]).join(l === "ja" ? "、" : "; "));
}
