/** The stdio bridge image (bridge/Dockerfile): supergateway and one MCP package, installed from a committed lockfile. */
export const SUPERGATEWAY_VERSION = "4.0.0";

/** `@scope/name@1.2.3` → `@scope__name@1.2.3`: the lockfile's directory under bridge/locks (the Dockerfile maps it alike). */
export const bridgeLockDir = (spec: string) => spec.replace(/\//g, "__");

/**
 * A package spec pinned to one version: `name@1.2.3` (or a prerelease), a tarball URL, or a git URL at a full commit.
 * Anything else (a range, a tag such as latest, a branch) would resolve to new code on a rebuild.
 */
export const PINNED_PACKAGE = /^((@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*@\d+\.\d+\.\d+(-[\w.]+)?|https:\/\/\S+\.tgz|git\+https:\/\/\S+#[0-9a-f]{40})$/;
