/**
 * Where each commercial AWS region is, for the report's default time zone (an incident is read in the
 * local time of the people whose home region failed) and for naming regions the way people say them.
 * The IANA zone is the city the region is in or next to; a region missing here falls back to UTC.
 */
const REGIONS: Record<string, { zone: string; en: string; ja: string }> = {
  "us-east-1": { zone: "America/New_York", en: "N. Virginia", ja: "バージニア北部" },
  "us-east-2": { zone: "America/New_York", en: "Ohio", ja: "オハイオ" },
  "us-west-1": { zone: "America/Los_Angeles", en: "N. California", ja: "北カリフォルニア" },
  "us-west-2": { zone: "America/Los_Angeles", en: "Oregon", ja: "オレゴン" },
  "af-south-1": { zone: "Africa/Johannesburg", en: "Cape Town", ja: "ケープタウン" },
  "ap-east-1": { zone: "Asia/Hong_Kong", en: "Hong Kong", ja: "香港" },
  "ap-east-2": { zone: "Asia/Taipei", en: "Taipei", ja: "台北" },
  "ap-south-1": { zone: "Asia/Kolkata", en: "Mumbai", ja: "ムンバイ" },
  "ap-south-2": { zone: "Asia/Kolkata", en: "Hyderabad", ja: "ハイデラバード" },
  "ap-northeast-1": { zone: "Asia/Tokyo", en: "Tokyo", ja: "東京" },
  "ap-northeast-2": { zone: "Asia/Seoul", en: "Seoul", ja: "ソウル" },
  "ap-northeast-3": { zone: "Asia/Tokyo", en: "Osaka", ja: "大阪" },
  "ap-southeast-1": { zone: "Asia/Singapore", en: "Singapore", ja: "シンガポール" },
  "ap-southeast-2": { zone: "Australia/Sydney", en: "Sydney", ja: "シドニー" },
  "ap-southeast-3": { zone: "Asia/Jakarta", en: "Jakarta", ja: "ジャカルタ" },
  "ap-southeast-4": { zone: "Australia/Melbourne", en: "Melbourne", ja: "メルボルン" },
  "ap-southeast-5": { zone: "Asia/Kuala_Lumpur", en: "Malaysia", ja: "マレーシア" },
  "ap-southeast-6": { zone: "Pacific/Auckland", en: "New Zealand", ja: "ニュージーランド" },
  "ap-southeast-7": { zone: "Asia/Bangkok", en: "Thailand", ja: "タイ" },
  "ca-central-1": { zone: "America/Toronto", en: "Canada Central", ja: "カナダ中部" },
  "ca-west-1": { zone: "America/Edmonton", en: "Calgary", ja: "カルガリー" },
  "eu-central-1": { zone: "Europe/Berlin", en: "Frankfurt", ja: "フランクフルト" },
  "eu-central-2": { zone: "Europe/Zurich", en: "Zurich", ja: "チューリッヒ" },
  "eu-west-1": { zone: "Europe/Dublin", en: "Ireland", ja: "アイルランド" },
  "eu-west-2": { zone: "Europe/London", en: "London", ja: "ロンドン" },
  "eu-west-3": { zone: "Europe/Paris", en: "Paris", ja: "パリ" },
  "eu-south-1": { zone: "Europe/Rome", en: "Milan", ja: "ミラノ" },
  "eu-south-2": { zone: "Europe/Madrid", en: "Spain", ja: "スペイン" },
  "eu-north-1": { zone: "Europe/Stockholm", en: "Stockholm", ja: "ストックホルム" },
  "il-central-1": { zone: "Asia/Jerusalem", en: "Tel Aviv", ja: "テルアビブ" },
  "me-south-1": { zone: "Asia/Bahrain", en: "Bahrain", ja: "バーレーン" },
  "me-central-1": { zone: "Asia/Dubai", en: "UAE", ja: "アラブ首長国連邦" },
  "mx-central-1": { zone: "America/Mexico_City", en: "Mexico", ja: "メキシコ" },
  "sa-east-1": { zone: "America/Sao_Paulo", en: "São Paulo", ja: "サンパウロ" },
};

/** The IANA zone of a region's location; UTC for a region this table does not know. */
export function regionTimeZone(region: string): string {
  return REGIONS[region]?.zone ?? "UTC";
}

/** "ap-northeast-1 (Tokyo)" / "ap-northeast-1（東京）": the code stays, for it is what every tool shows. */
export function regionLabel(region: string, language: "en" | "ja"): string {
  const place = REGIONS[region]?.[language];
  if (!place) return region;
  return language === "ja" ? `${region}（${place}）` : `${region} (${place})`;
}
