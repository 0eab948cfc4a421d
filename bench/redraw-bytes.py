#!/usr/bin/env python3
"""Bytes the reader writes to its terminal when news arrives (the cost on an SSH link).

  redraw-bytes.py BINARY [SECONDS] [COLUMNS] [ROWS]

Runs `BINARY --demo` in a pseudo-terminal of COLUMNS x ROWS (default 120x40), lets it
load for 8 s, then for SECONDS (default 30) counts the bytes of each burst of output
(bursts are apart by 0.3 s of quiet: one per poll that brought news or an edit, or the
minute's clock). Prints the bytes of each burst and their median.
"""

import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time


def read_for(fd, seconds):
    chunks, end = [], time.time() + seconds
    while True:
        ready, _, _ = select.select([fd], [], [], max(0, end - time.time()))
        if not ready:
            return chunks
        try:
            data = os.read(fd, 1 << 16)
        except OSError:
            return chunks
        chunks.append((time.time(), len(data)))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    binary = os.path.abspath(sys.argv[1])
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 30
    columns = int(sys.argv[3]) if len(sys.argv) > 3 else 120
    rows = int(sys.argv[4]) if len(sys.argv) > 4 else 40
    home = tempfile.mkdtemp()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.chdir(home)
        os.execv(binary, [binary, "--demo"])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    os.kill(pid, signal.SIGWINCH)
    read_for(fd, 8)
    bursts, last = [], None
    for at, size in read_for(fd, seconds):
        if last is None or at - last > 0.3:
            bursts.append(0)
        bursts[-1] += size
        last = at
    os.write(fd, b"q")
    read_for(fd, 0.5)
    os.waitpid(pid, 0)
    print(f"{columns}x{rows}: {len(bursts)} updates in {seconds:.0f} s, bytes each: {bursts}")
    if bursts:
        print(f"median {statistics.median(bursts):.0f} bytes, max {max(bursts)}")


if __name__ == "__main__":
    main()
