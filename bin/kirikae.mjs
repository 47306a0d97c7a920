#!/usr/bin/env node
// Runs the TypeScript CLI directly: no build step between a fresh clone and `npx kirikae`.
import { register } from "tsx/esm/api";

register();
await import("../cli/main.ts");
