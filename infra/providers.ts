import * as aws from "@pulumi/aws";
import { APP_NAME, pascalCase } from "./names.js";

/** One AWS provider per region, each tagging everything it creates with the app and the stage. */
export type RegionProviders = (region: string) => aws.Provider;

export function regionProviders(stage: string, profile?: string): RegionProviders {
  const providers = new Map<string, aws.Provider>();
  return (region) => {
    let provider = providers.get(region);
    if (!provider) {
      provider = new aws.Provider(`Aws${pascalCase(region)}`, {
        region: region as aws.Region,
        ...(profile ? { profile } : {}),
        defaultTags: { tags: { app: APP_NAME, stage } },
      });
      providers.set(region, provider);
    }
    return provider;
  };
}
