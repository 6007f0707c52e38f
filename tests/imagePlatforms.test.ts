import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { checkImagePlatforms, parseImageRef, publishedArchitectures } from "../ops/imagePlatforms";

/** A registry on loopback that speaks the distribution API's token flow, like Docker Hub and ghcr.io. */
let registry: Server;
let host: string;
const tokenRequests: string[] = [];
const index = (...archs: string[]) => ({ mediaType: "application/vnd.oci.image.index.v1+json", manifests: [...archs.map((architecture) => ({ platform: { os: "linux", architecture } })), { platform: { os: "unknown", architecture: "unknown" } }] });

beforeAll(async () => {
  registry = createServer((req, res) => {
    const url = new URL(req.url!, `http://${host}`);
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === "/token") {
      tokenRequests.push(`${url.searchParams.get("service")} ${url.searchParams.get("scope")}`);
      return json(200, { token: "anonymous" });
    }
    const repository = /^\/v2\/(.+)\/(manifests|blobs)\//.exec(url.pathname)?.[1] ?? "";
    if (repository.startsWith("private/")) return json(401, {}, { "www-authenticate": 'Basic realm="private"' });
    if (req.headers.authorization !== "Bearer anonymous") {
      return json(401, {}, { "www-authenticate": `Bearer realm="http://${host}/token",service="loopback",scope="repository:${repository}:pull"` });
    }
    const routes: Record<string, unknown> = {
      "/v2/library/multi/manifests/1.0": index("amd64", "arm64"),
      "/v2/library/amd-only/manifests/2.0": index("amd64"),
      "/v2/org/single/manifests/3.0": { mediaType: "application/vnd.oci.image.manifest.v1+json", config: { digest: "sha256:c0ffee" } },
      "/v2/org/single/blobs/sha256:c0ffee": { architecture: "arm64", os: "linux" },
    };
    if (url.pathname in routes) return json(200, routes[url.pathname]);
    json(404, { errors: [{ code: "MANIFEST_UNKNOWN" }] });
  });
  await new Promise<void>((resolve) => registry.listen(0, "127.0.0.1", resolve));
  host = `127.0.0.1:${(registry.address() as AddressInfo).port}`;
});
afterAll(() => registry.close());

describe("the architectures a pulled image publishes (npm run check:images)", () => {
  it("reads names as Docker does: Docker Hub's library/, other registries by host, tags and digests", () => {
    expect(parseImageRef("neo4j:5.26")).toEqual({ registry: "registry-1.docker.io", repository: "library/neo4j", reference: "5.26" });
    expect(parseImageRef("qdrant/qdrant:v1.12.4-unprivileged")).toEqual({ registry: "registry-1.docker.io", repository: "qdrant/qdrant", reference: "v1.12.4-unprivileged" });
    expect(parseImageRef("ghcr.io/example/gmail-mcp@sha256:ab")).toEqual({ registry: "ghcr.io", repository: "example/gmail-mcp", reference: "sha256:ab" });
    expect(parseImageRef("localhost:5000/tools")).toEqual({ registry: "localhost:5000", repository: "tools", reference: "latest" });
  });

  it("follows the registry's bearer challenge anonymously and reads the index or the single manifest's config", async () => {
    expect(await publishedArchitectures(`${host}/library/multi:1.0`)).toEqual(["amd64", "arm64"]);
    expect(tokenRequests).toContain("loopback repository:library/multi:pull");
    expect(await publishedArchitectures(`${host}/org/single:3.0`)).toEqual(["arm64"]);
    expect(await publishedArchitectures(`${host}/private/x:1`)).toBeUndefined();
    await expect(publishedArchitectures(`${host}/library/missing:1`)).rejects.toThrow("the registry answered 404 for the manifest");
  });

  it("refuses an architecture the image does not publish, naming the key and the fix; unknown is not a refusal", async () => {
    const results = await checkImagePlatforms({
      multi: { image: `${host}/library/multi:1.0`, architecture: "arm64" },
      amd: { image: `${host}/library/amd-only:2.0`, architecture: "arm64" },
      private: { image: `${host}/private/x:1`, architecture: "arm64" },
      built: { architecture: "arm64" },
    });
    expect(results.map((r) => [r.server, r.ok])).toEqual([["multi", true], ["amd", false], ["private", true]]);
    expect(results[1].message).toBe(`servers.amd.architecture: arm64, but ${host}/library/amd-only:2.0 publishes only linux/amd64; set architecture: x86_64 or publish a linux/arm64 image`);
    expect(results[2].message).toMatch(/^unknown/);
  });
});
