// Parses a Mermaid diagram from stdin with mermaid itself, as GitHub renders it; exits 1 with the parse error.
// mermaid sanitizes labels with DOMPurify, which needs a DOM: outside a browser its hooks are no-ops.
import DOMPurify from "dompurify";

DOMPurify.addHook ??= () => {};
DOMPurify.removeHook ??= () => {};
DOMPurify.removeHooks ??= () => {};
DOMPurify.sanitize ??= (text) => text;
const { default: mermaid } = await import("mermaid");

let text = "";
for await (const chunk of process.stdin) text += chunk;
try {
  const { diagramType } = await mermaid.parse(text);
  console.log(diagramType);
} catch (error) {
  console.error(String(error.message ?? error));
  process.exit(1);
}
