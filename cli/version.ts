import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * kirikae's version, from its package.json: found by walking up from this module, so it is right
 * whether the CLI runs from the sources, a compiled copy, or a global install.
 */
export function kirikaeVersion(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(directory, "package.json"), "utf8")) as {
        name?: unknown;
        version?: unknown;
      };
      if (manifest.name === "kirikae" && typeof manifest.version === "string") return manifest.version;
    } catch {
      // No package.json here, or not one that can be read: keep climbing.
    }
    const parent = dirname(directory);
    if (parent === directory) return "unknown";
    directory = parent;
  }
}
