import { loadConfig } from "./config/load";
import { buildStack, type StackOutputs } from "./stack";

/** The Pulumi program: validated config in, stack outputs out. */
export function program(): StackOutputs {
  return buildStack(loadConfig());
}
