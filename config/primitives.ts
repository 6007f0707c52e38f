import { z } from "zod";

/** The value types the config contract is made of. */

/** The retention periods CloudWatch Logs accepts (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

export const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const port = z.number().int().min(1, "must be a port between 1 and 65535").max(65535, "must be a port between 1 and 65535");
export const percent = z.number().gt(0, "must be a percentage above 0").max(100, "must be a percentage of at most 100");
export const positiveInt = z.number().int("must be a whole number").positive("must be a positive number");
export const envVarName = z.string().regex(ENV_VAR_NAME, "must be an environment variable name (letters, digits, _; not starting with a digit)");
export const absolutePath = z.string().regex(/^\/[A-Za-z0-9._~\-/]*$/, "must be an absolute path such as /app/data");
export const urlPath = z
  .string()
  .regex(/^\/[A-Za-z0-9._~\-/]*$/, "must be a URL path starting with / (no wildcards, no query)")
  .refine((p) => p === "/" || !p.endsWith("/"), "must not end with / (write /gmail, not /gmail/)");

export const TRANSPORTS = ["streamable-http", "streamable-http-stateful", "sse", "stdio"] as const;
export const STDIO_OUTPUTS = ["streamable-http", "streamable-http-stateful", "sse"] as const;
