/**
 * The sentry as a library: a sandboxed filesystem with a
 * node:fs/promises-shaped API, served by a gofer process.
 *
 *   import { openSandbox } from "sandbox-fs/sentry";
 *   const sb = await openSandbox({ root: "./rootfs" });
 *   console.log(await sb.fs.readFile("/etc/os-release", "utf8"));
 *   await sb.close();
 */
export { openSandbox, Sandbox, type SandboxOptions } from "./sandbox.ts";
export { SandboxFs } from "./api/fs.ts";
export { Dir, FileHandle } from "./api/handle.ts";
export { BigIntStats, Dirent, Stats } from "./api/stats.ts";
export { FsError } from "./api/errors.ts";
