import type { AuditRecord } from "../ports/audit.js";
import type { Said } from "./language.js";
import {
  both,
  list,
  quoted,
  region,
  regionIn,
  type SentenceContext,
  THE_SOURCE,
  THE_TARGET,
} from "./sentence-parts.js";

const GATE_ACTIONS = new Set([
  "route53-recovery-cluster:UpdateRoutingControlStates",
  "cloudwatch:PutMetricData",
  "s3:PutObject",
]);

/**
 * The AWS calls the workflow made, as sentences: each outcome record (the intent before it says the
 * same), and an intent whose outcome never came (the call's fate is unknown: a crash mid-call). The
 * call's request ID is evidence, kept out of the sentence.
 */
export function callSentence(
  record: AuditRecord,
  context: SentenceContext,
  answered: boolean,
): Said | undefined {
  if (record.kind === "intent") return answered ? undefined : unanswered(record);
  if (record.kind !== "outcome") return undefined;
  const ok = record.outcome === "ok";
  const failure = (l: "en" | "ja") =>
    l === "ja"
      ? `失敗した: ${quoted(record.error?.message ?? "", l)}`
      : `failed: ${quoted(record.error?.message ?? "", l)}`;
  const after = (record.after ?? {}) as Record<string, unknown>;
  const target = (l: "en" | "ja") => region(context.request?.targetRegion, l, THE_TARGET);

  switch (record.action) {
    case "rds:FailoverGlobalCluster":
    case "rds:SwitchoverGlobalCluster": {
      const failover = record.action === "rds:FailoverGlobalCluster";
      const writer = typeof after.writer === "string" ? regionIn(after.writer) : undefined;
      return both((l) => {
        const to = region(writer ?? context.request?.targetRegion, l, THE_TARGET);
        if (l === "ja") {
          const what = failover ? "フェイルオーバー（データ損失を許容）" : "スイッチオーバー";
          return ok
            ? `Aurora がグローバルデータベース ${record.resource ?? ""} の ${to} への${what}要求を受け付けた。`
            : `Aurora へのグローバルデータベース ${record.resource ?? ""} の${what}要求が${failure(l)}。`;
        }
        const what = failover ? "failover (data loss allowed)" : "switchover";
        return ok
          ? `Aurora accepted the ${what} of global database ${record.resource ?? ""} to ${to}.`
          : `The ${what} request for global database ${record.resource ?? ""} ${failure(l)}.`;
      });
    }
    case "eks:UpdateNodegroupConfig": {
      const [where, cluster, nodegroup] = (record.resource ?? "").split("/");
      const desired = typeof after.desiredSize === "number" ? after.desiredSize : undefined;
      const min = typeof after.minSize === "number" ? after.minSize : undefined;
      return both((l) => {
        const place = region(where, l, THE_TARGET);
        if (l === "ja")
          return ok
            ? `${place} のクラスタ ${cluster ?? ""} のノードグループ ${nodegroup ?? ""} を ${desired ?? ""} 台に設定した${min === undefined ? "" : `（最小 ${min} 台）`}。`
            : `${place} のクラスタ ${cluster ?? ""} のノードグループ ${nodegroup ?? ""} の台数変更が${failure(l)}。`;
        return ok
          ? `Nodegroup ${nodegroup ?? ""} of ${cluster ?? ""} in ${place} was set to ${desired ?? ""} node${desired === 1 ? "" : "s"}${min === undefined ? "" : ` (minimum ${min})`}.`
          : `Resizing nodegroup ${nodegroup ?? ""} of ${cluster ?? ""} in ${place} ${failure(l)}.`;
      });
    }
    case "k8s:PatchDeploymentScale": {
      const replicas = typeof after.replicas === "number" ? after.replicas : undefined;
      return both((l) =>
        l === "ja"
          ? ok
            ? `Deployment ${record.resource ?? ""} を ${replicas ?? ""} レプリカにした。`
            : `Deployment ${record.resource ?? ""} のスケール変更が${failure(l)}。`
          : ok
            ? `Deployment ${record.resource ?? ""} was scaled to ${replicas ?? ""} replicas.`
            : `Scaling deployment ${record.resource ?? ""} ${failure(l)}.`,
      );
    }
    case "route53:ChangeResourceRecordSets": {
      const name = (record.resource ?? "").split("/").slice(1).join("/") || (record.resource ?? "");
      return both((l) =>
        l === "ja"
          ? ok
            ? `Route 53 の ${name} のレコードを ${target(l)} 向けに変更した（応答が変わるのは伝播後）。`
            : `Route 53 の ${name} のレコード変更が${failure(l)}。`
          : ok
            ? `The Route 53 records of ${name} were changed to send users to ${target(l)}; the answers change once the change propagates.`
            : `Changing the Route 53 records of ${name} ${failure(l)}.`,
      );
    }
    case "states:SendTaskSuccess":
      return both((l) =>
        l === "ja" ? "回答を受けてワークフローを再開した。" : "The workflow resumed with the answer.",
      );
    case "states:SendTaskFailure":
      return both((l) =>
        l === "ja" ? "回答を受けてワークフローを止めた。" : "The workflow was stopped with the answer.",
      );
    case "states:StartExecution":
      return detectorStart(record, ok);
  }
  if (GATE_ACTIONS.has(record.action) && (record.resource ?? "").startsWith(`${context.plan.name}/gates/`)) {
    const gates = Object.entries(after).filter(([, state]) => state === "open" || state === "closed");
    return both((l) => {
      const states = list(
        gates.map(([where, state]) =>
          l === "ja"
            ? `${region(where, l, THE_SOURCE)}: ${state === "open" ? "開" : "閉"}`
            : `${region(where, l, THE_SOURCE)} ${state}`,
        ),
        l,
      );
      return l === "ja"
        ? ok
          ? `トラフィックゲートを設定した（${states}）。`
          : `トラフィックゲートの設定が${failure(l)}。`
        : ok
          ? `Traffic gates set: ${states}.`
          : `Setting the traffic gates ${failure(l)}.`;
    });
  }
  const operation = record.action.split(":").at(1) ?? record.action;
  return both((l) =>
    l === "ja"
      ? `AWS の ${operation} 呼び出し（${record.resource ?? ""}）が${ok ? "成功した" : failure(l)}。`
      : `The AWS call ${operation} on ${record.resource ?? ""} ${ok ? "succeeded" : failure(l)}.`,
  );
}

/** CloudTrail's word on who started a run by hand; the other evidence records only carry IDs. */
export function evidenceSentence(record: AuditRecord): Said | undefined {
  const who = record.details?.initiator;
  if (record.kind !== "evidence" || typeof who !== "string") return undefined;
  return both((l) =>
    l === "ja"
      ? `CloudTrail の記録では、この実行を開始したのは ${who}。`
      : `CloudTrail shows ${who} started this run.`,
  );
}

function detectorStart(record: AuditRecord, ok: boolean): Said {
  const [where, alarm] = (record.resource ?? "").split("/");
  const named = `${alarm ?? ""}（${where ?? ""}）`;
  if (record.details?.decision === "failover.duplicate")
    return both((l) =>
      l === "ja"
        ? "同じアラームの再配信を受けたが、ワークフローは既に実行中だった。"
        : "A repeated delivery of the alarm found the workflow already running.",
    );
  return both((l) =>
    l === "ja"
      ? ok
        ? `検知機能がアラーム ${named} を受けてワークフローを起動した。`
        : `検知機能がワークフローを起動できなかった: ${quoted(record.error?.message ?? "", l)}。`
      : ok
        ? `The detector started the workflow on alarm ${alarm ?? ""} (${where ?? ""}).`
        : `The detector could not start the workflow: ${quoted(record.error?.message ?? "", l)}.`,
  );
}

function unanswered(record: AuditRecord): Said {
  const operation = record.action.split(":").at(1) ?? record.action;
  return both((l) =>
    l === "ja"
      ? `${record.resource ?? ""} への ${operation} 呼び出しを開始したが、結果は記録されていない。`
      : `A call to ${operation} on ${record.resource ?? ""} began, and no outcome was recorded.`,
  );
}
