import { DescribeImageScanFindingsCommand, ECRClient, ImageNotFoundException, ScanNotFoundException } from "@aws-sdk/client-ecr";
import type { Plan } from "../engine/offline";
import { serverRepository } from "../decisions/names";
import { TYPE } from "../decisions/resourceTypes";

/**
 * Before prod deploys, every image it would push must already have been pushed — and scanned by ECR on push — in the
 * stack it is promoted from (dev), under the same content tag (a hash of the build context, args and platform), with
 * no finding at or above the refused severity. Prod then never runs an image nobody scanned.
 */
export interface GateImage {
  server: string;
  /** Where the scan is read: `mcp-<from>/<server>`. */
  repository: string;
  tag: string;
}

export interface GateResult {
  image: GateImage;
  ok: boolean;
  reason: string;
}

const SEVERITIES = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNDEFINED"];

/** The images a plan would build, as the promoting stack's repositories hold them. */
export function imagesToGate(plan: Plan, from: string): GateImage[] {
  return plan.resources
    .filter((r) => r.type === TYPE.image)
    .map((r) => {
      const [repositoryUrl, tag] = String(r.inputs.tags[0]).split(/:(?=[^:]+$)/);
      const server = repositoryUrl.split("/").pop()!;
      return { server, repository: serverRepository(from, server), tag };
    })
    .sort((a, b) => a.server.localeCompare(b.server));
}

export async function checkImages(ecr: ECRClient, images: GateImage[], refuseAtOrAbove = "CRITICAL"): Promise<GateResult[]> {
  const refused = SEVERITIES.slice(0, SEVERITIES.indexOf(refuseAtOrAbove) + 1);
  const results: GateResult[] = [];
  for (const image of images) {
    try {
      const found = await ecr.send(new DescribeImageScanFindingsCommand({ repositoryName: image.repository, imageId: { imageTag: image.tag } }));
      const status = found.imageScanStatus?.status;
      if (status !== "COMPLETE") {
        results.push({ image, ok: false, reason: `scan ${status ?? "unknown"}${found.imageScanStatus?.description ? ` (${found.imageScanStatus.description})` : ""}` });
        continue;
      }
      const counts: Record<string, number> = found.imageScanFindings?.findingSeverityCounts ?? {};
      const blocking = refused.filter((s) => (counts[s] ?? 0) > 0).map((s) => `${counts[s]} ${s}`);
      results.push({ image, ok: blocking.length === 0, reason: blocking.length ? `findings: ${blocking.join(", ")}` : "scanned, nothing at or above " + refuseAtOrAbove });
    } catch (error) {
      if (error instanceof ImageNotFoundException || error instanceof ScanNotFoundException) {
        results.push({ image, ok: false, reason: `not in ${image.repository} yet: deploy the stack it is promoted from first` });
      } else throw error;
    }
  }
  return results;
}
