import { Logger } from "@aws-lambda-powertools/logger";

/** One structured logger for every kirikae function; the sandbox drill turns it down to keep its screen. */
export const logger = new Logger({ serviceName: "kirikae" });
