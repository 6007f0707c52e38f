/**
 * Whether a pulled image publishes the architecture its server runs on, read from its registry with the Docker
 * Registry HTTP API v2 (distribution spec): the manifest of the tag or digest — an image index lists one manifest per
 * platform; a single manifest names its architecture in its config blob. Anonymous pulls get a bearer token from the
 * realm the registry's 401 names (the token flow of Docker Hub, ghcr.io, quay.io, public ECR); a registry that wants
 * credentials (private ECR) answers "unknown", never a refusal.
 */

export interface ImageRef {
  registry: string;
  repository: string;
  reference: string;
}

/** `neo4j:5.26` → Docker Hub's library/neo4j; `ghcr.io/o/r@sha256:…` → ghcr.io, o/r, the digest. */
export function parseImageRef(image: string): ImageRef {
  const [name, digest] = image.split("@");
  const parts = name.split("/");
  const hasRegistry = parts.length > 1 && /[.:]|^localhost$/.test(parts[0]);
  const registry = hasRegistry ? parts.shift()! : "registry-1.docker.io";
  let path = parts.join("/");
  const colon = path.lastIndexOf(":");
  const tag = colon > 0 ? path.slice(colon + 1) : "latest";
  if (colon > 0) path = path.slice(0, colon);
  if (!hasRegistry && !path.includes("/")) path = `library/${path}`;
  return { registry, repository: path, reference: digest ?? tag };
}

/** ECS's cpuArchitecture as the OCI platform names it. */
export const OCI_ARCHITECTURE = { x86_64: "amd64", arm64: "arm64" } as const;

const ACCEPT = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

export interface PlatformCheckOptions {
  fetch?: typeof fetch;
  /** The URL scheme of a registry host: https, except plain http for loopback registries (tests). */
  schemeOf?: (registry: string) => "http" | "https";
}

const defaultScheme = (registry: string) => (/^(localhost|127\.0\.0\.1)(:\d+)?$/.test(registry) ? "http" : "https");

/** Linux architectures the image publishes, or undefined when the registry does not tell without credentials. */
export async function publishedArchitectures(image: string, options: PlatformCheckOptions = {}): Promise<string[] | undefined> {
  const get = options.fetch ?? fetch;
  const ref = parseImageRef(image);
  const base = `${(options.schemeOf ?? defaultScheme)(ref.registry)}://${ref.registry}/v2/${ref.repository}`;
  let token: string | undefined;
  const request = async (url: string, accept?: string): Promise<Response> => {
    const headers: Record<string, string> = { ...(accept ? { accept } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) };
    const response = await get(url, { headers, signal: AbortSignal.timeout(10_000) });
    if (response.status !== 401 || token !== undefined) return response;
    token = await anonymousToken(get, response.headers.get("www-authenticate") ?? "");
    return token === undefined ? response : request(url, accept);
  };
  const manifest = await request(`${base}/manifests/${ref.reference}`, ACCEPT);
  if (manifest.status === 401 || manifest.status === 403) return undefined;
  if (!manifest.ok) throw new Error(`${image}: the registry answered ${manifest.status} for the manifest; check the name and tag`);
  const body = (await manifest.json()) as { manifests?: { platform?: { os?: string; architecture?: string } }[]; config?: { digest: string } };
  if (body.manifests) return [...new Set(body.manifests.filter((m) => m.platform?.os === "linux").map((m) => m.platform!.architecture!))];
  if (!body.config) return undefined;
  const config = await request(`${base}/blobs/${body.config.digest}`);
  if (!config.ok) return undefined;
  return [((await config.json()) as { architecture: string }).architecture];
}

/** The anonymous bearer token of a `Bearer realm="…",service="…",scope="…"` challenge. */
async function anonymousToken(get: typeof fetch, challenge: string): Promise<string | undefined> {
  if (!/^Bearer /i.test(challenge)) return undefined;
  const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
  if (!params.realm) return undefined;
  const url = new URL(params.realm);
  for (const key of ["service", "scope"]) if (params[key]) url.searchParams.set(key, params[key]);
  const response = await get(url, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) return undefined;
  const body = (await response.json()) as { token?: string; access_token?: string };
  return body.token ?? body.access_token;
}

export interface PlatformResult {
  server: string;
  image: string;
  architecture: keyof typeof OCI_ARCHITECTURE;
  published?: string[];
  ok: boolean;
  message: string;
}

/** Every pulled image of a stack against its server's architecture; built images are built for it (docker-build). */
export async function checkImagePlatforms(servers: Record<string, { image?: string; architecture: keyof typeof OCI_ARCHITECTURE; enabled?: boolean }>, options: PlatformCheckOptions = {}): Promise<PlatformResult[]> {
  const pulled = Object.entries(servers).flatMap(([server, s]) => (s.image && s.enabled !== false ? [{ server, image: s.image, architecture: s.architecture }] : []));
  return Promise.all(
    pulled.map(async ({ server, image, architecture }): Promise<PlatformResult> => {
      const wanted = OCI_ARCHITECTURE[architecture];
      try {
        const published = await publishedArchitectures(image, options);
        if (!published) return { server, image, architecture, ok: true, message: "unknown: the registry wants credentials to show the manifest" };
        const ok = published.includes(wanted);
        const message = ok
          ? `publishes linux/${wanted}`
          : `servers.${server}.architecture: ${architecture}, but ${image} publishes only ${published.map((a) => `linux/${a}`).join(", ")}; set architecture: ${published.includes("arm64") ? "arm64" : "x86_64"} or publish a linux/${wanted} image`;
        return { server, image, architecture, published, ok, message };
      } catch (err) {
        return { server, image, architecture, ok: false, message: (err as Error).message };
      }
    }),
  );
}
