import * as path from "node:path";

/** The repository's root: stack files, build contexts and the probe's source are found from here. */
export const PROJECT_DIR = path.resolve(__dirname);
