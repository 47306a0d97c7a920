// asl-validator ships no types; this is its documented call.
declare module "asl-validator" {
  interface ValidationError {
    "Error code": string;
    Message: string;
  }
  function validator(
    definition: unknown,
    options?: { checkPaths?: boolean; checkArn?: boolean },
  ): { isValid: boolean; errors: ValidationError[]; errorsText: (separator?: string) => string };
  export = validator;
}
