/**
 * An image reference pinned to a version: a digest, or a tag other than `latest` (and not empty). The config refuses an
 * unpinned prod image and the policy pack flags one; both use this.
 */
export function isPinnedImage(image: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const last = image.split("/").pop() ?? image;
  const tag = last.includes(":") ? last.split(":").pop() : undefined;
  return tag !== undefined && tag !== "latest" && tag !== "";
}

/**
 * Images of databases that must keep their store on a local block device: Qdrant "won't work with network file
 * systems such as NFS" (installation requirements), Neo4j does not support NFS (knowledge base: store locking and
 * corruption); the others document the same for their data directories.
 */
export const BLOCK_STORAGE_DATABASES = /(^|\/)(neo4j|qdrant|postgres|postgresql|mysql|mariadb|mongo|mongodb|redis|valkey|elasticsearch|opensearch)(:|@|$)/;
