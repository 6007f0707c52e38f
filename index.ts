import { program } from "./program";

// Stack outputs: albDnsName, clusterName, dashboardUrl, and per server its url, serviceName, logGroupName and dashboardUrl.
export = program();
