import type { ReportLanguage } from "./language.js";

/**
 * A duration as a person reads it, in one wording shared by the drill's terminal and the reports:
 * tenths under a minute (a step's own time), whole seconds under an hour, whole minutes beyond.
 */
export function formatDuration(seconds: number, language: ReportLanguage = "en"): string {
  const ja = language === "ja";
  if (seconds < 60) return ja ? `${seconds.toFixed(1)}秒` : `${seconds.toFixed(1)} s`;
  const total = Math.round(seconds);
  if (total < 3600) {
    const minutes = Math.floor(total / 60);
    const rest = total - minutes * 60;
    return ja ? `${minutes}分${rest}秒` : `${minutes} min ${rest} s`;
  }
  const wholeMinutes = Math.round(seconds / 60);
  const hours = Math.floor(wholeMinutes / 60);
  const minutes = wholeMinutes - hours * 60;
  return ja ? `${hours}時間${minutes}分` : `${hours} h ${minutes} min`;
}
