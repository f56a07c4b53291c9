#!/usr/bin/env node
// The sentry CLI under Node: the prebuilt bundle when it is current,
// else the TypeScript sources through tsx.
import { freshBundle } from "./fresh.mjs";

const bundle = freshBundle("sentry");
if (bundle) {
  await import(bundle); // runs main itself
} else {
  const { register } = await import("tsx/esm/api");
  register();
  const { main } = await import("../sentry/cli/main.ts");
  process.exitCode = await main(process.argv.slice(2));
}
