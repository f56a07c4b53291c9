#!/usr/bin/env node
// The gofer under Node: serves ROOT over 9P2000.L on fd 3.
import { freshBundle } from "./fresh.mjs";

const bundle = freshBundle("gofer");
if (bundle) {
  await import(bundle); // runs main itself
} else {
  const { register } = await import("tsx/esm/api");
  register();
  const { main } = await import("../gofer/main.ts");
  process.exit(await main(process.argv.slice(2)));
}
