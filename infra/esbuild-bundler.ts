import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, relative, sep } from "node:path";
import { pathToFileURL } from "node:url";
import type { BuildOptions } from "esbuild";
import type { BundledHandler, HandlerBundler } from "./bundling.js";

/** The Lambda runtime infra deploys (nodejs22.x); bundles target exactly it. */
export const NODE_TARGET = "node22";
const ENTRY_FILE = "index.mjs";

/**
 * The esbuild bundler of deploys and of `npm run bench:cold`: one minified ESM file per handler with the
 * modular AWS SDK clients it imports bundled in (never the runtime's own SDK, whose version is not ours),
 * tree-shaken. Names are kept so stack traces in CloudWatch stay readable; error names never depended on
 * them (every kirikae error sets `name` itself, since Step Functions matches on it).
 *
 * `root` is the repository root: esbuild, zod and the handlers are resolved from there, not from this
 * file, because SST runs this module from a bundle it writes under .sst/.
 */
export function esbuildBundler(root: string): HandlerBundler {
  const fromRoot = createRequire(join(root, "package.json"));
  const options = deployBuildOptions(root);
  return async (handler) => {
    // A computed specifier keeps bundlers (SST bundles sst.config.ts and what it imports) off esbuild itself.
    const esbuildEntry = fromRoot.resolve("esbuild");
    const esbuild: typeof import("esbuild") = await import(pathToFileURL(esbuildEntry).href);
    const { file, exportName } = entryOf(handler);
    const result = await esbuild.build({
      ...options,
      entryPoints: [join(root, file)],
      outfile: join(root, ".kirikae-bundle", ENTRY_FILE),
    });
    const [output] = result.outputFiles;
    if (!output) throw new Error(`esbuild produced nothing for ${handler}`);
    return { files: { [ENTRY_FILE]: output.text }, handler: `index.${exportName}` } satisfies BundledHandler;
  };
}

/**
 * How every handler is bundled for Lambda, whatever its entry and output: what the deploy uses, and what
 * bench/bundle-contents.ts measures, so the two cannot drift apart.
 */
export function deployBuildOptions(root: string): BuildOptions & { write: false } {
  const fromRoot = createRequire(join(root, "package.json"));
  const zodClassic = join(dirname(fromRoot.resolve("zod/package.json")), "v4", "classic", "external.js");
  return {
    absWorkingDir: root,
    bundle: true,
    write: false,
    platform: "node",
    target: NODE_TARGET,
    format: "esm",
    mainFields: ["module", "main"],
    minify: true,
    keepNames: true,
    treeShaking: true,
    legalComments: "none",
    // Some of the SDK's dependencies are CommonJS and call require(); ESM has none of its own.
    banner: {
      js: "import{createRequire as __kirikaeCreateRequire}from'node:module';const require=__kirikaeCreateRequire(import.meta.url);",
    },
    plugins: [
      {
        name: "kirikae-shakeable-zod",
        setup(build) {
          build.onLoad({ filter: /\.ts$/ }, async (args) => {
            if (isDependency(root, args.path)) return undefined;
            const source = await readFile(args.path, "utf8");
            return { contents: shakeableZodImports(source, zodClassic), loader: "ts" };
          });
        },
      },
    ],
    logLevel: "silent",
  };
}

/** `functions/x.handler` -> the source file and the export Lambda calls. */
export function entryOf(handler: string): { file: string; exportName: string } {
  const dot = handler.lastIndexOf(".");
  if (dot <= 0) throw new Error(`handler ${handler} is not of the form file.export`);
  return { file: `${handler.slice(0, dot)}.ts`, exportName: handler.slice(dot + 1) };
}

/**
 * `import { z } from "zod"` binds zod's whole API as one object, which no bundler can tree-shake (about
 * 460 KB minified). Importing the same module as a namespace lets esbuild keep only the members the code
 * reads. Same functions, same behaviour; only the binding changes.
 */
export function shakeableZodImports(source: string, zodClassicEntry: string): string {
  return source.replace(
    /import\s*\{\s*z\s*\}\s*from\s*["']zod["'];?/g,
    `import * as z from ${JSON.stringify(zodClassicEntry)};`,
  );
}

function isDependency(root: string, path: string): boolean {
  return relative(root, path).split(sep).includes("node_modules");
}
