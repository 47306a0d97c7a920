#!/usr/bin/env node
// Runs the TypeScript CLI directly, so a fresh clone needs no build step before `npx kirikae`.

const [major = 0] = process.versions.node.split(".").map(Number);
if (major < 20) {
  // tsx's loader hooks need Node 20+; without this check the first thing a person sees is a stack.
  process.stderr.write(
    `✗ kirikae needs Node.js 20 or later, and this is ${process.version}\n` +
      "  what to do: run it as `npx kirikae` inside the project, which uses the Node 22 that npm installed\n",
  );
  process.exit(1);
}

const { register } = await import("tsx/esm/api");
register();
await import("../cli/main.ts");
