/**
 * `sentry run`: start the sandbox, run the shell work in just-bash over
 * it, report, and shut everything down.
 */
import { existsSync, statSync } from "node:fs";
import { debug, error } from "../../shared/log.ts";
import { openSandbox, type Sandbox } from "../sandbox.ts";
import type { RunOptions } from "./args.ts";
import { BashFs } from "./bashfs.ts";

const EXIT_BAD_ROOT = 3;
const EXIT_GOFER = 4;

/** The environment the shell starts with. */
const SHELL_ENV = {
  HOME: "/root",
  PATH: "/usr/bin:/bin",
  USER: "root",
  LOGNAME: "root",
  SHELL: "/bin/bash",
  TERM: "dumb",
  LANG: "C.UTF-8",
};

export async function run(o: RunOptions): Promise<number> {
  if (!existsSync(o.root)) {
    error(`ROOTFS '${o.root}' does not exist`);
    return EXIT_BAD_ROOT;
  }
  if (!statSync(o.root).isDirectory()) {
    error(`ROOTFS '${o.root}' is not a directory`);
    return EXIT_BAD_ROOT;
  }

  // Start the gofer first, then load the shell while it comes up.
  const starting = openSandbox({
    root: o.root, fileAccess: o.fileAccess, gofer: o.gofer,
    donateFds: o.donate,
  });
  starting.catch(() => {});
  const { Bash, getCommandNames } = await import("just-bash");
  const script = o.command ? o.command.map(quote).join(" ") : await stdin();
  let sb: Sandbox;
  try {
    sb = await starting;
  } catch (e) {
    error(`cannot start the gofer: ${(e as Error).message}`);
    return EXIT_GOFER;
  }
  dropPrivileges();

  try {
    const builtins = new Set<string>(getCommandNames());
    const bash = new Bash({
      fs: new BashFs(sb.fs, builtins),
      cwd: "/",
      env: SHELL_ENV,
      // just-bash's JS-global patching cannot work under Deno, where it
      // only prints warnings; js-exec and python are off here anyway.
      defenseInDepth: !("Deno" in globalThis),
    });
    const r = await bash.exec(script);
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
    if (!sb.alive) {
      error(`the gofer died: ${sb.deathReason}`);
      return EXIT_GOFER;
    }
    return r.exitCode;
  } finally {
    if (o.stats) printStats(sb);
    await sb.close();
  }
}

function printStats(sb: Sandbox): void {
  const s = sb.stats();
  const parts = Object.keys(s).sort().map((k) => `${k}=${s[k]}`);
  process.stderr.write(
    `sentry: stats: ${sb.requestCount()} requests: ${parts.join(" ")}\n`,
  );
}

/** quote makes one argument a single bash word. */
function quote(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

async function stdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * dropPrivileges gives up root once the gofer runs: the sentry needs no
 * host authority, only the fds it holds. Where the runtime cannot change
 * ids (Deno), it says so on the debug log and goes on.
 */
function dropPrivileges(): void {
  const p = process as {
    geteuid?: () => number;
    setgid?: (id: number) => void;
    setgroups?: (g: number[]) => void;
    setuid?: (id: number) => void;
  };
  if (!p.geteuid || p.geteuid() !== 0) return;
  try {
    p.setgroups?.([]);
    p.setgid?.(65534);
    p.setuid?.(65534);
    debug("cli", "dropped to uid 65534");
  } catch (e) {
    debug("cli", `could not drop privileges: ${(e as Error).message}`);
  }
}
