/**
 * sentry: run shell work against a root filesystem, every host file
 * access going through a gofer process.
 *
 *   sentry run [flags] ROOTFS [-- COMMAND ARGS...]
 *
 * With no COMMAND the script is read from standard input. The exit status
 * is the command's; the sentry's own failures have statuses of their own
 * (EXIT below), each with a one-line message on stderr.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "../../bin/fresh.mjs";
import { enableDebug, error, setRole } from "../../shared/log.ts";
import { parseArgs, USAGE } from "./args.ts";
import { run } from "./run.ts";

/** The sentry's own exit statuses, distinct from a command's usual ones. */
export const EXIT = {
  usage: 2,
  badRoot: 3,
  goferDied: 4,
  /** The sentry itself failed (out of fds, say). */
  internal: 5,
} as const;

function version(): string {
  const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8"));
  return `sentry ${pkg.version}`;
}

export async function main(argv: string[]): Promise<number> {
  setRole("sentry");
  const env = process.env.SANDBOX_DEBUG;
  if (env) enableDebug(env);
  const a = parseArgs(argv);
  if (a.kind === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
  if (a.kind === "version") {
    process.stdout.write(version() + "\n");
    return 0;
  }
  if (a.kind === "error") {
    process.stderr.write(`sentry: ${a.message} (see 'sentry --help')\n`);
    return EXIT.usage;
  }
  try {
    return await run(a.opts);
  } catch (e) {
    error((e as Error).message ?? String(e));
    return EXIT.internal;
  }
}

function isEntry(): boolean {
  const arg = process.argv[1] ?? "";
  return arg.endsWith("sentry/cli/main.ts");
}

if ((import.meta as { main?: boolean }).main ?? isEntry()) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
