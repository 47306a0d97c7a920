import type { Plan } from "../plan/schema.js";
import type { Said } from "./language.js";
import type { RunFacts } from "./run-facts.js";
import {
  both,
  kindWord,
  list,
  quoted,
  region,
  type SentenceContext,
  seconds,
  THE_SOURCE,
  THE_TARGET,
  timeOf,
} from "./sentence-parts.js";
import type { TrafficSeen } from "./traffic-seen.js";

/** 暫定対応: what this run changed, as its successful calls and records show, and what it undid. */
export function doneSaid(facts: RunFacts, traffic: TrafficSeen): Said[] {
  const target = (l: "en" | "ja") => region(facts.request?.targetRegion, l, THE_TARGET);
  const source = (l: "en" | "ja") => region(facts.request?.sourceRegion, l, THE_SOURCE);
  // A compensation is the same call as the change it undoes: its intent says which it was.
  const ok = (predicate: (action: string, resource: string) => boolean) =>
    facts.records.filter((record, index) => {
      if (record.kind !== "outcome" || record.outcome !== "ok") return false;
      if (!predicate(record.action, record.resource ?? "")) return false;
      const intent = facts.records
        .slice(0, index)
        .reverse()
        .find(
          (earlier) =>
            earlier.kind === "intent" &&
            earlier.action === record.action &&
            earlier.resource === record.resource,
        );
      return intent?.details?.compensation !== true;
    });
  const done: Said[] = [];
  const promotionCalls = ok((action) => /^rds:(Failover|Switchover)GlobalCluster$/.test(action));
  if (facts.promotedAt) {
    const how = facts.promotion?.mode;
    done.push(
      both((l) =>
        l === "ja"
          ? `データベースのライターを ${target(l)} に移した${how ? `（${how === "failover" ? "フェイルオーバー" : "スイッチオーバー"}）` : ""}。`
          : `The database writer moved to ${target(l)}${how ? ` by ${how}` : ""}.`,
      ),
    );
  } else if (promotionCalls.length > 0) {
    done.push(
      both((l) =>
        l === "ja"
          ? `Aurora に ${target(l)} の昇格を要求したが、実行の終了までに完了しなかった。`
          : `Aurora was asked to promote ${target(l)}; the promotion had not completed when the run ended.`,
      ),
    );
  }
  const targetRegion = facts.request?.targetRegion;
  const scaled = ok(
    (action, resource) => action === "eks:UpdateNodegroupConfig" && resource.startsWith(`${targetRegion}/`),
  );
  const shrunk = ok(
    (action, resource) =>
      action === "eks:UpdateNodegroupConfig" &&
      targetRegion !== undefined &&
      !resource.startsWith(`${targetRegion}/`),
  );
  if (scaled.length > 0)
    done.push(
      both((l) =>
        l === "ja"
          ? `${target(l)} のノードグループを拡張した（${scaled.length} 件）。`
          : `Nodegroups in ${target(l)} were scaled up (${scaled.length} changes).`,
      ),
    );
  if (shrunk.length > 0)
    done.push(
      both((l) =>
        l === "ja"
          ? `${source(l)} のノードグループを待機時の台数に戻した（${shrunk.length} 件）。`
          : `Nodegroups in ${source(l)} went back to their standby sizes (${shrunk.length} changes).`,
      ),
    );
  if (traffic.kind === "answered")
    done.push(
      both((l) =>
        l === "ja" ? `DNS で利用者を ${target(l)} に切り替えた。` : `DNS sends users to ${target(l)}.`,
      ),
    );
  if (traffic.kind === "changed-unconfirmed")
    done.push(
      both((l) =>
        l === "ja"
          ? `DNS を ${target(l)} 向けに変更した（応答の確認前に終了）。`
          : `DNS was changed towards ${target(l)} (the run ended before the answers were confirmed).`,
      ),
    );
  const outcome = facts.outcome;
  if ((outcome.kind === "escalated" || outcome.kind === "notApproved") && outcome.compensated.length > 0)
    done.push(
      both((l) =>
        l === "ja"
          ? `停止時に元に戻した変更: ${list(
              outcome.compensated.map((item) => quoted(item, l)),
              l,
            )}。`
          : `Undone when the run stopped: ${list(outcome.compensated, l)}.`,
      ),
    );
  if (done.length === 0)
    done.push(
      both((l) =>
        l === "ja" ? "なし（この実行では何も変更していない）。" : "None: this run changed nothing.",
      ),
    );
  return done;
}

/** What a person has to do next, from how the run ended: the hand-over. */
export function nextSaid(plan: Plan, facts: RunFacts): Said[] {
  const target = (l: "en" | "ja") => region(facts.request?.targetRegion, l, THE_TARGET);
  const source = (l: "en" | "ja") => region(facts.request?.sourceRegion ?? plan.activeRegion, l, THE_SOURCE);
  const kind = (l: "en" | "ja") => kindWord(facts.kind, l);
  const outcome = facts.outcome;
  switch (outcome.kind) {
    case "succeeded": {
      if (facts.kind === "failback")
        return [
          both((l) =>
            l === "ja" ? "なし（計画どおり完了）。" : "Nothing: the failback finished as planned.",
          ),
        ];
      const next: Said[] = [
        both((l) =>
          l === "ja"
            ? `${source(l)} の回復後にフェイルバックを計画する（\`kirikae failback --plan ${plan.name}\`）。`
            : `Plan the failback to ${source(l)} once it has recovered (\`kirikae failback --plan ${plan.name}\`).`,
        ),
      ];
      const lag =
        facts.promotion?.mode === "failover"
          ? (facts.verified?.rpoSeconds ?? facts.promotion.rpoEstimateSeconds)
          : 0;
      if (lag === null || (typeof lag === "number" && lag > 0))
        next.push(
          both((l) =>
            l === "ja"
              ? `${source(l)} で昇格前${typeof lag === "number" ? `の最大 ${seconds(lag, l)}` : ""}に書き込まれ、失われた可能性のあるデータを確認する。`
              : `Reconcile the writes ${source(l)} took${typeof lag === "number" ? ` in the last ${seconds(lag, l)}` : ""} before the promotion: they may be lost.`,
          ),
        );
      return next;
    }
    case "refused":
      return [
        outcome.stage === "precheck"
          ? both((l) =>
              l === "ja"
                ? `事前チェックで見つかった問題（対応経緯を参照）を ${target(l)} で解消し、障害が続くなら手動で再実行する（\`kirikae ${facts.kind ?? "failover"} --plan ${plan.name} --reason ...\`）。`
                : `Fix what the pre-checks found in ${target(l)} (see the timeline); if the outage goes on, start the ${kind(l)} again by hand (\`kirikae ${facts.kind ?? "failover"} --plan ${plan.name} --reason ...\`).`,
            )
          : both((l) =>
              l === "ja"
                ? "拒否の理由（結果を参照）を確認する。何も変更されていない。"
                : "Read the refusal's reason (see the outcome); nothing was changed.",
            ),
      ];
    case "cleared":
      return [
        both((l) =>
          l === "ja"
            ? "アラームが発報してすぐ解除された理由（フラッピング）を調べる。何も変更されていない。"
            : "Find out why the alarm fired and cleared at once (a flap); nothing was changed.",
        ),
      ];
    case "notApproved":
      return [
        both((l) =>
          l === "ja"
            ? `${region(outcome.activeRegion ?? facts.request?.sourceRegion, l, THE_SOURCE)} が稼働リージョンのまま。障害が続くなら、改めて判断し手動で実行する（\`kirikae ${facts.kind ?? "failover"} --plan ${plan.name} --reason ...\`）。`
            : `${region(outcome.activeRegion ?? facts.request?.sourceRegion, l, THE_SOURCE)} is still the active region; if the outage goes on, decide again and start by hand (\`kirikae ${facts.kind ?? "failover"} --plan ${plan.name} --reason ...\`).`,
        ),
      ];
    case "escalated":
      return [
        both((l) =>
          l === "ja"
            ? `担当者が引き継ぐ: 実行が残した状態（\`kirikae status\`）と対応経緯の最後の記録を確認する。稼働リージョンは ${region(outcome.activeRegion, l, THE_SOURCE)}。`
            : `A person takes over: check the state the run left (\`kirikae status\`) and the last entries of the timeline; ${region(outcome.activeRegion, l, THE_SOURCE)} is the active region.`,
        ),
      ];
    case "inProgress":
      return [
        both((l) =>
          l === "ja"
            ? "実行中: `kirikae status` で見守り、終了後にこの報告書を作り直す。"
            : "Still running: follow it with `kirikae status`, and write this report again once it ends.",
        ),
      ];
  }
}

/** 直接原因: only what the records show (the trigger, and what the promotion step found); the rest is a person's. */
export function directCauseSaid(facts: RunFacts, context: SentenceContext): Said[] {
  const said: Said[] = [];
  // A failback is planned: there is no failure to explain.
  if (facts.kind === "failback") return said;
  const trigger = facts.request?.trigger;
  if (trigger?.type === "alarm" && trigger.alarmName) {
    const at = trigger.detectedAt ? timeOf(trigger.detectedAt, context) : "";
    said.push(
      both((l) =>
        l === "ja"
          ? `アラーム ${trigger.alarmName}（${trigger.alarmRegion ?? ""}）が ${at} に ALARM になった。`
          : `Alarm ${trigger.alarmName} (${trigger.alarmRegion ?? ""}) entered ALARM at ${at}.`,
      ),
    );
  }
  const judged = [...facts.records]
    .reverse()
    .find((record) => record.action.startsWith("database.") && Array.isArray(record.details?.evidence));
  const evidence = (judged?.details?.evidence as unknown[] | undefined)?.map(String) ?? [];
  if (evidence.length > 0)
    said.push(
      both((l) =>
        l === "ja"
          ? `昇格の判断時に得た旧プライマリの状態: ${list(
              evidence.map((item) => quoted(item, l)),
              l,
            )}。`
          : `What the promotion step found about the old primary: ${evidence.join("; ")}.`,
      ),
    );
  return said;
}
