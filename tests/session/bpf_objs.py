#!/usr/bin/env python3
"""Test helper (not a case): lists the kernel's BPF programs and maps whose
name starts with a prefix (default "dt_"), using the bpf(2) system call
directly through ctypes (no bpftool needed).

  bpf_objs.py list [PREFIX]
      print "prog ID NAME" / "map ID NAME" lines, sorted
  bpf_objs.py leaks BEFORE_FILE [TIMEOUT_S] [PREFIX]
      BEFORE_FILE holds a `list` taken before the dtrace run. Polls (the kernel
      frees raw-tracepoint programs asynchronously, ~100 ms after close) until
      every object that appeared since has gone, or TIMEOUT_S (default 3) has
      passed. Objects still held open by a live process outside this process
      group are not ours (someone else running dtrace at the same time) and
      are ignored. Prints "leaks: none" or one "leaked: ..." line per object.
      Exit status 0 either way (the comparison is on stdout).

Exits 77 with a message on stderr if bpf(2) cannot be used.
"""
import ctypes
import errno
import os
import platform
import sys
import time

BPF_PROG_GET_NEXT_ID = 11
BPF_MAP_GET_NEXT_ID = 12
BPF_PROG_GET_FD_BY_ID = 13
BPF_MAP_GET_FD_BY_ID = 14
BPF_OBJ_GET_INFO_BY_FD = 15

NR_BPF = {"x86_64": 321, "aarch64": 280, "riscv64": 280, "s390x": 351,
          "ppc64le": 361, "i686": 357, "armv7l": 386}.get(platform.machine())

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def bpf(cmd, attr):
    r = libc.syscall(ctypes.c_long(NR_BPF), ctypes.c_long(cmd),
                     ctypes.byref(attr), ctypes.c_uint(ctypes.sizeof(attr)))
    if r < 0:
        return -ctypes.get_errno()
    return r


class IdAttr(ctypes.Structure):
    _fields_ = [("id", ctypes.c_uint32), ("next_id", ctypes.c_uint32),
                ("open_flags", ctypes.c_uint32), ("pad", ctypes.c_uint32)]


class InfoAttr(ctypes.Structure):
    _fields_ = [("bpf_fd", ctypes.c_uint32), ("info_len", ctypes.c_uint32),
                ("info", ctypes.c_uint64)]


# Offset of `name[16]` in struct bpf_prog_info / struct bpf_map_info.
NAME_OFF = {"prog": 64, "map": 24}


def objects(prefix):
    out = set()
    for kind, next_cmd, fd_cmd in (("prog", BPF_PROG_GET_NEXT_ID, BPF_PROG_GET_FD_BY_ID),
                                   ("map", BPF_MAP_GET_NEXT_ID, BPF_MAP_GET_FD_BY_ID)):
        cur = 0
        while True:
            a = IdAttr(id=cur)
            r = bpf(next_cmd, a)
            if r == -errno.ENOENT:
                break
            if r < 0:
                sys.stderr.write("bpf_objs.py: bpf(GET_NEXT_ID): %s\n" % os.strerror(-r))
                sys.exit(77)
            cur = a.next_id
            fa = IdAttr(id=cur)
            fd = bpf(fd_cmd, fa)
            if fd < 0:
                continue  # freed in between
            try:
                buf = ctypes.create_string_buffer(256)
                ia = InfoAttr(bpf_fd=fd, info_len=256,
                              info=ctypes.addressof(buf))
                if bpf(BPF_OBJ_GET_INFO_BY_FD, ia) < 0:
                    continue
                raw = buf.raw[NAME_OFF[kind]:NAME_OFF[kind] + 16]
                name = raw.split(b"\0", 1)[0].decode("ascii", "replace")
            finally:
                os.close(fd)
            if name.startswith(prefix):
                out.add((kind, cur, name))
    return out


def fmt(o):
    return "%s %d %s" % o


def held_elsewhere():
    """IDs of BPF objects held open by live processes outside our process group."""
    mypg = os.getpgrp()
    held = set()
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            if os.getpgid(int(p)) == mypg:
                continue
            fds = os.listdir("/proc/%s/fdinfo" % p)
        except OSError:
            continue
        for fd in fds:
            try:
                with open("/proc/%s/fdinfo/%s" % (p, fd)) as f:
                    for line in f:
                        if line.startswith("prog_id:"):
                            held.add(("prog", int(line.split()[1])))
                        elif line.startswith("map_id:"):
                            held.add(("map", int(line.split()[1])))
            except (OSError, ValueError):
                pass
    return held


def parse_list(path):
    s = set()
    with open(path) as f:
        for line in f:
            w = line.split()
            if len(w) == 3:
                s.add((w[0], int(w[1]), w[2]))
    return s


def main():
    if NR_BPF is None:
        sys.stderr.write("bpf_objs.py: unknown machine %s\n" % platform.machine())
        sys.exit(77)
    args = sys.argv[1:]
    if args[:1] == ["list"]:
        prefix = args[1] if len(args) > 1 else "dt_"
        for o in sorted(objects(prefix)):
            print(fmt(o))
        return
    if args[:1] == ["leaks"] and len(args) >= 2:
        before = parse_list(args[1])
        timeout = float(args[2]) if len(args) > 2 else 3.0
        prefix = args[3] if len(args) > 3 else "dt_"
        deadline = time.monotonic() + timeout
        while True:
            new = objects(prefix) - before
            if new:
                held = held_elsewhere()
                new = {o for o in new if (o[0], o[1]) not in held}
            if not new or time.monotonic() >= deadline:
                break
            time.sleep(0.05)
        if not new:
            print("leaks: none")
        for o in sorted(new):
            print("leaked: " + fmt(o))
        return
    sys.stderr.write(__doc__)
    sys.exit(2)


main()
