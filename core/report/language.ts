export type ReportLanguage = "en" | "ja";

/**
 * One sentence in both languages, written side by side so that a fact added to one cannot be missing
 * from the other; the report picks its language at the end.
 */
export type Said = Record<ReportLanguage, string>;

export function said(en: string, ja: string): Said {
  return { en, ja };
}
