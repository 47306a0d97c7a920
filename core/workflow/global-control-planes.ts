/**
 * Route 53's API (record changes, change status, health-check status, TestDNSAnswer) is served only
 * from us-east-1, whatever regions a plan uses; its DNS answers and health checkers are the data plane,
 * spread worldwide (AWS blog "Creating Disaster Recovery Mechanisms Using Amazon Route 53").
 */
export const ROUTE53_API_REGION = "us-east-1";
