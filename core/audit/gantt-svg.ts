import { escapeHtml } from "./escape-html.js";
import type { ChartOutcome } from "./incident-report-model.js";

export interface GanttBar {
  /** A stable identifier (the phase's name), exposed as `data-phase` for tools and tests. */
  key: string;
  label: string;
  /** ISO times. */
  start: string;
  end: string;
  outcome: ChartOutcome;
  /** The bar's duration as the report words it. */
  duration: string;
}

export interface GanttChart {
  title: string;
  bars: readonly GanttBar[];
  /** Names the axis's time zone and offset: every time on the chart is that zone's wall clock. */
  axisLabel: string;
  /** "Asia/Tokyo": said in each bar's tooltip. */
  zone: string;
  /** An instant in the report's zone, as wall-clock milliseconds (identity for UTC). */
  wallMs(ms: number): number;
  legend: Record<ChartOutcome, string>;
}

export const OUTCOME_COLOURS: Record<ChartOutcome, string> = {
  ok: "#2f855a",
  failed: "#c53030",
  running: "#d69e2e",
  estimated: "#a0aec0",
};

const LABEL_WIDTH = 250;
const PLOT_WIDTH = 600;
const DURATION_WIDTH = 110;
const WIDTH = LABEL_WIDTH + PLOT_WIDTH + DURATION_WIDTH;
const TOP = 40;
const ROW = 30;
const BAR = 18;
const MIN_BAR_WIDTH = 3;
/** Tick spacings in minutes; the smallest that keeps the axis to a handful of labels is used. */
const TICK_MINUTES = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440];
const MAX_TICKS = 8;
const MINUTE_MS = 60_000;

/**
 * A gantt chart as inline SVG, drawn here rather than by a charting script: reports are opened where
 * there may be no network, and a page that fetches nothing cannot break or leak. Every text is escaped.
 * One row per bar, in the given order; a time axis in HH:MM of the report's zone, on its minute
 * boundaries (a zone half an hour off UTC still gets whole local hours).
 */
export function ganttSvg(chart: GanttChart): string {
  // Nothing to scale an axis to; the page says so in words instead.
  if (chart.bars.length === 0) return "";
  // Laid out in wall-clock time, so ticks fall on the zone's own minutes and hours.
  const bars = chart.bars.map((bar) => ({
    ...bar,
    from: chart.wallMs(Date.parse(bar.start)),
    to: chart.wallMs(Date.parse(bar.end)),
  }));
  const axis = timeAxis(Math.min(...bars.map((bar) => bar.from)), Math.max(...bars.map((bar) => bar.to)));
  const x = (ms: number) => LABEL_WIDTH + ((ms - axis.from) / (axis.to - axis.from)) * PLOT_WIDTH;
  const axisY = TOP + bars.length * ROW + 4;
  const height = axisY + 72;
  const outcomes = (Object.keys(OUTCOME_COLOURS) as ChartOutcome[]).filter((outcome) =>
    bars.some((bar) => bar.outcome === outcome),
  );

  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="gantt" role="img" aria-labelledby="gantt-title" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, sans-serif" font-size="13">`,
    `<title id="gantt-title">${escapeHtml(chart.title)}</title>`,
    `<text x="0" y="18" font-size="15" font-weight="600" fill="#1a202c">${escapeHtml(chart.title)}</text>`,
    ...axis.ticks.map(
      (tick) =>
        `<line class="tick" x1="${n(x(tick))}" y1="${TOP - 6}" x2="${n(x(tick))}" y2="${axisY}" stroke="#e2e8f0"/>` +
        `<text x="${n(x(tick))}" y="${axisY + 16}" text-anchor="middle" fill="#4a5568">${clock(tick)}</text>`,
    ),
    `<line x1="${LABEL_WIDTH}" y1="${axisY}" x2="${LABEL_WIDTH + PLOT_WIDTH}" y2="${axisY}" stroke="#a0aec0"/>`,
    `<text x="${LABEL_WIDTH + PLOT_WIDTH / 2}" y="${axisY + 34}" text-anchor="middle" fill="#4a5568">${escapeHtml(chart.axisLabel)}</text>`,
    ...bars.map((bar, index) => {
      const y = TOP + index * ROW;
      const left = x(bar.from);
      const width = Math.max(MIN_BAR_WIDTH, x(bar.to) - left);
      const tooltip = `${bar.label}: ${clockSeconds(bar.from)}–${clockSeconds(bar.to)} ${chart.zone} (${bar.duration})`;
      return (
        `<g class="phase" data-phase="${escapeHtml(bar.key)}" data-outcome="${bar.outcome}">` +
        `<text x="${LABEL_WIDTH - 10}" y="${y + BAR - 4}" text-anchor="end" fill="#1a202c">${escapeHtml(bar.label)}</text>` +
        `<rect class="bar" x="${n(left)}" y="${y}" width="${n(width)}" height="${BAR}" rx="3" fill="${OUTCOME_COLOURS[bar.outcome]}"><title>${escapeHtml(tooltip)}</title></rect>` +
        `<text x="${n(left + width + 6)}" y="${y + BAR - 4}" fill="#4a5568">${escapeHtml(bar.duration)}</text>` +
        "</g>"
      );
    }),
    ...outcomes.map((outcome, index) => {
      const left = LABEL_WIDTH + index * 170;
      return (
        `<rect x="${left}" y="${axisY + 48}" width="14" height="14" rx="2" fill="${OUTCOME_COLOURS[outcome]}"/>` +
        `<text x="${left + 20}" y="${axisY + 60}" fill="#1a202c">${escapeHtml(chart.legend[outcome])}</text>`
      );
    }),
    "</svg>",
  ];
  return parts.join("\n");
}

/** The axis spans whole tick intervals around the bars, at least one minute, so labels fall on HH:MM. */
function timeAxis(from: number, to: number): { from: number; to: number; ticks: number[] } {
  const span = Math.max(to - from, MINUTE_MS);
  const stepMinutes =
    TICK_MINUTES.find((minutes) => span / (minutes * MINUTE_MS) <= MAX_TICKS - 1) ??
    TICK_MINUTES.at(-1) ??
    1440;
  const step = stepMinutes * MINUTE_MS;
  const start = Math.floor(from / step) * step;
  const end = Math.max(Math.ceil(to / step) * step, start + step);
  const ticks: number[] = [];
  for (let tick = start; tick <= end; tick += step) ticks.push(tick);
  return { from: start, to: end, ticks };
}

/** Wall-clock milliseconds read as UTC give the zone's own HH:MM. */
function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16);
}

function clockSeconds(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

/** Coordinates to a tenth of a pixel: exact enough, and the markup stays readable. */
function n(value: number): string {
  return String(Math.round(value * 10) / 10);
}
