/**
 * Path strings: splitting into components and joining names back.
 *
 * Resolution never does string arithmetic on ".." ; these helpers only cut
 * a path at its slashes.
 */
import { E, SysError } from "../../shared/errno.ts";

/** Linux's PATH_MAX: a longer path is ENAMETOOLONG. */
export const PATH_MAX = 4096;
/** Linux's NAME_MAX for one component. */
export const NAME_MAX = 255;

export interface SplitPath {
  absolute: boolean;
  names: string[];
  /** The path ends in "/" (and is not just "/"): it must be a directory. */
  trailingSlash: boolean;
}

/**
 * splitPath cuts a path into its non-empty components. Like Linux, it
 * refuses a path of PATH_MAX bytes or more (ENAMETOOLONG), a NUL byte
 * (EINVAL) and "" (ENOENT); a component's length is checked only when
 * resolution reaches it (nameTooLong).
 */
export function splitPath(path: string): SplitPath {
  if (path.length === 0) throw new SysError(E.ENOENT);
  if (path.length * 3 >= PATH_MAX && utf8Length(path) >= PATH_MAX) {
    throw new SysError(E.ENAMETOOLONG);
  }
  if (path.includes("\0")) throw new SysError(E.EINVAL);
  const names: string[] = [];
  for (const n of path.split("/")) if (n.length !== 0) names.push(n);
  return {
    absolute: path.charCodeAt(0) === 47,
    names,
    trailingSlash: names.length > 0 && path.charCodeAt(path.length - 1) === 47,
  };
}

/** nameTooLong tells whether one component is over NAME_MAX bytes. */
export function nameTooLong(name: string): boolean {
  return name.length * 3 > NAME_MAX && utf8Length(name) > NAME_MAX;
}

/** utf8Length counts the UTF-8 bytes of s without encoding it. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** joinNames makes an absolute path of components ("/" for none). */
export function joinNames(names: string[]): string {
  return "/" + names.join("/");
}

/** Normalizes a path textually, for display only (never for lookup). */
export function normalizeForDisplay(base: string, path: string): string {
  const out: string[] = [];
  const all = path.startsWith("/") ? path : base + "/" + path;
  for (const n of all.split("/")) {
    if (!n || n === ".") continue;
    if (n === "..") out.pop();
    else out.push(n);
  }
  return joinNames(out);
}
