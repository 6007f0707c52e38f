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
