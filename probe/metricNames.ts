/** The probe's metrics, shared by the function that emits them and the alarms and dashboards that read them. */
export const PROBE_NAMESPACE = "MCPStack/Probe";
export const PROBE_SUCCESS = "ProbeSuccess";
export const PROBE_LATENCY = "ProbeLatency";
/** Dimension names: the stack and the server's name. */
export const PROBE_STACK = "Stack";
export const PROBE_SERVER = "Server";
