/**
 * The Linux oracle: the sandbox's read operations done by the host kernel
 * on a directory treated as "/".
 *
 * Every path is resolved by openat2(2) with RESOLVE_IN_ROOT from an fd of
 * the root directory, so absolute symlinks, ".." and "/" all stay inside
 * it, exactly as the kernel resolves them for a process chroot-ed there.
 * The operation then runs on the fd that came back (fstat, getdents,
 * pread, readlinkat with an empty name, /proc/self/fd), never on a path.
 *
 * Each function returns an Outcome rather than throwing: the value, or
 * the errno name Linux gave. The root fd is opened and closed by each
 * call; nothing is kept between calls. FIFOs are never opened for I/O
 * (that would block the event loop until a writer came): readFile of one
 * is refused with an Error, not an outcome.
 */
import { readlinkSync, realpathSync } from "node:fs";
import { E, errnoName, SysError } from "../shared/errno.ts";
import { errnoError, lastErrno, libc } from "../shared/sys/ffi.ts";
import * as sys from "../shared/sys/libc.ts";

/** What an operation gave: a value, or the errno name it failed with. */
export type Outcome<T> =
  | { ok: true; value: T }
  | { ok: false; code: string };

/** The fields of stat(2) the conformance tests compare. */
export interface StatView {
  /** S_IFMT bits and permission bits together, as st_mode. */
  mode: number;
  size: number;
  ino: number;
  nlink: number;
  uid: number;
  gid: number;
  /** Modification time in ms, with a fraction, as node:fs's mtimeMs. */
  mtimeMs: number;
}

/** A directory entry's type, named as node:fs.Dirent's is* methods are. */
export type EntryType =
  | "file"
  | "dir"
  | "symlink"
  | "fifo"
  | "char"
  | "block"
  | "socket"
  | "unknown";

export interface TypedEntry {
  name: string;
  type: EntryType;
}

// openat2(2) and faccessat2(2): the same numbers on both supported ABIs.
const SYS_openat2 = 437;
const SYS_faccessat2 = 439;
const RESOLVE_IN_ROOT = 0x10;
const OPEN_HOW_SIZE = 24;

const syscallFn = libc.func("long syscall(long number, ...)");
const how = new Uint8Array(OPEN_HOW_SIZE);
const howView = new DataView(how.buffer);

/**
 * openat2 opens path below dirfd with RESOLVE_IN_ROOT: dirfd is "/" for
 * the whole resolution. Throws SysError with the errno Linux gave.
 */
function openat2(dirfd: number, path: string, flags: number): number {
  if (path.includes("\0")) throw new SysError(E.EINVAL, "openat2");
  howView.setBigUint64(0, BigInt(flags), true);
  howView.setBigUint64(8, 0n, true);
  howView.setBigUint64(16, BigInt(RESOLVE_IN_ROOT), true);
  for (;;) {
    const fd = Number(syscallFn(
      SYS_openat2,
      "int",
      dirfd,
      "const char *",
      path,
      "void *",
      how,
      "size_t",
      OPEN_HOW_SIZE,
    ));
    if (fd >= 0) return fd;
    const errno = lastErrno();
    if (errno !== E.EINTR && errno !== E.EAGAIN) throw errnoError("openat2");
  }
}

/**
 * inRoot opens root, resolves path in it with flags, and gives the fd to
 * fn; both fds are closed before it returns. A SysError becomes a failed
 * outcome; anything else is thrown.
 */
function inRoot<T>(
  root: string,
  path: string,
  flags: number,
  fn: (fd: number) => T,
): Outcome<T> {
  const rootFd = sys.openat(
    sys.AT_FDCWD,
    root,
    sys.O_PATH | sys.O_DIRECTORY | sys.O_CLOEXEC,
  );
  try {
    let fd: number;
    try {
      fd = openat2(rootFd, path, flags | sys.O_CLOEXEC);
    } catch (e) {
      return failed(e);
    }
    try {
      return { ok: true, value: fn(fd) };
    } catch (e) {
      return failed(e);
    } finally {
      sys.close(fd);
    }
  } finally {
    sys.close(rootFd);
  }
}

function failed(e: unknown): { ok: false; code: string } {
  if (e instanceof SysError) return { ok: false, code: errnoName(e.errno) };
  throw e;
}

function view(s: sys.Statx): StatView {
  return {
    mode: s.mode,
    size: Number(s.size),
    ino: Number(s.ino),
    nlink: s.nlink,
    uid: s.uid,
    gid: s.gid,
    mtimeMs: Number(s.mtimeSec) * 1000 + s.mtimeNsec / 1e6,
  };
}

/** stat(2): the file path names, every symlink followed. */
export function stat(root: string, path: string): Outcome<StatView> {
  return inRoot(root, path, sys.O_PATH, (fd) => view(sys.fstat(fd)));
}

/**
 * lstat(2): a final symlink is reported itself. As in Linux, a trailing
 * slash makes the last component followed all the same.
 */
export function lstat(root: string, path: string): Outcome<StatView> {
  return inRoot(
    root,
    path,
    sys.O_PATH | sys.O_NOFOLLOW,
    (fd) => view(sys.fstat(fd)),
  );
}

/**
 * readFile: open(2) for reading, then pread to the end. A directory opens
 * and fails at the first read with EISDIR, as in Linux.
 */
export function readFile(root: string, path: string): Outcome<Uint8Array> {
  // Refuse a FIFO before opening it: an open for reading would block.
  const st = stat(root, path);
  if (st.ok && (st.value.mode & sys.S_IFMT) === sys.S_IFIFO) {
    throw new Error(`oracle.readFile: ${path} is a FIFO; it would block`);
  }
  return inRoot(root, path, sys.O_RDONLY | sys.O_NOCTTY, readAll);
}

function readAll(fd: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const buf = new Uint8Array(256 * 1024);
    const n = sys.pread(fd, buf, total);
    if (n === 0) break;
    chunks.push(buf.subarray(0, n));
    total += n;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** getdents(2) to the end, "." and ".." left out, in kernel order. */
function list(root: string, path: string): Outcome<sys.Dirent[]> {
  return inRoot(root, path, sys.O_RDONLY | sys.O_DIRECTORY, (fd) => {
    const buf = new Uint8Array(32 * 1024);
    const out: sys.Dirent[] = [];
    for (;;) {
      const n = sys.getdents(fd, buf);
      if (n === 0) return out;
      for (const e of sys.parseDirents(buf, n)) {
        if (e.name !== "." && e.name !== "..") out.push(e);
      }
    }
  });
}

/** readdir: the names in the directory path names, sorted. */
export function readdir(root: string, path: string): Outcome<string[]> {
  const r = list(root, path);
  if (!r.ok) return r;
  return { ok: true, value: r.value.map((e) => e.name).sort() };
}

const TYPES: Record<number, EntryType> = {
  [sys.DT_REG]: "file",
  [sys.DT_DIR]: "dir",
  [sys.DT_LNK]: "symlink",
  [sys.DT_FIFO]: "fifo",
  [sys.DT_CHR]: "char",
  [sys.DT_BLK]: "block",
  [sys.DT_SOCK]: "socket",
};

/**
 * readdirTypes: each entry's name and type, sorted by name. An entry the
 * filesystem gives DT_UNKNOWN for is lstat-ed, as node:fs does.
 */
export function readdirTypes(
  root: string,
  path: string,
): Outcome<TypedEntry[]> {
  const r = list(root, path);
  if (!r.ok) return r;
  const dir = path.endsWith("/") ? path : path + "/";
  const out = r.value.map((e) => {
    let type = TYPES[e.type] ?? "unknown";
    if (e.type === sys.DT_UNKNOWN) {
      const st = lstat(root, dir + e.name);
      if (st.ok) type = typeOfMode(st.value.mode);
    }
    return { name: e.name, type };
  });
  return { ok: true, value: out.sort((a, b) => cmp(a.name, b.name)) };
}

/** typeOfMode names the S_IFMT bits of a mode. */
export function typeOfMode(mode: number): EntryType {
  return TYPES[(mode & sys.S_IFMT) >> 12] ?? "unknown";
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** readlink(2): the target of the symlink path names; EINVAL otherwise. */
export function readlink(root: string, path: string): Outcome<string> {
  return inRoot(root, path, sys.O_PATH | sys.O_NOFOLLOW, (fd) => {
    // readlinkat(fd, "") says ENOENT for a non-link; readlink(2) EINVAL.
    if ((sys.fstat(fd).mode & sys.S_IFMT) !== sys.S_IFLNK) {
      throw new SysError(E.EINVAL, "readlink");
    }
    return sys.readlinkat(fd, "");
  });
}

/**
 * access(2) with mode (F_OK 0, X_OK 1, W_OK 2, R_OK 4), as the kernel
 * decides it for this process's real uid: faccessat2 on the resolved fd.
 * Resolves nothing but the path in the root, like the others.
 */
export function access(
  root: string,
  path: string,
  mode: number,
): Outcome<true> {
  return inRoot(root, path, sys.O_PATH, (fd) => {
    for (;;) {
      const r = Number(syscallFn(
        SYS_faccessat2,
        "int",
        fd,
        "const char *",
        "",
        "int",
        mode,
        "int",
        sys.AT_EMPTY_PATH,
      ));
      if (r === 0) return true as const;
      if (lastErrno() !== E.EINTR) throw errnoError("access");
    }
  });
}

/**
 * realpath(3): the path of the file path names, from the root, every
 * symlink, "." and ".." resolved: the kernel's own name for the opened
 * file, from /proc/self/fd, with the root's host path taken off.
 */
export function realpath(root: string, path: string): Outcome<string> {
  const hostRoot = realpathSync(root);
  return inRoot(root, path, sys.O_PATH, (fd) => {
    const host = readlinkSync(`/proc/self/fd/${fd}`);
    if (host === hostRoot) return "/";
    if (!host.startsWith(hostRoot + "/")) {
      throw new Error(`oracle.realpath: ${host} is outside ${hostRoot}`);
    }
    return host.slice(hostRoot.length);
  });
}
