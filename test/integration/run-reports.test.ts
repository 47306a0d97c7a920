import { describe, expect, it } from "vitest";
import type { Notification } from "../../adapters/recording-notifier.js";
import { runDrill } from "../../sandbox/drill/run-drill.js";
import { findScenario } from "../../sandbox/drill/scenarios.js";
import { testPlan } from "../support/plan-fixtures.js";

function scenario(name: string) {
  const found = findScenario(name);
  if (!found) throw new Error(`no scenario ${name}`);
  return found;
}

/** The s3:// locations a notification names as the run's incident reports. */
function reportLocations(notification: Notification): string[] {
  const line = /Incident report: ([^ ]+(?:, [^ ]+)*)\.$/.exec(notification.message)?.[1] ?? "";
  return line.split(", ").filter((location) => location.startsWith("s3://"));
}

describe("the incident report written at the end of every run", () => {
  it("is in the Object Lock bucket in English and Japanese, and the notification links it, for a success and an escalation", async () => {
    const plan = testPlan();
    for (const [name, status] of [
      ["region-outage", "succeeded"],
      ["stuck-promotion", "escalated"],
    ] as const) {
      let notifications: Notification[] = [];
      let bodies: string[] = [];

      await runDrill({
        plan,
        scenario: scenario(name),
        failback: false,
        afterwards: async ({ built, controlPlane }) => {
          notifications = controlPlane.notifier.sent;
          const now = built.estate.clock.now().getTime();
          bodies = notifications.flatMap(reportLocations).map((location) => {
            const [, bucket = "", key = ""] = /^s3:\/\/([^/]+)\/(.+)$/.exec(location) ?? [];
            return built.models.s3.bodyAt(bucket, key, now) ?? "";
          });
        },
      });

      const outcome = notifications.find((notification) => notification.subject.includes(status));
      expect(outcome, name).toBeDefined();
      const locations = reportLocations(outcome as Notification);
      expect(locations, name).toEqual([
        expect.stringMatching(
          /^s3:\/\/kirikae-sandbox-dg-\d{12}-ap-southeast-1\/kirikae\/reports\/shop\/.+\.en\.md$/,
        ),
        expect.stringMatching(/\.ja\.md$/),
      ]);
      expect(
        bodies.every((body) => body.length > 0),
        name,
      ).toBe(true);
      expect(bodies[1], name).toMatch(/障害報告書|発生日時/);
    }
  });
});
