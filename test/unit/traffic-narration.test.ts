import { describe, expect, it } from "vitest";
import { describeTraffic } from "../../sandbox/drill/traffic-narration.js";

const records = (count: number, region: (index: number) => string) =>
  Object.fromEntries(Array.from({ length: count }, (_, index) => [`r${index}.example.com`, [region(index)]]));

describe("the drill's narration of DNS answers", () => {
  it("names each record of a small plan, and says when users reach a region that cannot take writes", () => {
    const line = describeTraffic({
      writerRegion: "eu-west-1",
      records: { "app.example.com": ["eu-central-1"], "api.example.com": ["eu-west-1"] },
      serving: ["eu-central-1", "eu-west-1"],
    });

    expect(line).toBe(
      "DNS: app.example.com → eu-central-1, api.example.com → eu-west-1; writer eu-west-1 (users sent to a region that cannot take writes)",
    );
  });

  it("counts the records of a large plan by where they send users, so the line stays readable", () => {
    const line = describeTraffic({
      writerRegion: undefined,
      records: records(200, (index) => (index < 150 ? "eu-west-1" : "eu-central-1")),
      serving: ["eu-west-1"],
    });

    expect(line).toBe(
      "DNS: 150 records → eu-west-1, 50 records → eu-central-1; no cluster is the writer (promotion under way)",
    );
  });
});
