import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { freePort } from "./net";

/**
 * moto, the AWS emulator the machine image carries, as a server on a loopback port for one test file. `available`
 * is false (with the reason) where python3 or moto is missing: the tests then say so and skip.
 */
export interface Moto {
  endpoint: string;
  stop(): Promise<void>;
}

export function motoAvailability(): { available: true } | { available: false; why: string } {
  const probe = spawnSync("python3", ["-c", "import moto.server"], { encoding: "utf8" });
  if (probe.error) return { available: false, why: "python3 is not installed" };
  if (probe.status !== 0) return { available: false, why: "moto is not installed (pip install 'moto[server]')" };
  return { available: true };
}

export async function startMoto(timeoutMs = 20000): Promise<Moto> {
  const port = await freePort();
  const child: ChildProcess = spawn("python3", ["-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto exited with ${child.exitCode}`);
    if (await fetch(`${endpoint}/moto-api/`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 150));
  }
  return {
    endpoint,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** Client settings for an AWS SDK v3 client talking to moto. */
export const motoClientConfig = (endpoint: string) => ({ endpoint, region: "us-east-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
