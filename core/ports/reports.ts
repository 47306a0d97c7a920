import type { MutationReceipt } from "./global-database.js";

/** Where incident reports are kept: the control plane's Object Lock bucket, beside the signed digests. */
export interface ReportStorePort {
  /** Never over an existing object; the answer names where the report is, for the notification. */
  put(key: string, body: string, contentType: string): Promise<MutationReceipt & { location: string }>;
}
