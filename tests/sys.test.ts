/**
 * shared/sys against Linux itself: each call is checked against what
 * node:fs reports for the same file, or against the errno Linux gives.
 *
 * Run with SYS_TEST_CHILD=1 this file is instead the child process of the
 * fd-passing test (see child() below).
 */

import { Buffer } from "node:buffer";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { E, SysError } from "../shared/errno.ts";
import * as sys from "../shared/sys/libc.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** The fd the child finds its end of the socketpair on. */
const CHILD_SOCK = 4;

/** throwsErrno runs f and checks it throws SysError errno from syscall. */
function throwsErrno(f: () => unknown, errno: number, syscall?: string) {
  try {
    f();
  } catch (e) {
    assert.instance(e, SysError);
    const err = e as SysError;
    assert.is(err.code, new SysError(errno).code, "errno");
    if (syscall) assert.is(err.syscall, syscall, "syscall");
    return;
  }
  assert.unreachable(`want ${new SysError(errno).code}, got no error`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** recvWithin polls recvFd until a message comes or ms pass. */
async function recvWithin(sock: number, ms: number) {
  const deadline = Date.now() + ms;
  for (;;) {
    const got = sys.recvFd(sock);
    if (got) return got;
    if (Date.now() > deadline) throw new Error("no message in time");
    await sleep(5);
  }
}

/** readAll reads an fd (a file) from offset 0 as text. */
function readText(fd: number): string {
  const buf = new Uint8Array(4096);
  const n = sys.pread(fd, buf, 0);
  return dec.decode(buf.subarray(0, n));
}

/**
 * child is the far side of the fd-passing test: it takes an fd from its
 * parent, reads it, and answers with what it read and an fd of a file it
 * opened itself (its path comes in SYS_TEST_FILE).
 */
async function child(): Promise<void> {
  const got = await recvWithin(CHILD_SOCK, 10_000);
  const text = readText(got.fd);
  sys.close(got.fd);
  const fd = sys.openat(
    sys.AT_FDCWD,
    process.env.SYS_TEST_FILE!,
    sys.O_RDONLY | sys.O_CLOEXEC,
  );
  sys.sendFd(CHILD_SOCK, fd, enc.encode(text));
  sys.close(fd);
  sys.close(CHILD_SOCK);
}

/** glibc's makedev(3), as st_dev and st_rdev carry device numbers. */
function makedev(major: number, minor: number): bigint {
  const ma = BigInt(major);
  const mi = BigInt(minor);
  return ((ma & 0xfffff000n) << 32n) | ((ma & 0xfffn) << 8n) |
    ((mi & 0xffffff00n) << 12n) | (mi & 0xffn);
}

/**
 * sameTime compares a time in ns with node:fs's. Deno's node:fs reports
 * bigint times in whole milliseconds only, so there the ms must match.
 */
function sameTime(gotNs: bigint, wantNs: bigint, what: string): void {
  if ("Deno" in globalThis) {
    assert.is(gotNs / 1_000_000n, wantNs / 1_000_000n, `${what} (ms)`);
  } else {
    assert.is(gotNs, wantNs, what);
  }
}

/** nsOf gives a statx time as ns. */
function nsOf(sec: bigint, nsec: number): bigint {
  return sec * 1_000_000_000n + BigInt(nsec);
}

function tests(): void {
  const test = suite("sys");
  let tmp = "";
  let dirfd = -1;

  test.before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sys-test-"));
    fs.writeFileSync(path.join(tmp, "file"), "0123456789abcdef");
    fs.mkdirSync(path.join(tmp, "dir"));
    fs.symlinkSync("file", path.join(tmp, "link"));
    dirfd = sys.openat(
      sys.AT_FDCWD,
      tmp,
      sys.O_RDONLY | sys.O_DIRECTORY | sys.O_CLOEXEC,
    );
  });

  test.after(() => {
    sys.close(dirfd);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test("statx: a file, a directory and a symlink match lstat", () => {
    for (const name of ["file", "dir", "link"]) {
      const got = sys.statx(dirfd, name, sys.AT_SYMLINK_NOFOLLOW);
      const want = fs.lstatSync(path.join(tmp, name), { bigint: true });
      assert.is(got.ino, want.ino, `${name} ino`);
      assert.is(got.mode, Number(want.mode), `${name} mode`);
      assert.is(got.size, want.size, `${name} size`);
      assert.is(got.nlink, Number(want.nlink), `${name} nlink`);
      assert.is(got.uid, Number(want.uid), `${name} uid`);
      assert.is(got.gid, Number(want.gid), `${name} gid`);
      assert.is(got.blocks, want.blocks, `${name} blocks`);
      const mtime = nsOf(got.mtimeSec, got.mtimeNsec);
      sameTime(mtime, want.mtimeNs, `${name} mtime`);
      assert.is(
        makedev(got.devMajor, got.devMinor),
        want.dev,
        `${name} dev`,
      );
    }
  });

  test("statx: without AT_SYMLINK_NOFOLLOW a symlink is followed", () => {
    const link = sys.statx(dirfd, "link", 0);
    const file = sys.statx(dirfd, "file", 0);
    assert.is(link.ino, file.ino);
    assert.is(link.mode & sys.S_IFMT, sys.S_IFREG);
  });

  test("statx: a missing name fails with ENOENT", () => {
    throwsErrno(() => sys.statx(dirfd, "nope", 0), E.ENOENT, "statx");
  });

  test("fstat: an open fd reports what statx of its name does", () => {
    const fd = sys.openat(dirfd, "file", sys.O_RDONLY | sys.O_CLOEXEC);
    try {
      assert.equal(sys.fstat(fd), sys.statx(dirfd, "file", 0));
    } finally {
      sys.close(fd);
    }
  });

  test("openat: O_NOFOLLOW on a symlink fails with ELOOP", () => {
    throwsErrno(
      () => sys.openat(dirfd, "link", sys.O_RDONLY | sys.O_NOFOLLOW),
      E.ELOOP,
      "openat",
    );
  });

  test("openat: O_PATH|O_NOFOLLOW opens the symlink itself", () => {
    const fd = sys.openat(
      dirfd,
      "link",
      sys.O_PATH | sys.O_NOFOLLOW | sys.O_CLOEXEC,
    );
    try {
      assert.is(sys.fstat(fd).mode & sys.S_IFMT, sys.S_IFLNK);
      assert.is(sys.readlinkat(fd, ""), "file");
    } finally {
      sys.close(fd);
    }
  });

  test("openat: O_DIRECTORY on a file fails with ENOTDIR", () => {
    throwsErrno(
      () => sys.openat(dirfd, "file", sys.O_RDONLY | sys.O_DIRECTORY),
      E.ENOTDIR,
    );
  });

  test("openat: O_CREAT|O_EXCL on an existing name fails with EEXIST", () => {
    throwsErrno(
      () => sys.openat(dirfd, "file", sys.O_CREAT | sys.O_EXCL, 0o644),
      E.EEXIST,
    );
  });

  test("openat: '..' is resolved by the kernel", () => {
    // The gofer refuses ".." itself; at this level Linux walks it.
    const sub = sys.openat(dirfd, "dir", sys.O_PATH | sys.O_CLOEXEC);
    const up = sys.openat(sub, "..", sys.O_PATH | sys.O_CLOEXEC);
    try {
      assert.is(sys.fstat(up).ino, sys.fstat(dirfd).ino);
    } finally {
      sys.close(up);
      sys.close(sub);
    }
  });

  test("openat: a name holding NUL fails with EINVAL", () => {
    throwsErrno(() => sys.openat(dirfd, "file\0x", sys.O_RDONLY), E.EINVAL);
  });

  test("close: a closed fd fails with EBADF", () => {
    const fd = sys.openat(dirfd, "file", sys.O_RDONLY | sys.O_CLOEXEC);
    sys.close(fd);
    throwsErrno(() => sys.close(fd), E.EBADF, "close");
  });

  test("readlinkat: a 4095-byte target comes back whole", () => {
    const target = "t/".repeat(2047) + "x";
    assert.is(target.length, 4095);
    fs.symlinkSync(target, path.join(tmp, "long"));
    assert.is(sys.readlinkat(dirfd, "long"), target);
    fs.unlinkSync(path.join(tmp, "long"));
  });

  test("readlinkat: a non-symlink fails with EINVAL", () => {
    throwsErrno(() => sys.readlinkat(dirfd, "file"), E.EINVAL, "readlinkat");
  });

  test("getdents: 1000 files list exactly what readdirSync gives", () => {
    const big = path.join(tmp, "big");
    fs.mkdirSync(big);
    const want: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const name = `f${i}-${"x".repeat(i % 40)}`;
      fs.writeFileSync(path.join(big, name), "");
      want.push(name);
    }
    fs.writeFileSync(path.join(big, "ünïcödé"), "");
    want.push("ünïcödé");

    // A small buffer makes getdents take many calls.
    const fd = sys.openat(
      sys.AT_FDCWD,
      big,
      sys.O_RDONLY | sys.O_DIRECTORY | sys.O_CLOEXEC,
    );
    const buf = new Uint8Array(4096);
    const got: sys.Dirent[] = [];
    let calls = 0;
    for (let n; (n = sys.getdents(fd, buf)) > 0; calls++) {
      got.push(...sys.parseDirents(buf, n));
    }
    sys.close(fd);
    assert.ok(calls > 1, `calls ${calls}`);

    const names = got.map((d) => d.name)
      .filter((n) => n !== "." && n !== "..");
    assert.equal(names.sort(), fs.readdirSync(big).sort());
    assert.is(names.length, want.length);
    for (const d of got.slice(0, 50)) {
      if (d.name === "." || d.name === "..") continue;
      const st = fs.lstatSync(path.join(big, d.name), { bigint: true });
      assert.is(d.ino, st.ino, d.name);
      assert.is(d.type, sys.DT_REG, d.name);
    }
    fs.rmSync(big, { recursive: true });
  });

  test("getdents: lseek to 0 rewinds, and a record's off resumes", () => {
    const fd = sys.openat(dirfd, ".", sys.O_RDONLY | sys.O_DIRECTORY);
    const buf = new Uint8Array(4096);
    const first = sys.parseDirents(buf, sys.getdents(fd, buf));
    sys.lseek(fd, 0n, sys.SEEK_SET);
    const again = sys.parseDirents(buf, sys.getdents(fd, buf));
    assert.equal(again, first);
    sys.lseek(fd, first[0].off, sys.SEEK_SET);
    const rest = sys.parseDirents(buf, sys.getdents(fd, buf));
    assert.equal(rest, first.slice(1));
    sys.close(fd);
  });

  test("getdents: a name that is not UTF-8 decodes with U+FFFD", () => {
    const odd = path.join(tmp, "odd");
    fs.mkdirSync(odd);
    const bytes = Buffer.concat([Buffer.from(odd + "/a"), Buffer.of(0xff)]);
    fs.writeFileSync(bytes, "");
    const fd = sys.openat(dirfd, "odd", sys.O_RDONLY | sys.O_DIRECTORY);
    const buf = new Uint8Array(1024);
    const names = sys.parseDirents(buf, sys.getdents(fd, buf))
      .map((d) => d.name).filter((n) => n !== "." && n !== "..");
    sys.close(fd);
    assert.equal(names, ["a\ufffd"]);
    fs.rmSync(odd, { recursive: true });
  });

  test("getdents: a file fd fails with ENOTDIR", () => {
    const fd = sys.openat(dirfd, "file", sys.O_RDONLY | sys.O_CLOEXEC);
    throwsErrno(
      () => sys.getdents(fd, new Uint8Array(1024)),
      E.ENOTDIR,
      "getdents64",
    );
    sys.close(fd);
  });

  test("parseDirents: input cut at every length fails or yields a prefix",
    () => {
      const fd = sys.openat(dirfd, ".", sys.O_RDONLY | sys.O_DIRECTORY);
      const buf = new Uint8Array(4096);
      const n = sys.getdents(fd, buf);
      sys.close(fd);
      const all = sys.parseDirents(buf, n);

      // Record boundaries are where a cut leaves whole records.
      const ends = new Set<number>([0]);
      const view = new DataView(buf.buffer);
      for (let pos = 0; pos < n; pos += view.getUint16(pos + 16, true)) {
        ends.add(pos + view.getUint16(pos + 16, true));
      }
      for (let cut = 0; cut < n; cut++) {
        if (ends.has(cut)) {
          const got = sys.parseDirents(buf, cut);
          assert.equal(got, all.slice(0, got.length), `cut ${cut}`);
        } else {
          throwsErrno(() => sys.parseDirents(buf, cut), E.EIO);
        }
      }
    });

  test("pread: reads the bytes at an offset into a subarray's window", () => {
    const fd = sys.openat(dirfd, "file", sys.O_RDONLY | sys.O_CLOEXEC);
    const big = new Uint8Array(16).fill(0xee);
    assert.is(sys.pread(fd, big.subarray(4, 8), 10), 4);
    assert.equal(
      Array.from(big),
      [...Array(4).fill(0xee), ...enc.encode("abcd"), ...Array(8).fill(0xee)],
    );
    assert.is(sys.pread(fd, big, 14n), 2);
    assert.is(dec.decode(big.subarray(0, 2)), "ef");
    assert.is(sys.pread(fd, big, 16), 0);
    sys.close(fd);
  });

  test("pread: a directory fails with EISDIR", () => {
    throwsErrno(() => sys.pread(dirfd, new Uint8Array(8), 0), E.EISDIR);
  });

  test("pwrite, read, lseek and ftruncate agree with readFileSync", () => {
    const fd = sys.openat(
      dirfd,
      "rw",
      sys.O_RDWR | sys.O_CREAT | sys.O_EXCL | sys.O_CLOEXEC,
      0o600,
    );
    const file = path.join(tmp, "rw");
    assert.is(sys.pwrite(fd, enc.encode("hello world"), 0), 11);
    assert.is(sys.pwrite(fd, enc.encode("W"), 6n), 1);
    assert.is(fs.readFileSync(file, "utf8"), "hello World");
    assert.is(sys.lseek(fd, 0n, sys.SEEK_CUR), 0n);
    const buf = new Uint8Array(5);
    assert.is(sys.read(fd, buf), 5);
    assert.is(dec.decode(buf), "hello");
    assert.is(sys.lseek(fd, 0n, sys.SEEK_END), 11n);
    assert.is(sys.write(fd, enc.encode("!")), 1);
    sys.ftruncate(fd, 5);
    sys.fsync(fd);
    assert.is(fs.readFileSync(file, "utf8"), "hello");
    assert.is(sys.fstat(fd).size, 5n);
    sys.close(fd);
  });

  test("fstatfs: reports the filesystem statfsSync does", () => {
    const got = sys.fstatfs(dirfd);
    assert.ok(got.bsize > 0, "bsize");
    assert.ok(got.namelen >= 255, "namelen");
    assert.ok(got.bfree <= got.blocks, "bfree <= blocks");
    if (typeof fs.statfsSync !== "function") return;
    const want = fs.statfsSync(tmp);
    assert.is(got.type, Number(want.type), "type");
    assert.is(got.bsize, Number(want.bsize), "bsize");
    assert.is(got.blocks, Number(want.blocks), "blocks");
    assert.is(got.files, Number(want.files), "files");
  });

  test("mkdirat, symlinkat, linkat, renameat, unlinkat change the tree",
    () => {
      sys.mkdirat(dirfd, "d2", 0o755);
      assert.ok(fs.statSync(path.join(tmp, "d2")).isDirectory());
      throwsErrno(() => sys.mkdirat(dirfd, "d2", 0o755), E.EEXIST, "mkdirat");
      sys.symlinkat("../file", dirfd, "d2/sl");
      assert.is(fs.readlinkSync(path.join(tmp, "d2/sl")), "../file");
      sys.linkat(dirfd, "file", dirfd, "d2/hard", 0);
      assert.is(fs.statSync(path.join(tmp, "file")).nlink, 2);
      sys.renameat(dirfd, "d2/hard", dirfd, "hard2");
      assert.ok(fs.existsSync(path.join(tmp, "hard2")));
      throwsErrno(
        () =>
          sys.renameat(dirfd, "hard2", dirfd, "file", sys.RENAME_NOREPLACE),
        E.EEXIST,
        "renameat2",
      );
      throwsErrno(() => sys.unlinkat(dirfd, "d2", sys.AT_REMOVEDIR),
        E.ENOTEMPTY);
      throwsErrno(() => sys.unlinkat(dirfd, "d2", 0), E.EISDIR);
      sys.unlinkat(dirfd, "d2/sl", 0);
      sys.unlinkat(dirfd, "d2", sys.AT_REMOVEDIR);
      sys.unlinkat(dirfd, "hard2", 0);
      assert.equal(fs.readdirSync(tmp).sort(), ["dir", "file", "link", "rw"]);
    });

  test("fchmod, fchmodat, utimensat set what lstat reports", () => {
    const fd = sys.openat(dirfd, "file", sys.O_RDONLY | sys.O_CLOEXEC);
    sys.fchmod(fd, 0o640);
    assert.is(fs.statSync(path.join(tmp, "file")).mode & 0o7777, 0o640);
    sys.fchmodat(dirfd, "file", 0o604);
    assert.is(fs.statSync(path.join(tmp, "file")).mode & 0o7777, 0o604);
    sys.utimensat(dirfd, "file", { sec: 1000, nsec: 5 }, {
      sec: 2000n,
      nsec: 7,
    });
    let st = sys.statx(dirfd, "file", 0);
    assert.is(nsOf(st.atimeSec, st.atimeNsec), 1000_000_000_005n);
    assert.is(nsOf(st.mtimeSec, st.mtimeNsec), 2000_000_000_007n);
    const want = fs.statSync(path.join(tmp, "file"), { bigint: true });
    sameTime(2000_000_000_007n, want.mtimeNs, "mtime");
    sys.utimensat(fd, null, { sec: 0, nsec: sys.UTIME_OMIT }, {
      sec: 3000,
      nsec: 0,
    });
    st = sys.fstat(fd);
    assert.is(nsOf(st.atimeSec, st.atimeNsec), 1000_000_000_005n);
    assert.is(nsOf(st.mtimeSec, st.mtimeNsec), 3000_000_000_000n);
    sys.close(fd);
  });

  test("setCloexec and setNonBlocking set and clear their flags", () => {
    const fd = sys.openat(dirfd, "file", sys.O_RDONLY | sys.O_CLOEXEC);
    assert.ok(sys.getCloexec(fd));
    sys.setCloexec(fd, false);
    assert.not.ok(sys.getCloexec(fd));
    sys.setCloexec(fd, true);
    assert.ok(sys.getCloexec(fd));
    sys.close(fd);

    const [a, b] = sys.socketpair(sys.SOCK_STREAM);
    sys.setNonBlocking(a, true);
    throwsErrno(() => sys.read(a, new Uint8Array(1)), E.EAGAIN, "read");
    sys.setNonBlocking(a, false);
    sys.close(a);
    sys.close(b);
  });

  test("sendFd/recvFd: the fd received reads the same file", () => {
    const [a, b] = sys.socketpair(sys.SOCK_SEQPACKET);
    const fd = sys.openat(dirfd, "file", sys.O_RDONLY | sys.O_CLOEXEC);
    sys.sendFd(a, fd, enc.encode("tag7"));
    const got = sys.recvFd(b);
    assert.ok(got);
    assert.is(dec.decode(got!.payload), "tag7");
    assert.is.not(got!.fd, fd);
    assert.ok(sys.getCloexec(got!.fd), "received fd is close-on-exec");
    assert.is(sys.fstat(got!.fd).ino, sys.fstat(fd).ino);
    assert.is(readText(got!.fd), "0123456789abcdef");
    sys.close(got!.fd);
    sys.close(fd);
    sys.close(a);
    sys.close(b);
  });

  test("recvFd: null when nothing is queued", () => {
    const [a, b] = sys.socketpair(sys.SOCK_SEQPACKET);
    assert.is(sys.recvFd(b), null);
    sys.close(a);
    sys.close(b);
  });

  test("recvFd: a message without an fd gives fd -1", () => {
    const [a, b] = sys.socketpair(sys.SOCK_SEQPACKET);
    sys.sendFd(a, -1, enc.encode("x"));
    const got = sys.recvFd(b);
    assert.equal(got, { fd: -1, payload: enc.encode("x") });
    sys.close(a);
    sys.close(b);
  });

  test("recvFd: an fd with an empty payload arrives", () => {
    const [a, b] = sys.socketpair(sys.SOCK_SEQPACKET);
    sys.sendFd(a, dirfd, new Uint8Array(0));
    const got = sys.recvFd(b);
    assert.ok(got && got.fd >= 0);
    assert.is(got!.payload.length, 0);
    sys.close(got!.fd);
    sys.close(a);
    sys.close(b);
  });

  test("recvFd: a closed peer fails with ECONNRESET", () => {
    const [a, b] = sys.socketpair(sys.SOCK_SEQPACKET);
    sys.close(a);
    throwsErrno(() => sys.recvFd(b), E.ECONNRESET, "recvmsg");
    sys.close(b);
  });

  test("recvFd: a payload over 64 bytes fails with EBADMSG", () => {
    const [a, b] = sys.socketpair(sys.SOCK_SEQPACKET);
    assert.is(sys.write(a, new Uint8Array(100)), 100);
    throwsErrno(() => sys.recvFd(b), E.EBADMSG, "recvmsg");
    assert.is(sys.recvFd(b), null, "the long datagram is gone");
    sys.close(a);
    sys.close(b);
  });

  test("sendFd: a payload over 64 bytes or an empty one fail with EINVAL",
    () => {
      const [a, b] = sys.socketpair(sys.SOCK_SEQPACKET);
      throwsErrno(() => sys.sendFd(a, dirfd, new Uint8Array(65)), E.EINVAL);
      throwsErrno(() => sys.sendFd(a, -1, new Uint8Array(0)), E.EINVAL);
      sys.close(a);
      sys.close(b);
    });

  test("sendFd: a closed peer fails with EPIPE", () => {
    const [a, b] = sys.socketpair(sys.SOCK_SEQPACKET);
    sys.close(b);
    throwsErrno(() => sys.sendFd(a, dirfd, enc.encode("x")), E.EPIPE);
    sys.close(a);
  });

  test("sendFd/recvFd: 1000 cycles leak no fd", () => {
    const [a, b] = sys.socketpair(sys.SOCK_SEQPACKET);
    const before = sys.countOpenFds();
    const payload = new Uint8Array(8);
    for (let i = 0; i < 1000; i++) {
      new DataView(payload.buffer).setUint32(0, i, true);
      sys.sendFd(a, dirfd, payload);
      const got = sys.recvFd(b)!;
      assert.is(new DataView(got.payload.buffer).getUint32(0, true), i);
      sys.close(got.fd);
    }
    assert.is(sys.countOpenFds(), before);
    sys.close(a);
    sys.close(b);
  });

  test("a child process takes an fd and sends back one it opened",
    async () => {
      fs.writeFileSync(path.join(tmp, "childs"), "opened by the child");
      const [mine, theirs] = sys.socketpair(sys.SOCK_SEQPACKET);
      const script = fileURLToPath(import.meta.url);
      const root = path.dirname(path.dirname(script));
      const deno = (globalThis as { Deno?: { execPath(): string } }).Deno;
      const [cmd, args] = deno
        ? [deno.execPath(), ["run", "-A", script]]
        : [process.execPath, ["--import", "tsx", script]];
      const proc = spawn(cmd, args, {
        cwd: root,
        env: {
          ...process.env,
          SYS_TEST_CHILD: "1",
          SYS_TEST_FILE: path.join(tmp, "childs"),
        },
        stdio: ["inherit", "inherit", "inherit", "pipe", theirs],
      });
      const exited = new Promise<number | null>((resolve) =>
        proc.on("exit", (code) => resolve(code))
      );
      sys.close(theirs);

      const fd = sys.openat(dirfd, "file", sys.O_RDONLY | sys.O_CLOEXEC);
      sys.sendFd(mine, fd, new Uint8Array([1]));
      sys.close(fd);
      const got = await recvWithin(mine, 20_000);
      assert.is(dec.decode(got.payload), "0123456789abcdef");
      assert.ok(got.fd >= 0);
      assert.is(readText(got.fd), "opened by the child");
      sys.close(got.fd);
      assert.is(await exited, 0, "child exit code");
      sys.close(mine);
    });

  test.run();
}

if (process.env.SYS_TEST_CHILD === "1") await child();
else tests();
