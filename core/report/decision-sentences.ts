import type { AuditRecord } from "../ports/audit.js";
import type { Said } from "./language.js";
import {
  both,
  kindWord,
  list,
  quoted,
  region,
  regionIn,
  type SentenceContext,
  seconds,
  shortName,
  THE_SOURCE,
  THE_TARGET,
  timeOf,
} from "./sentence-parts.js";

/**
 * The workflow's own records (decisions and the run's execution records) as sentences: undefined for a
 * record this version does not word (the caller says what it can of it), null for one another record
 * already tells.
 */
export function decisionSentence(record: AuditRecord, context: SentenceContext): Said | null | undefined {
  const { request } = context;
  const kind = (language: "en" | "ja") => kindWord(context.kind, language);
  const source = (language: "en" | "ja") => region(request?.sourceRegion, language, THE_SOURCE);
  const target = (language: "en" | "ja") => region(request?.targetRegion, language, THE_TARGET);
  const details = record.details ?? {};
  const text = (key: string) => (typeof details[key] === "string" ? (details[key] as string) : undefined);
  const action = record.action;

  if (/^(failover|failback)\.accepted$/.test(action)) return accepted(context, record);
  if (/^(failover|failback)\.rejected$/.test(action) && details.approver === undefined) {
    const message = record.error?.message ?? "";
    return both((l) =>
      l === "ja"
        ? `${kind(l)}の要求を、何も変更する前に拒否した: ${quoted(message, l)}。`
        : `The ${kind(l)} request was refused before anything changed: ${quoted(message, l)}.`,
    );
  }
  if (action === "signal.confirmed") {
    const hold = typeof details.holdSeconds === "number" ? details.holdSeconds : 0;
    return both((l) =>
      l === "ja"
        ? `保留時間（${seconds(hold, l)}）を過ぎてもアラームが ALARM のままだったため、障害と判断した。`
        : `The alarm was still in ALARM after the plan's hold of ${seconds(hold, l)}: the outage was confirmed.`,
    );
  }
  if (/^(failover|failback)\.cleared$/.test(action)) {
    return both((l) =>
      l === "ja"
        ? "保留時間内にアラームが解除されたため、何も変更せずに終了した。"
        : "The alarm cleared within the hold time: the run ended and nothing was changed.",
    );
  }
  if (action === "precheck.passed") {
    const count = Array.isArray(details.checks) ? details.checks.length : 0;
    return both((l) =>
      l === "ja"
        ? `切替先 ${target(l)} の事前チェック（${count} 項目）に合格した。`
        : `Pre-checks of ${target(l)} passed (${count} checks).`,
    );
  }
  if (action === "precheck.failed") {
    const reason = text("reason") ?? failedChecks(details.checks) ?? record.error?.message ?? "";
    return both((l) =>
      l === "ja"
        ? `切替先 ${target(l)} の事前チェックで不合格となった: ${quoted(reason, l)}。`
        : `Pre-checks of ${target(l)} failed: ${quoted(reason, l)}.`,
    );
  }
  if (/^(failover|failback)\.approval-requested$/.test(action)) {
    const until = text("expiresAt");
    return both((l) =>
      l === "ja"
        ? `当番担当者に${kind(l)}の承認を依頼した${until ? `（回答期限 ${timeOf(until, context, record.at)}）` : ""}。`
        : `The on-call engineer was asked to approve the ${kind(l)}${until ? ` (answer needed by ${timeOf(until, context, record.at)})` : ""}.`,
    );
  }
  const answer = /^(?:failover|failback|database\.data-loss)[.-](approved|rejected)$/.exec(action);
  if (answer && typeof details.approver === "string") {
    const approved = answer[1] === "approved";
    const who = details.approver;
    const reason = text("reason");
    const dataLoss = action.startsWith("database.");
    return both((l) => {
      const what =
        l === "ja"
          ? dataLoss
            ? "データ損失を伴うフェイルオーバー"
            : kind(l)
          : dataLoss
            ? "the failover with data loss"
            : `the ${kind(l)}`;
      if (l === "ja")
        return `${who} が${what}を${approved ? "承認" : "却下"}した${reason ? `（理由: ${quoted(reason, l)}）` : ""}。`;
      return `${who} ${approved ? "approved" : "rejected"} ${what}${reason ? `: ${quoted(reason, l)}` : ""}.`;
    });
  }
  // The question is told once, by its request, which also carries the deadline.
  if (action === "database.data-loss-approval-needed") return null;
  if (action === "database.data-loss-approval-requested") {
    const lag = typeof details.lagSeconds === "number" ? details.lagSeconds : null;
    const rpo = typeof details.rpoSeconds === "number" ? details.rpoSeconds : undefined;
    const until = text("expiresAt");
    return both((l) => {
      const loss =
        lag === null
          ? l === "ja"
            ? "失われる書き込みの量が不明"
            : "an unknown amount of writes"
          : seconds(lag, l);
      if (l === "ja")
        return `フェイルオーバーすると RPO${rpo === undefined ? "" : `（${seconds(rpo, l)}）`}を超えるデータ損失（${loss}）となるため、当番担当者に判断を依頼した${until ? `（回答期限 ${timeOf(until, context, record.at)}）` : ""}。`;
      return `Failing over would lose ${lag === null ? loss : `about ${loss} of writes`}, more than the RPO${rpo === undefined ? "" : ` of ${seconds(rpo, l)}`} allows: the on-call engineer was asked${until ? ` (answer needed by ${timeOf(until, context, record.at)})` : ""}.`;
    });
  }
  if (action === "database.evidence-unsure") {
    return both((l) =>
      l === "ja"
        ? `${source(l)} の旧プライマリが停止しているかを判断する根拠がまだ十分でないため、推測でフェイルオーバーせず観察を続けた。`
        : `The evidence about the old primary in ${source(l)} was not conclusive yet: the workflow kept watching rather than fail over on a guess.`,
    );
  }
  if (action === "database.promotion-refused") {
    const why = text("why") ?? record.error?.message ?? "";
    return both((l) =>
      l === "ja"
        ? `データベースの昇格を見送った: ${quoted(why, l)}。`
        : `The promotion was refused: ${quoted(why, l)}.`,
    );
  }
  if (action === "database.rpo-estimate") return promotionDecision(record, context);
  if (action === "database.promoted") {
    const where = regionIn(record.resource) ?? request?.targetRegion;
    return both((l) =>
      l === "ja"
        ? `${region(where, l, THE_TARGET)} のクラスタ ${shortName(record.resource)} がライター（書き込み可能）になった。`
        : `The cluster ${shortName(record.resource)} in ${region(where, l, THE_TARGET)} became the writer.`,
    );
  }
  if (action === "nodegroups.scaled-up" || action === "nodegroups.scaled-down")
    return nodegroupsSettled(record);
  if (action === "traffic.switched") return trafficSwitched(record, context);
  if (action === "recovery.verified") {
    const rto = typeof details.rtoSeconds === "number" ? details.rtoSeconds : undefined;
    // The workflow counts from the trigger's time: an alarm's state change, or when a person asked.
    const fromRequest = request?.trigger.type === "manual";
    return both((l) =>
      l === "ja"
        ? `復旧を確認した（${target(l)} のクラスタがライターで、利用者の接続先も ${target(l)}）。${rto === undefined ? "" : `${fromRequest ? "依頼" : "検知"}からの RTO は ${seconds(rto, l)}。`}`
        : `Recovery verified: the cluster in ${target(l)} is the writer and users reach ${target(l)}${rto === undefined ? "" : `; RTO ${seconds(rto, l)} counted from ${fromRequest ? "the request" : "detection"}`}.`,
    );
  }
  if (/^(failover|failback)\.(succeeded|aborted|escalated)$/.test(action)) return runEnd(record, context);
  if (action === "audit.gap") {
    const step = text("step") ?? "";
    return both((l) =>
      l === "ja"
        ? `ステップ ${step} が監査記録を書き込めなかった。記録の欠落は Step Functions の実行履歴（入力とエラー）で補える。`
        : `The step ${step} could not write its audit record: the trail lacks it, and Step Functions' history keeps the step's input and error.`,
    );
  }
  return undefined;
}

function accepted(context: SentenceContext, record: AuditRecord): Said {
  const { request } = context;
  const trigger = request?.trigger;
  const kind = (l: "en" | "ja") => kindWord(context.kind, l);
  const route = (l: "en" | "ja") =>
    request
      ? l === "ja"
        ? `${region(request.sourceRegion, l, THE_SOURCE)} から ${region(request.targetRegion, l, THE_TARGET)} への`
        : ` from ${region(request.sourceRegion, l, THE_SOURCE)} to ${region(request.targetRegion, l, THE_TARGET)}`
      : "";
  if (trigger?.type === "alarm" && trigger.alarmName) {
    const since = trigger.detectedAt ? timeOf(trigger.detectedAt, context, record.at) : undefined;
    return both((l) =>
      l === "ja"
        ? `アラーム ${trigger.alarmName}（${trigger.alarmRegion ?? ""}）の ALARM${since ? `（${since}〜）` : ""}を受けて、${route(l)}${kind(l)}を開始した。`
        : `The ${kind(l)}${route(l)} was accepted: alarm ${trigger.alarmName} (${trigger.alarmRegion ?? ""}) had been in ALARM${since ? ` since ${since}` : ""}.`,
    );
  }
  if (trigger?.type === "manual") {
    const why = trigger.reason ?? "";
    const ticket = trigger.ticket;
    return both((l) =>
      l === "ja"
        ? `${route(l)}${kind(l)}が手動で依頼され、受け付けた（理由: ${quoted(why, l)}${ticket ? `、チケット ${ticket}` : ""}）。`
        : `A person asked for the ${kind(l)}${route(l)} (reason: ${quoted(why, l)}${ticket ? `, ticket ${ticket}` : ""}); the request was accepted.`,
    );
  }
  return both((l) =>
    l === "ja" ? `${route(l)}${kind(l)}を受け付けた。` : `The ${kind(l)}${route(l)} was accepted.`,
  );
}

function promotionDecision(record: AuditRecord, context: SentenceContext): Said {
  const details = record.details ?? {};
  const why = typeof details.why === "string" ? details.why : "";
  const rpo = details.rpoEstimateSeconds;
  const where = regionIn(record.resource) ?? context.request?.targetRegion;
  const approvedBy = typeof details.approvedBy === "string" ? details.approvedBy : undefined;
  if (details.mode === "switchover") {
    return both((l) =>
      l === "ja"
        ? `計画的スイッチオーバー（データ損失なし）で ${region(where, l, THE_TARGET)} に切り替えると判断した: ${quoted(why, l)}。`
        : `Decided on a planned switchover to ${region(where, l, THE_TARGET)}, with no data loss: ${quoted(why, l)}.`,
    );
  }
  return both((l) => {
    const loss =
      typeof rpo === "number"
        ? l === "ja"
          ? `昇格前の最大 ${seconds(rpo, l)}分の書き込みが失われた可能性がある。`
          : ` Writes from up to ${seconds(rpo, l)} before the promotion may be lost.`
        : l === "ja"
          ? "レプリケーション遅延が不明なため、失われた書き込みの量は不明。"
          : " The replication lag was unknown, so the writes lost are unknown.";
    const by = approvedBy ? (l === "ja" ? `（${approvedBy} が承認）` : ` (approved by ${approvedBy})`) : "";
    return l === "ja"
      ? `${region(where, l, THE_TARGET)} のクラスタをフェイルオーバー（データ損失を許容）で昇格すると判断した${by}: ${quoted(why, l)}。${loss}`
      : `Decided to promote the cluster in ${region(where, l, THE_TARGET)} by failover, allowing data loss${by}: ${quoted(why, l)}.${loss}`;
  });
}

function nodegroupsSettled(record: AuditRecord): Said {
  const [where, cluster] = (record.resource ?? "").split("/");
  const up = record.action === "nodegroups.scaled-up";
  // The Ready counts, not the wanted sizes: what users get.
  const ready = ((record.details?.ready as { nodes?: Record<string, unknown> } | undefined)?.nodes ??
    {}) as Record<string, unknown>;
  const full = record.details?.full !== false;
  const sizes = Object.entries(up ? ready : {}).filter(([, nodes]) => typeof nodes === "number");
  return both((l) => {
    const place = `${region(where, l, up ? THE_TARGET : THE_SOURCE)}`;
    if (!up)
      return l === "ja"
        ? `${place} のクラスタ ${cluster ?? ""} のノードグループを待機時の台数に戻した。`
        : `The nodegroups of ${cluster ?? ""} in ${place} went back to their standby sizes.`;
    const counts = list(
      sizes.map(([name, nodes]) => (l === "ja" ? `${name} ${nodes} 台` : `${name} ${nodes}`)),
      l,
    );
    const detail = counts ? (l === "ja" ? `（Ready: ${counts}）` : ` (${counts} nodes Ready)`) : "";
    if (!full)
      return l === "ja"
        ? `${place} のクラスタ ${cluster ?? ""} のノードグループが、トラフィックを移せる台数に達した${detail}。`
        : `The nodegroups of ${cluster ?? ""} in ${place} reached the capacity the plan lets traffic move at${detail}.`;
    return l === "ja"
      ? `${place} のクラスタ ${cluster ?? ""} のノードグループが稼働時の台数に達した${detail}。`
      : `The nodegroups of ${cluster ?? ""} in ${place} reached their active sizes${detail}.`;
  });
}

function trafficSwitched(record: AuditRecord, context: SentenceContext): Said {
  const after = (record.after ?? {}) as { region?: unknown; answers?: unknown };
  const where = typeof after.region === "string" ? after.region : context.request?.targetRegion;
  const answers =
    typeof after.answers === "object" && after.answers !== null
      ? Object.entries(after.answers as Record<string, unknown>).map(
          ([name, values]) => [name, Array.isArray(values) ? values.map(String).join(", ") : ""] as const,
        )
      : [];
  return both((l) => {
    const place = region(where, l, THE_TARGET);
    const said = list(
      answers.map(([name, values]) => (l === "ja" ? `${name} に ${values}` : `${name} with ${values}`)),
      l,
    );
    return l === "ja"
      ? `DNS が ${said || "各レコード"} を返すようになり、利用者は ${place} に振り向けられた。`
      : `DNS answered ${said || "every record"}: users are sent to ${place}.`;
  });
}

function runEnd(record: AuditRecord, context: SentenceContext): Said {
  const status = record.action.split(".")[1];
  const details = record.details ?? {};
  const active = typeof details.activeRegion === "string" ? details.activeRegion : undefined;
  const reason = record.error?.message ?? (typeof details.reason === "string" ? details.reason : "");
  const compensated = Array.isArray(details.compensated) ? details.compensated.map(String) : [];
  const kind = (l: "en" | "ja") => kindWord(context.kind, l);
  const activeIs = (l: "en" | "ja") =>
    active
      ? l === "ja"
        ? `稼働リージョンは ${region(active, l, THE_SOURCE)}。`
        : ` ${region(active, l, THE_SOURCE)} is the active region.`
      : "";
  if (status === "succeeded")
    return both((l) =>
      l === "ja" ? `${kind(l)}が完了した。${activeIs(l)}` : `The ${kind(l)} finished.${activeIs(l)}`,
    );
  if (status === "aborted")
    return both((l) =>
      l === "ja"
        ? `何も変更せずに${kind(l)}を中止した: ${quoted(reason, l)}。${activeIs(l)}`
        : `The ${kind(l)} stopped before changing anything: ${quoted(reason, l)}.${activeIs(l)}`,
    );
  return both((l) => {
    const undone = compensated.length
      ? l === "ja"
        ? `元に戻した変更: ${list(
            compensated.map((item) => quoted(item, l)),
            l,
          )}。`
        : ` Undone: ${list(compensated, l)}.`
      : "";
    return l === "ja"
      ? `${kind(l)}を停止し、担当者に引き継いだ: ${quoted(reason, l)}。${undone}${activeIs(l)}`
      : `The ${kind(l)} stopped and was handed to a person: ${quoted(reason, l)}.${undone}${activeIs(l)}`;
  });
}

/** The blocking checks' own words, where the record has no reason of its own. */
function failedChecks(checks: unknown): string | undefined {
  if (!Array.isArray(checks)) return undefined;
  const failed = checks.filter(
    (check): check is { name: string; detail: string } =>
      typeof check === "object" &&
      check !== null &&
      (check as { ok?: unknown }).ok === false &&
      (check as { unanswered?: unknown }).unanswered !== true,
  );
  return failed.length ? failed.map((check) => `${check.name}: ${check.detail}`).join("; ") : undefined;
}
