import { join, relative } from "node:path";
import { deployBuildOptions, entryOf } from "../infra/esbuild-bundler.js";

/** What one handler's deployed bundle holds: its bytes and the AWS SDK client packages compiled into it. */
export interface BundleContents {
  bytes: number;
  /** `@aws-sdk/client-*` packages with at least one byte in the output, sorted. */
  sdkClients: string[];
}

const SDK_CLIENT = /node_modules\/@aws-sdk\/(client-[^/]+)\//;

/**
 * The deploy bundler (infra/esbuild-bundler.ts) hands back files only; which packages went into them is
 * only in esbuild's metafile. So the handlers are bundled again here with the deploy's options plus a
 * metafile, all in one esbuild run, which reads each shared source once; each output is still that
 * handler's whole bundle, byte for byte the deployed one (test/infra/function-bundles.test.ts checks).
 */
export function bundleContents(
  root: string,
): (handlers: readonly string[]) => Promise<Map<string, BundleContents & { text: string }>> {
  const contents = async (handlers: readonly string[]) => {
    const esbuild = await import("esbuild");
    const entries = Object.fromEntries(
      handlers.map((handler) => [handler, join(root, entryOf(handler).file)]),
    );
    const result = await esbuild.build({
      ...deployBuildOptions(root),
      // Each entry is bundled whole, as the deploy bundles it alone: no code is split out between them.
      entryPoints: Object.entries(entries).map(([handler, file]) => ({ in: file, out: outName(handler) })),
      metafile: true,
      outdir: join(root, ".kirikae-bundle"),
      outExtension: { ".js": ".mjs" },
    });
    const found = new Map<string, BundleContents & { text: string }>();
    for (const handler of handlers) {
      const path = join(".kirikae-bundle", `${outName(handler)}.mjs`);
      const output = result.outputFiles.find((file) => relative(root, file.path) === path);
      const meta = result.metafile.outputs[path];
      if (!output || !meta) throw new Error(`esbuild produced nothing for ${handler}`);
      const packages = new Set<string>();
      for (const [input, { bytesInOutput }] of Object.entries(meta.inputs)) {
        const name = bytesInOutput > 0 ? SDK_CLIENT.exec(input)?.[1] : undefined;
        if (name) packages.add(`@aws-sdk/${name}`);
      }
      const text = output.text;
      found.set(handler, { text, bytes: Buffer.byteLength(text), sdkClients: [...packages].sort() });
    }
    return found;
  };
  return contents;
}

/** `functions/x.handler` -> `functions/x`: one output per handler file. */
function outName(handler: string): string {
  return entryOf(handler).file.replace(/\.ts$/, "");
}
