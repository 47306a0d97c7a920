import * as pulumi from "@pulumi/pulumi";
import { PLANS_FILE_IN_PACKAGE } from "./names.js";

/**
 * The seam between the resource graph and the bundler: infra asks for a handler's code and gets files.
 * Deploys and the cold-start benchmark use the esbuild bundler (infra/esbuild-bundler.ts); the offline
 * tests hand in a fake, so evaluating the infrastructure never bundles, or even imports, a handler.
 */
export interface BundledHandler {
  /** File name in the package to its contents. */
  files: Record<string, string>;
  /** Lambda's handler setting for the package, `file.export`. */
  handler: string;
}

/** `handler` is an entry point relative to the repository root, as `functions/x.handler`. */
export type HandlerBundler = (handler: string) => Promise<BundledHandler>;

/** Bundles each handler once, however many regions deploy it. */
export function cachedBundler(bundle: HandlerBundler): HandlerBundler {
  const built = new Map<string, Promise<BundledHandler>>();
  return (handler) => {
    let found = built.get(handler);
    if (!found) {
      found = bundle(handler);
      built.set(handler, found);
    }
    return found;
  };
}

/** A function's package: its bundle and the plans its region serves, as the one JSON array it reads. */
export function functionArchive(bundled: BundledHandler, plansJson: string): pulumi.asset.AssetArchive {
  const assets: Record<string, pulumi.asset.Asset> = {};
  for (const [file, contents] of Object.entries(bundled.files))
    assets[file] = new pulumi.asset.StringAsset(contents);
  assets[PLANS_FILE_IN_PACKAGE] = new pulumi.asset.StringAsset(plansJson);
  return new pulumi.asset.AssetArchive(assets);
}
