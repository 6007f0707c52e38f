import { DescribeImageScanFindingsCommand, ECRClient, ImageNotFoundException } from "@aws-sdk/client-ecr";
import { mockClient } from "aws-sdk-client-mock";
import { checkImages, imagesToGate } from "../ops/scanGate";
import { shippedPlan } from "./support/shippedPlans";

/** The gate before prod: the images prod would push, as dev pushed and ECR scanned them (aws-sdk-client-mock). */
const ecr = mockClient(ECRClient);
beforeEach(() => ecr.reset());

const complete = (counts: Record<string, number>) => ({ imageScanStatus: { status: "COMPLETE" as const }, imageScanFindings: { findingSeverityCounts: counts } });

describe("the image scan gate", () => {
  it("reads each image prod would build from dev's repository under the same content tag", async () => {
    const [prod, dev] = [await shippedPlan("prod"), await shippedPlan("dev")];
    const images = imagesToGate(prod, "dev");
    expect(images.map((i) => i.repository)).toEqual(["mcp-dev/filesystem", "mcp-dev/resend"]);
    // Same context, args and platform: dev pushed these very tags.
    expect(images.map((i) => i.tag)).toEqual(imagesToGate(dev, "dev").map((i) => i.tag));
  });

  it("passes clean scans, refuses critical findings, unfinished scans and images dev never pushed", async () => {
    const images = [
      { server: "a", repository: "mcp-dev/a", tag: "c-1" },
      { server: "b", repository: "mcp-dev/b", tag: "c-2" },
      { server: "c", repository: "mcp-dev/c", tag: "c-3" },
      { server: "d", repository: "mcp-dev/d", tag: "c-4" },
    ];
    ecr.on(DescribeImageScanFindingsCommand, { repositoryName: "mcp-dev/a" }).resolves(complete({ HIGH: 2, LOW: 5 }));
    ecr.on(DescribeImageScanFindingsCommand, { repositoryName: "mcp-dev/b" }).resolves(complete({ CRITICAL: 1, HIGH: 3 }));
    ecr.on(DescribeImageScanFindingsCommand, { repositoryName: "mcp-dev/c" }).resolves({ imageScanStatus: { status: "IN_PROGRESS" } });
    ecr.on(DescribeImageScanFindingsCommand, { repositoryName: "mcp-dev/d" }).rejects(new ImageNotFoundException({ message: "not found", $metadata: {} }));
    const results = await checkImages(new ECRClient({ region: "us-east-1" }), images);
    expect(results.map((r) => [r.image.server, r.ok, r.reason])).toEqual([
      ["a", true, "scanned, nothing at or above CRITICAL"],
      ["b", false, "findings: 1 CRITICAL"],
      ["c", false, "scan IN_PROGRESS"],
      ["d", false, "not in mcp-dev/d yet: deploy the stack it is promoted from first"],
    ]);
    const strict = await checkImages(new ECRClient({ region: "us-east-1" }), images.slice(0, 1), "HIGH");
    expect(strict[0]).toMatchObject({ ok: false, reason: "findings: 2 HIGH" });
  });
});
