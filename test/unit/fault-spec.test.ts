import { describe, expect, it } from "vitest";
import { FaultSpecError, parseFault } from "../../sandbox/faults.js";

describe("fault grammar", () => {
  it("parses each kind of fault", () => {
    expect(parseFault("region-down:ap-northeast-1")).toEqual({
      kind: "region-down",
      region: "ap-northeast-1",
    });
    expect(parseFault("throttle:0.3")).toEqual({ kind: "throttle", rate: 0.3 });
    expect(parseFault("throttle:0.5:rds")).toEqual({ kind: "throttle", rate: 0.5, service: "rds" });
    expect(parseFault("latency:250:us-east-1")).toEqual({ kind: "latency", ms: 250, region: "us-east-1" });
    expect(parseFault("fail:SwitchoverGlobalCluster:2:InvalidGlobalClusterStateFault")).toEqual({
      kind: "fail",
      operation: "SwitchoverGlobalCluster",
      times: 2,
      error: "InvalidGlobalClusterStateFault",
    });
    expect(parseFault("fail:UpdateNodegroupConfig:1")).toMatchObject({ error: "InternalFailure" });
  });

  it.each([
    ["region-down:", "needs a region code"],
    ["throttle:1.5", "RATE must be a number in (0, 1]"],
    ["throttle:0.2:dynamo", "SERVICE must be one of"],
    ["latency:-3", "MS must be a non-negative number"],
    ["fail:switchover:2", "OPERATION must be an API name"],
    ["fail:SwitchoverGlobalCluster:0", "TIMES must be a positive integer"],
    ["meteor:ap-northeast-1", 'unknown fault kind "meteor"'],
  ])("rejects %s, saying why and showing the grammar", (spec, problem) => {
    expect(() => parseFault(spec)).toThrow(FaultSpecError);
    expect(() => parseFault(spec)).toThrow(problem);
    expect(() => parseFault(spec)).toThrow(
      expect.objectContaining({ action: expect.stringContaining("region-down:REGION") }),
    );
  });
});
