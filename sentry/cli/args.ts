/**
 * The sentry CLI's command line: flags, ROOTFS, and the command after
 * "--". Parsing never exits or prints; main decides.
 */
import { CATEGORIES, enableDebug } from "../../shared/log.ts";
import type { FileAccess } from "../vfs/mount.ts";

export const USAGE = `usage: sentry run [flags] ROOTFS [-- COMMAND [ARGS...]]
       sentry --help | --version

Runs COMMAND (or, without one, the script on standard input) in a bash
shell whose filesystem is ROOTFS. Every host file access goes through a
separate gofer process over 9P2000.L; the shell sees ROOTFS as "/".

flags:
  --file-access=MODE  exclusive (default): trust the dentry cache, nothing
                      else changes ROOTFS while the sandbox runs.
                      shared: revalidate cached entries against the host
                      on every use; host-side changes are seen at once.
  --gofer=KIND        builtin (default), or diod: Debian's 9P2000.L server
                      as the gofer (no fd donation, plain 9P only).
  --no-donate         read files through 9P Tread instead of donated fds.
  --no-spin           wait for every 9P reply in the event loop, never
                      spinning for it (slower; spares CPU; Node only).
  --stats             print 9P requests by type on exit (to stderr).
  --debug=CATS        trace categories: ${CATEGORIES.join(",")} or all
                      (also SANDBOX_DEBUG=CATS).
  -h, --help          this text.
  --version           the version.

Writes fail with "Read-only file system" (except to /dev/null and
friends, which the sentry provides itself).

exit status: the command's; 2 bad usage; 3 ROOTFS missing or not a
directory; 4 the gofer died or could not start; 5 the sentry itself
failed (out of fds, say).
`;

export interface RunOptions {
  root: string;
  fileAccess: FileAccess;
  gofer: "builtin" | "diod";
  donate: boolean;
  spin: boolean;
  stats: boolean;
  /** The command and its arguments; null to read a script from stdin. */
  command: string[] | null;
}

export type Parsed =
  | { kind: "help" }
  | { kind: "version" }
  | { kind: "error"; message: string }
  | { kind: "run"; opts: RunOptions };

export function parseArgs(argv: string[]): Parsed {
  const opts: RunOptions = {
    root: "", fileAccess: "exclusive", gofer: "builtin", donate: true,
    spin: true, stats: false, command: null,
  };
  let sawRun = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") {
      opts.command = argv.slice(i + 1);
      if (opts.command.length === 0) {
        return { kind: "error", message: "no command after --" };
      }
      break;
    }
    if (a === "-h" || a === "--help") return { kind: "help" };
    if (a === "--version") return { kind: "version" };
    if (a.startsWith("-")) {
      // "--file-access shared" as well as "--file-access=shared".
      let word = a;
      if (!a.includes("=") && TAKES_VALUE.has(a) && i + 1 < argv.length &&
        !argv[i + 1].startsWith("-")) {
        word = `${a}=${argv[++i]}`;
      }
      const err = flag(word, opts);
      if (err) return { kind: "error", message: err };
      continue;
    }
    if (!sawRun) {
      if (a !== "run") {
        return { kind: "error", message: `unknown subcommand '${a}'` };
      }
      sawRun = true;
    } else if (!opts.root) {
      opts.root = a;
    } else {
      return {
        kind: "error",
        message: `unexpected '${a}' (put the command after --)`,
      };
    }
  }
  if (!sawRun) return { kind: "help" };
  if (!opts.root) return { kind: "error", message: "missing ROOTFS" };
  return { kind: "run", opts };
}

/** Flags whose value may also come as the next word. */
const TAKES_VALUE = new Set(["--file-access", "--gofer"]);

function flag(a: string, o: RunOptions): string | null {
  const eq = a.indexOf("=");
  const name = eq < 0 ? a : a.slice(0, eq);
  const value = eq < 0 ? undefined : a.slice(eq + 1);
  switch (name) {
    case "--file-access":
      if (value !== "exclusive" && value !== "shared") {
        return value === undefined
          ? "--file-access takes exclusive or shared"
          : `--file-access takes exclusive or shared, not '${value}'`;
      }
      o.fileAccess = value;
      return null;
    case "--gofer":
      if (value !== "builtin" && value !== "diod") {
        return value === undefined
          ? "--gofer takes builtin or diod"
          : `--gofer takes builtin or diod, not '${value}'`;
      }
      o.gofer = value;
      return null;
    case "--no-donate":
      o.donate = false;
      return null;
    case "--no-spin":
      o.spin = false;
      return null;
    case "--stats":
      o.stats = true;
      return null;
    case "--debug": {
      const bad = enableDebug(value ?? "all");
      return bad.length ? `unknown debug category '${bad[0]}'` : null;
    }
    default:
      return `unknown flag '${name}'`;
  }
}
