import { execSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";

const root = path.resolve(__dirname, "../..");

/**
 * The project's own TypeScript modules (tests aside) and what each imports of them: type imports included, or with
 * `types: false` only what loads at run time (`import type` is erased).
 */
export function importGraph({ types = true } = {}): Map<string, string[]> {
  const files = execSync("git ls-files '*.ts'", { cwd: root }).toString().split("\n").filter((f) => f && !f.startsWith("tests/"));
  const known = new Set(files);
  return new Map(
    files.map((f) => {
      const source = readFileSync(path.join(root, f), "utf8");
      const statements = [...source.matchAll(/(?:import|export)([^'"]*?)from\s+["'](\.[^"']+)["']/g)].filter((m) => types || !/^\s*type\s/.test(m[1]));
      const targets = statements.map((m) => path.normalize(path.join(path.dirname(f), m[2])));
      // A module file, or a directory's index.ts (`from "./rules"`).
      const imports = targets.flatMap((t) => [`${t}.ts`, path.join(t, "index.ts")].filter((candidate) => known.has(candidate)).slice(0, 1));
      return [f, imports];
    }),
  );
}

/** Every cycle a depth-first walk meets, as the chain of modules that closes it. */
export function importCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const trail: string[] = [];
  const visit = (file: string) => {
    state.set(file, "open");
    trail.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "open") cycles.push([...trail.slice(trail.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    trail.pop();
    state.set(file, "done");
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return cycles;
}

/** What a module loads, directly or through others of the project. */
export function reachableFrom(graph: Map<string, string[]>, start: string): Set<string> {
  const seen = new Set<string>();
  const walk = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const next of graph.get(file) ?? []) walk(next);
  };
  walk(start);
  return seen;
}
