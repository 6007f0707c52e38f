import { runPlanCli } from "./planCli";

runPlanCli(process.argv.slice(2)).then((code) => process.exit(code));
