/**
 * Linux constants for the system calls in shared/sys, as the host kernel
 * takes them.
 *
 * Most are the same on x86_64 and arm64. The open(2) flags O_DIRECTORY,
 * O_NOFOLLOW, O_DIRECT and O_LARGEFILE are not: arm64 uses the
 * asm-generic/fcntl.h values moved by arch/arm64/include/uapi/asm/fcntl.h,
 * x86_64 the generic ones. These are host values; the 9P2000.L wire carries
 * its own (x86_64-like) flag numbers, which a caller must translate.
 */

import { ARCH } from "./ffi.ts";

const arm64 = ARCH === "arm64";

// open(2) flags (include/uapi/asm-generic/fcntl.h).
export const O_RDONLY = 0o0;
export const O_WRONLY = 0o1;
export const O_RDWR = 0o2;
export const O_ACCMODE = 0o3;
export const O_CREAT = 0o100;
export const O_EXCL = 0o200;
export const O_NOCTTY = 0o400;
export const O_TRUNC = 0o1000;
export const O_APPEND = 0o2000;
export const O_NONBLOCK = 0o4000;
export const O_DSYNC = 0o10000;
export const O_DIRECT = arm64 ? 0o200000 : 0o40000;
export const O_LARGEFILE = arm64 ? 0o400000 : 0o100000;
export const O_DIRECTORY = arm64 ? 0o40000 : 0o200000;
export const O_NOFOLLOW = arm64 ? 0o100000 : 0o400000;
export const O_NOATIME = 0o1000000;
export const O_CLOEXEC = 0o2000000;
export const O_SYNC = 0o4010000;
export const O_PATH = 0o10000000;

// *at(2) dirfd and flags (include/uapi/linux/fcntl.h).
export const AT_FDCWD = -100;
export const AT_SYMLINK_NOFOLLOW = 0x100;
export const AT_REMOVEDIR = 0x200;
export const AT_SYMLINK_FOLLOW = 0x400;
export const AT_NO_AUTOMOUNT = 0x800;
export const AT_EMPTY_PATH = 0x1000;

// renameat2(2) flags (include/uapi/linux/fs.h).
export const RENAME_NOREPLACE = 1;
export const RENAME_EXCHANGE = 2;
export const RENAME_WHITEOUT = 4;

// utimensat(2) special tv_nsec values.
export const UTIME_NOW = (1 << 30) - 1;
export const UTIME_OMIT = (1 << 30) - 2;

// lseek(2) whence.
export const SEEK_SET = 0;
export const SEEK_CUR = 1;
export const SEEK_END = 2;
export const SEEK_DATA = 3;
export const SEEK_HOLE = 4;

// fcntl(2) commands and descriptor flags.
export const F_GETFD = 1;
export const F_SETFD = 2;
export const F_GETFL = 3;
export const F_SETFL = 4;
export const FD_CLOEXEC = 1;

// File type bits of st_mode (include/uapi/linux/stat.h).
export const S_IFMT = 0o170000;
export const S_IFSOCK = 0o140000;
export const S_IFLNK = 0o120000;
export const S_IFREG = 0o100000;
export const S_IFBLK = 0o60000;
export const S_IFDIR = 0o40000;
export const S_IFCHR = 0o20000;
export const S_IFIFO = 0o10000;

// statx(2) mask bits (include/uapi/linux/stat.h).
export const STATX_BASIC_STATS = 0x7ff;
export const STATX_BTIME = 0x800;

// d_type values of linux_dirent64 (include/linux/fs_types.h).
export const DT_UNKNOWN = 0;
export const DT_FIFO = 1;
export const DT_CHR = 2;
export const DT_DIR = 4;
export const DT_BLK = 6;
export const DT_REG = 8;
export const DT_LNK = 10;
export const DT_SOCK = 12;

// Sockets (include/linux/socket.h, include/linux/net.h).
export const AF_UNIX = 1;
export const SOCK_STREAM = 1;
export const SOCK_DGRAM = 2;
export const SOCK_SEQPACKET = 5;
export const SOCK_NONBLOCK = 0o4000;
export const SOCK_CLOEXEC = 0o2000000;
export const SOL_SOCKET = 1;
export const SCM_RIGHTS = 1;
export const MSG_CTRUNC = 0x8;
export const MSG_TRUNC = 0x20;
export const MSG_DONTWAIT = 0x40;
export const MSG_NOSIGNAL = 0x4000;
export const MSG_CMSG_CLOEXEC = 0x40000000;

/** The getdents64 syscall number (asm-generic/unistd.h on arm64). */
export const SYS_getdents64 = arm64 ? 61 : 217;

/** PATH_MAX, counting the terminating NUL (include/uapi/linux/limits.h). */
export const PATH_MAX = 4096;
