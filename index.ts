import { program } from "./program";

// Stack outputs: albDnsName, clusterName, and per server its url, serviceName and logGroupName.
export = program();
