/** What a synchronous Lambda Invoke returned. */
export interface InvocationResult {
  requestId: string;
  /** The function's JSON result, parsed; undefined when it returned nothing. */
  payload: unknown;
  /**
   * Set when the function threw ("Unhandled") or returned an error ("Handled"): Lambda still answers
   * 200 then, with the error object as the payload.
   */
  functionError?: string;
}

/** AWS Lambda Invoke (RequestResponse), in the region of the function's ARN. */
export interface FunctionInvokerPort {
  invoke(functionArn: string, payload: unknown): Promise<InvocationResult>;
}
