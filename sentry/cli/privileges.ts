/**
 * Giving up root once the gofer runs: the sentry needs no host authority
 * of its own, only the fds it holds, so started as root it goes on as
 * nobody (uid and gid 65534) under both runtimes.
 *
 * One thing keeps it from dropping: the shell loads each command's code
 * on first use, from node_modules, after the drop. Where nobody cannot
 * read those files (a checkout under a private home directory), every
 * command would fail to load, so the sentry keeps its ids and says so on
 * the debug log (category cli).
 */
import { statSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { debug } from "../../shared/log.ts";

const NOBODY = 65534;

/**
 * dropPrivileges switches to uid and gid 65534, dropping supplementary
 * groups, when running as root and the shell's code stays readable.
 */
export function dropPrivileges(): void {
  const p = process as {
    geteuid?: () => number;
    setgid?: (id: number) => void;
    setgroups?: (g: number[]) => void;
    setuid?: (id: number) => void;
  };
  if (!p.geteuid || p.geteuid() !== 0) return;
  const shell = shellDir();
  if (shell === null || !othersCanSearch(shell)) {
    debug("cli", `keeping root: uid ${NOBODY} could not load ${shell}`);
    return;
  }
  try {
    p.setgroups?.([]);
    p.setgid?.(NOBODY);
    p.setuid?.(NOBODY);
    debug("cli", `dropped to uid ${NOBODY}`);
  } catch (e) {
    debug("cli", `could not drop privileges: ${(e as Error).message}`);
  }
}

/** shellDir is the directory just-bash's modules load from, or null. */
function shellDir(): string | null {
  try {
    return dirname(fileURLToPath(import.meta.resolve("just-bash")));
  } catch {
    return null;
  }
}

/**
 * othersCanSearch tells whether a user who is neither the owner nor in
 * the group can reach dir and list it: dir readable and searchable by
 * others, and every directory above it searchable.
 */
export function othersCanSearch(dir: string): boolean {
  try {
    if ((statSync(dir).mode & 0o005) !== 0o005) return false;
    for (let d = dirname(dir); ; d = dirname(d)) {
      if (!(statSync(d).mode & 0o001)) return false;
      if (d === dirname(d)) return true;
    }
  } catch {
    return false;
  }
}
