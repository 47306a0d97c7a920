import { describe, expect, it } from "vitest";
import { regionLabel, regionTimeZone } from "../../core/report/region-time-zones.js";
import { UnknownTimeZone } from "../../core/report/report-errors.js";
import { zonedClock } from "../../core/report/zoned-time.js";

const COMMERCIAL_REGIONS = [
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  "af-south-1",
  "ap-east-1",
  "ap-east-2",
  "ap-south-1",
  "ap-south-2",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-southeast-3",
  "ap-southeast-4",
  "ap-southeast-5",
  "ap-southeast-6",
  "ap-southeast-7",
  "ca-central-1",
  "ca-west-1",
  "eu-central-1",
  "eu-central-2",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "eu-south-1",
  "eu-south-2",
  "eu-north-1",
  "il-central-1",
  "me-south-1",
  "me-central-1",
  "mx-central-1",
  "sa-east-1",
];

describe("report time zones", () => {
  it("defaults to the local time of the plan's home region", () => {
    expect(regionTimeZone("ap-northeast-1")).toBe("Asia/Tokyo");
    expect(regionTimeZone("us-east-1")).toBe("America/New_York");
    expect(regionTimeZone("us-west-2")).toBe("America/Los_Angeles");
    expect(regionTimeZone("eu-west-1")).toBe("Europe/Dublin");
    expect(regionTimeZone("ap-southeast-1")).toBe("Asia/Singapore");
  });

  it("knows a zone the platform accepts for every commercial region, and falls back to UTC for others", () => {
    for (const region of COMMERCIAL_REGIONS) {
      const zone = regionTimeZone(region);
      expect(zone, region).not.toBe("UTC");
      expect(() => zonedClock(zone), region).not.toThrow();
    }
    expect(regionTimeZone("xx-nowhere-9")).toBe("UTC");
  });

  it("names a region by its code and its place, in each language", () => {
    expect(regionLabel("ap-northeast-1", "en")).toBe("ap-northeast-1 (Tokyo)");
    expect(regionLabel("ap-northeast-1", "ja")).toBe("ap-northeast-1（東京）");
    expect(regionLabel("xx-nowhere-9", "ja")).toBe("xx-nowhere-9");
  });

  it("shows an instant as the zone's wall clock with the offset in force then, summer time included", () => {
    expect(zonedClock("Asia/Tokyo").dateTime("2026-01-01T00:01:30.250Z")).toBe(
      "2026-01-01 09:01:30 UTC+09:00",
    );
    expect(zonedClock("America/New_York").dateTime("2026-01-01T00:01:30Z")).toBe(
      "2025-12-31 19:01:30 UTC-05:00",
    );
    expect(zonedClock("America/New_York").dateTime("2026-07-01T00:01:30Z")).toBe(
      "2026-06-30 20:01:30 UTC-04:00",
    );
    expect(zonedClock("Asia/Kolkata").dateTime("2026-01-01T00:00:00Z")).toBe("2026-01-01 05:30:00 UTC+05:30");
    expect(zonedClock("UTC").dateTime("2026-01-01T00:00:00Z")).toBe("2026-01-01 00:00:00 UTC+00:00");
  });

  it("refuses a zone the platform does not know, naming it and saying what to give", () => {
    const attempt = () => zonedClock("Mars/Olympus_Mons");

    expect(attempt).toThrow(UnknownTimeZone);
    expect(attempt).toThrow('"Mars/Olympus_Mons" is not a time zone this system knows');
  });
});
