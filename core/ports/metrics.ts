/** One datapoint of a custom metric, which alarms watch. */
export interface MetricDatapoint {
  namespace: string;
  name: string;
  value: number;
  unit: "Count";
  dimensions: Record<string, string>;
}

/** Custom metrics (CloudWatch PutMetricData in the control plane's region). */
export interface MetricsPort {
  publish(datapoint: MetricDatapoint): Promise<void>;
}
