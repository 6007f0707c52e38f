import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as dockerBuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import type { ServerConfig } from "../config/schema";
import type { Protection } from "../decisions/protection";
import { PROJECT_DIR } from "../project";
import { serverRepository } from "../decisions/names";
import { pinnedImage } from "./images";

type Build = NonNullable<ServerConfig["build"]>;

/** The image a server's tasks run: built and pushed to the stack's repository, or pulled as configured (by digest where the stack pins digests). */
export function serverImage(name: string, stack: string, server: ServerConfig, protection: Protection, parent: pulumi.Resource): { image: pulumi.Input<string>; built?: BuiltImage } {
  if (server.build === undefined) return { image: pinnedImage(server.image, protection.imagesByDigest, parent) };
  const built = createServerImage(name, stack, server.build, server.architecture, protection, parent);
  return { image: built.image, built };
}

export interface BuiltImage {
  /** `<repository>@sha256:…`: the task definition runs exactly what was pushed. */
  image: pulumi.Output<string>;
  repositoryArn: pulumi.Output<string>;
}

/**
 * For a server with `build`: an ECR repository the stack owns (immutable tags, scan on push, KMS encryption,
 * only the last `keepImages` images kept) and the image built from the context and pushed there. Under the
 * offline engine the build is registered, not run.
 */
function createServerImage(name: string, stack: string, build: Build, architecture: ServerConfig["architecture"], protection: Protection, parent: pulumi.Resource): BuiltImage {
  const repository = new aws.ecr.Repository(
    `${name}-repo`,
    {
      name: serverRepository(stack, name),
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfigurations: [{ encryptionType: "KMS" }],
      // dev: `pulumi destroy` deletes the images with the repository (a repository with images cannot be deleted otherwise).
      forceDelete: !protection.retainStatefulOnDelete,
    },
    { parent },
  );
  new aws.ecr.LifecyclePolicy(
    `${name}-repo-lifecycle`,
    {
      repository: repository.name,
      policy: JSON.stringify({
        rules: [{ rulePriority: 1, description: `keep the last ${build.keepImages} images`, selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: build.keepImages }, action: { type: "expire" } }],
      }),
    },
    { parent },
  );
  const token = aws.ecr.getAuthorizationTokenOutput({ registryId: repository.registryId }, { parent });
  const platform = architecture === "arm64" ? "linux/arm64" : "linux/amd64";
  // Relative to the project directory, where `pulumi up` runs the program: an absolute path would differ between
  // checkouts, making another checkout rebuild and push the same immutable tag, which ECR refuses.
  const context = path.posix.normalize(build.context);
  const image = new dockerBuild.Image(
    `${name}-image`,
    {
      context: { location: context },
      dockerfile: { location: path.posix.join(context, build.dockerfile ?? "Dockerfile") },
      buildArgs: build.args,
      platforms: [platform],
      push: true,
      // Previews never build: a preview runs pull-request code, the CI runner has no Docker engine, and a build would
      // push nothing anyway. `pulumi up` builds and pushes; until then the preview shows the digest as unknown.
      buildOnPreview: false,
      // Tags are immutable: a tag per content, so a changed context or argument is a new tag and an unchanged one is no push.
      tags: [pulumi.interpolate`${repository.repositoryUrl}:${contentTag(path.resolve(PROJECT_DIR, context), build, platform)}`],
      registries: [{ address: repository.repositoryUrl, username: token.userName, password: pulumi.secret(token.password) }],
    },
    { parent },
  );
  return { image: pulumi.interpolate`${repository.repositoryUrl}@${image.digest}`, repositoryArn: repository.arn };
}

/** `c-<12 hex>`: a hash of the context's files (by relative path), the Dockerfile choice, the build args and the platform. */
export function contentTag(context: string, build: Build, platform: string): string {
  const hash = createHash("sha256");
  for (const file of filesUnder(context)) {
    hash.update(path.relative(context, file).split(path.sep).join("/")).update("\0").update(readFileSync(file)).update("\0");
  }
  hash.update(JSON.stringify({ dockerfile: build.dockerfile ?? "Dockerfile", args: Object.entries(build.args).sort(), platform }));
  return `c-${hash.digest("hex").slice(0, 12)}`;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .filter((entry) => entry !== "node_modules" && entry !== ".git")
    .sort()
    .flatMap((entry) => {
      const full = path.join(dir, entry);
      return statSync(full).isDirectory() ? filesUnder(full) : [full];
    });
}
