import { readFileSync } from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { stackShapeSchema } from "../config/schema";

/**
 * The README's config reference is the user's manual of the contract: every key the schema reads is documented there
 * (itself or through the object that holds it), and every key documented there exists.
 */
const readme = readFileSync(path.join(__dirname, "..", "README.md"), "utf8");

/** Key paths of the schema (input side); a server's keys under `servers.*`. Records (environment, volumes …) are leaves. */
function schemaPaths(): string[] {
  const paths: string[] = [];
  const walk = (schema: any, at: string) => {
    for (const [key, child] of Object.entries<any>(schema?.properties ?? {})) {
      const here = at ? `${at}.${key}` : key;
      paths.push(here);
      walk(child, here);
    }
    if (at === "servers") walk(schema.additionalProperties, "servers.*");
    for (const alternative of schema?.anyOf ?? []) walk(alternative, at);
  };
  walk(z.toJSONSchema(stackShapeSchema, { io: "input", unrepresentable: "any" }), "");
  return paths;
}

/** The keys the README's two config tables document; a bare name after a dotted one shares its parent. */
function documentedKeys(): string[] {
  const section = readme.slice(readme.indexOf("## Config reference"), readme.indexOf("\n## ", readme.indexOf("## Config reference") + 3));
  const [stackTable, serverTable] = section.split("Per server (`servers.<name>.…`):");
  const keysOf = (table: string, prefix: string) =>
    table
      .split("\n")
      .filter((line) => line.startsWith("| `"))
      .flatMap((line) => {
        const names = [...line.split("|")[1].matchAll(/`([^`]+)`/g)].map((m) => m[1]);
        const parent = names[0].includes(".") ? names[0].slice(0, names[0].lastIndexOf(".") + 1) : "";
        // `servers.<name>`, `secretValues.<NAME>`: a record, documented as a whole.
        return names.map((name, i) => prefix + (i > 0 && !name.includes(".") ? parent + name : name).replace(/\.<[^>]+>$/, ""));
      });
  return [...keysOf(stackTable, ""), ...keysOf(serverTable, "servers.*.")];
}

describe("the README's config reference and the schema", () => {
  const schema = schemaPaths();
  const documented = documentedKeys();

  it("documents every key the schema reads, itself or through the object that holds it", () => {
    expect(schema.length).toBeGreaterThan(100);
    // An object is documented through its keys (each checked here); anything else itself or through an object that holds it.
    const isObject = (key: string) => schema.some((other) => other.startsWith(`${key}.`));
    // The `servers.<name>` row documents the record; each server key has a row of its own in the second table.
    const covered = (key: string) => isObject(key) || documented.some((d) => key === d || (d !== "servers" && key.startsWith(`${d}.`)));
    expect(schema.filter((key) => !covered(key))).toEqual([]);
  });

  it("documents no key the schema does not have", () => {
    expect(documented.filter((key) => !schema.includes(key))).toEqual([]);
  });
});
