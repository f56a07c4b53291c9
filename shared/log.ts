/**
 * The one levelled logger of the CLI and the gofer.
 *
 * Libraries never print: they call debug(category, ...) and the call costs
 * one Set lookup unless that category was switched on, by the CLI's
 * --debug=wire,vfs flag or the SANDBOX_DEBUG environment variable (the gofer
 * inherits it). Output goes to stderr, one line per message, prefixed with
 * the process role so sentry and gofer lines can be told apart.
 */

/** Categories a user can switch on. */
export const CATEGORIES = ["wire", "vfs", "gofer", "cli", "fd"] as const;
export type Category = (typeof CATEGORIES)[number];

const enabled = new Set<string>();
let role = "sentry";
let sink: (line: string) => void = (line) => {
  // deno-lint-ignore no-process-global
  process.stderr.write(line + "\n");
};

/** setRole names this process in every line ("sentry", "gofer"). */
export function setRole(name: string): void {
  role = name;
}

/** setSink redirects output (tests use it to capture lines). */
export function setSink(fn: (line: string) => void): void {
  sink = fn;
}

/**
 * enableDebug switches categories on. spec is a comma list of category
 * names, or "all". It returns the names it did not recognise.
 */
export function enableDebug(spec: string): string[] {
  const unknown: string[] = [];
  for (const raw of spec.split(",")) {
    const name = raw.trim();
    if (!name) continue;
    if (name === "all") {
      for (const c of CATEGORIES) enabled.add(c);
    } else if ((CATEGORIES as readonly string[]).includes(name)) {
      enabled.add(name);
    } else {
      unknown.push(name);
    }
  }
  return unknown;
}

/** debugSpec gives the switched-on categories, to pass to a child. */
export function debugSpec(): string {
  return [...enabled].join(",");
}

/** isDebug tells whether a category is on; guard costly messages with it. */
export function isDebug(category: Category): boolean {
  return enabled.has(category);
}

/** debug prints one line when its category is on. */
export function debug(category: Category, msg: string): void {
  if (enabled.has(category)) sink(`${role}: ${category}: ${msg}`);
}

/** warn prints one line always: something went wrong but work goes on. */
export function warn(msg: string): void {
  sink(`${role}: warning: ${msg}`);
}

/** error prints one line always: the operation failed. */
export function error(msg: string): void {
  sink(`${role}: error: ${msg}`);
}
