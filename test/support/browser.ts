import { existsSync } from "node:fs";

/** Debian's chromium package; CI installs it, a laptop may not have it. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

export type BrowserAvailability =
  | { state: "available"; executablePath: string }
  | { state: "skip"; reason: string }
  | { state: "required-but-missing"; reason: string };

/**
 * Whether the browser tests can run. The README's `npm test` must pass on a fresh machine, so without
 * chromium they are skipped, saying why; CI sets KIRIKAE_REQUIRE_BROWSER=1 so that a missing browser
 * fails the run instead of silently testing less.
 */
export function chromiumAvailability(
  env: NodeJS.ProcessEnv = process.env,
  executablePath = CHROMIUM_PATH,
): BrowserAvailability {
  if (existsSync(executablePath)) return { state: "available", executablePath };
  if (env.KIRIKAE_REQUIRE_BROWSER === "1")
    return {
      state: "required-but-missing",
      reason: `KIRIKAE_REQUIRE_BROWSER=1 but ${executablePath} does not exist: install Debian's chromium package (apt-get install -y --no-install-recommends chromium)`,
    };
  return {
    state: "skip",
    reason: `${executablePath} not found: install chromium to run the browser test (set KIRIKAE_REQUIRE_BROWSER=1 to make its absence a failure)`,
  };
}
