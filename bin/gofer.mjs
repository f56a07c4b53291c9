#!/usr/bin/env node
// The gofer under Node: serves ROOT over 9P2000.L on fd 3.
import { register } from "tsx/esm/api";
register();
const { main } = await import("../gofer/main.ts");
process.exit(await main(process.argv.slice(2)));
