// Pulumi's SDK formats a stack trace for every promise and resource it creates (debuggablePromise,
// Resource.callsites). Under jest each of those frames is source-mapped by source-map-support, which
// makes a plan three times slower. Traces that Pulumi captures for itself are formatted the plain V8
// way here; every other trace, such as a failing test's, keeps jest's source-mapped formatting.
const mapped = Error.prepareStackTrace;
const PULUMI_SDK = /[\\/]@pulumi[\\/]pulumi[\\/]/;

Error.prepareStackTrace = (error, frames) => {
  if (PULUMI_SDK.test(frames[0]?.getFileName() ?? "")) return [String(error), ...frames.map((frame) => `    at ${frame}`)].join("\n");
  return mapped ? mapped(error, frames) : [String(error), ...frames.map((frame) => `    at ${frame}`)].join("\n");
};
