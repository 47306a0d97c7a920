import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import { OUTCOME_COLOURS } from "../../core/audit/gantt-svg.js";
import { chromiumAvailability } from "../support/browser.js";
import { drillReports, mermaidPhases } from "../support/drill-reports.js";
import { countPixelsNear, decodePng } from "../support/png.js";

const browser = chromiumAvailability();

describe("HTML incident report in headless Chromium", () => {
  it("draws the gantt: a visible, labelled bar per phase on an HH:MM axis in the report's time zone, fetching nothing", async (context) => {
    if (browser.state === "required-but-missing") throw new Error(browser.reason);
    if (browser.state === "skip") {
      // The default reporter shows a skip's note only in verbose mode; a warning is seen either way.
      console.warn(`skipped: ${browser.reason}`);
      return context.skip(browser.reason);
    }
    const { directory, reports } = await drillReports("region-outage", "en");
    const failover = reports[0];
    if (!failover) throw new Error("the drill wrote no report");
    const phases = mermaidPhases(failover.markdown);
    const pageUrl = pathToFileURL(failover.htmlFile).href;

    const instance = await chromium.launch({ executablePath: browser.executablePath });
    try {
      const page = await instance.newPage({ viewport: { width: 1000, height: 900 }, deviceScaleFactor: 1 });
      const requests: string[] = [];
      page.on("request", (request) => {
        requests.push(request.url());
      });
      await page.goto(pageUrl);
      const chart = page.locator("svg.gantt");
      const chartBox = await chart.boundingBox();
      const bars = await Promise.all(
        (await chart.locator("g.phase").all()).map(async (group) => {
          const label = group.locator("text").first();
          return {
            phase: await group.getAttribute("data-phase"),
            label: await label.textContent(),
            labelBox: await label.boundingBox(),
            box: await group.locator("rect.bar").boundingBox(),
          };
        }),
      );
      const ticks = (await chart.locator("text").allTextContents()).filter((text) =>
        /^\d\d:\d\d$/.test(text),
      );
      const zoneShown = await page.getByText("Asia/Tokyo (UTC+09:00)", { exact: true }).isVisible();
      const axisLabel = await chart.locator("text", { hasText: "time (Asia/Tokyo, UTC+09:00)" }).count();
      const screenshotFile = join(directory, "gantt.png");
      await chart.screenshot({ path: screenshotFile });
      await page.screenshot({ path: join(directory, "report.png"), fullPage: true });

      expect(requests).toEqual([pageUrl]);
      expect(zoneShown).toBe(true);
      expect(axisLabel).toBe(1);
      expect(chartBox?.width).toBeGreaterThan(0);
      expect(bars.map((bar) => bar.label)).toEqual(phases.map((phase) => phase.label));
      for (const bar of bars) {
        expect(bar.box?.width, `${bar.phase} bar width`).toBeGreaterThan(0);
        expect(bar.box?.height, `${bar.phase} bar height`).toBeGreaterThan(0);
        expect(bar.labelBox?.width, `${bar.phase} label width`).toBeGreaterThan(0);
        expect(bar.box?.x).toBeGreaterThanOrEqual(chartBox?.x ?? Number.NaN);
        expect((bar.box?.x ?? 0) + (bar.box?.width ?? 0)).toBeLessThanOrEqual(
          (chartBox?.x ?? 0) + (chartBox?.width ?? 0),
        );
      }
      // The chart shows the workflow's shape: promotion and scale-up side by side, DNS after both.
      const box = (phase: string) => bars.find((bar) => bar.phase === phase)?.box ?? undefined;
      const promotion = box("promotion");
      const scaleUp = box("scaleUp");
      const traffic = box("traffic");
      if (!promotion || !scaleUp || !traffic) throw new Error("a phase of the failover is not drawn");
      expect(promotion.x).toBeLessThan(scaleUp.x + scaleUp.width);
      expect(scaleUp.x).toBeLessThan(promotion.x + promotion.width);
      expect(traffic.x).toBeGreaterThanOrEqual(
        Math.max(promotion.x + promotion.width, scaleUp.x + scaleUp.width) - 1,
      );
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      expect([...ticks].sort()).toEqual(ticks);

      const png = decodePng(await readFile(screenshotFile));
      // The chart is scaled to the page and may start on a fractional pixel; the screenshot covers its
      // box in whole pixels.
      expect(Math.abs(png.width - (chartBox?.width ?? 0))).toBeLessThanOrEqual(2);
      expect(Math.abs(png.height - (chartBox?.height ?? 0))).toBeLessThanOrEqual(2);
      const barArea = bars.reduce((sum, bar) => sum + (bar.box?.width ?? 0) * (bar.box?.height ?? 0), 0);
      expect(countPixelsNear(png, OUTCOME_COLOURS.ok)).toBeGreaterThan(0.7 * barArea);
      expect(countPixelsNear(png, "#ffffff", 0)).toBeGreaterThan(png.width * png.height * 0.5);
    } finally {
      await instance.close();
    }
  });
});
