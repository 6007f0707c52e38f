import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

/** `neo4j:5.26` → `neo4j`; `registry:5000/x/y:1.2` → `registry:5000/x/y`; a reference with a digest is left alone. */
export function repositoryOf(image: string): string {
  const at = image.indexOf("@");
  if (at >= 0) return image.slice(0, at);
  const slash = image.lastIndexOf("/");
  const colon = image.lastIndexOf(":");
  return colon > slash ? image.slice(0, colon) : image;
}

/**
 * The image a task runs. Where `byDigest` (prod), a tag is resolved to its digest from the registry when the stack is
 * deployed (`docker.getRegistryImage`: the registry's API, no Docker engine), so each deploy records exactly what runs
 * and a moved tag never changes a running service unnoticed. Private registries need credentials on the deploying
 * machine (docker login, or the docker provider's registryAuth). A reference with a digest is used as given.
 */
export function pinnedImage(image: string, byDigest: boolean, parent: pulumi.Resource): pulumi.Input<string> {
  if (!byDigest || image.includes("@sha256:")) return image;
  const resolved = docker.getRegistryImageOutput({ name: image }, { parent });
  return pulumi.interpolate`${repositoryOf(image)}@${resolved.sha256Digest}`;
}
