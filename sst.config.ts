/// <reference path="./.sst/platform/config.d.ts" />

/**
 * Deploys kirikae's control plane with SST: stage rules here, the resources in infra/ (plain Pulumi AWS
 * resources, tested offline under Pulumi's mocks). Type-checked by SST itself (`sst install` generates
 * .sst/platform), not by the project's tsc. See docs/deploy.md.
 */
export default $config({
  app(input) {
    return {
      name: "kirikae",
      home: "aws",
      // The audit trail and the plans' state must survive a teardown of production.
      removal: input?.stage === "production" ? "retain" : "remove",
      protect: input?.stage === "production",
      // The provider version infra/ is written and tested against (package.json pins @pulumi/aws).
      providers: { aws: { version: "7.48.0" } },
    };
  },
  async run() {
    const { loadDeployConfig } = await import("./infra/deploy-config.js");
    const { esbuildBundler } = await import("./infra/esbuild-bundler.js");
    const { controlPlane } = await import("./infra/control-plane.js");
    const root = $cli.paths.root;
    const config = await loadDeployConfig(process.env, { root, loadTypeScript: true });
    // The default provider's region (AWS_REGION or the profile's) holds the state table's own copy.
    const { region: homeRegion } = await aws.getRegion({});
    const deployed = controlPlane({
      stage: $app.stage,
      plans: config.plans,
      homeRegion,
      bundler: esbuildBundler(root),
      notifyEmails: config.notifyEmails,
      stateConsistency: config.stateConsistency,
      ...(config.breakGlassRoleArn ? { breakGlassRoleArn: config.breakGlassRoleArn } : {}),
      digestRetentionDays: config.digestRetentionDays,
      ...(process.env.AWS_PROFILE ? { profile: process.env.AWS_PROFILE } : {}),
    });
    return { regions: deployed.regions, onCallFailbackPolicy: deployed.onCallFailbackPolicy };
  },
});
