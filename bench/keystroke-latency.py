#!/usr/bin/env python3
"""Keystroke to frame in the real reader, end to end, through a pseudo-terminal.

  keystroke-latency.py BINARY CONFIG CACHE [TEXT] [ROUNDS]

Starts `BINARY --config CONFIG --cache CACHE` in a 120x40 pty, waits until the whole
window has loaded (the CPU goes quiet), then types `/` and TEXT (default
"ceasefire kyiv") one key at a time, ROUNDS times (Esc clears the filter between
rounds). For each key it measures the time from writing the key to the first bytes of
the frame that answers it, and from writing the key to the last bytes before the
reader goes quiet (the whole filtered list, drawn as the pass ends). Keys are 150 ms
apart, like fast typing. Prints p50 / p99 / max of both.
"""

import os
import pty
import select
import signal
import statistics
import struct
import sys
import termios
import time
import fcntl


def percentile(samples, fraction):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def drain(fd, quiet):
    """Reads until no output for `quiet` seconds; returns (first, last) byte times."""
    first = last = None
    while True:
        ready, _, _ = select.select([fd], [], [], quiet)
        if not ready:
            return first, last
        try:
            data = os.read(fd, 1 << 16)
        except OSError:
            return first, last
        if not data:
            return first, last
        now = time.perf_counter()
        first = first or now
        last = now


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    binary, config, cache = sys.argv[1:4]
    text = sys.argv[4] if len(sys.argv) > 4 else "ceasefire kyiv"
    rounds = int(sys.argv[5]) if len(sys.argv) > 5 else 3
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.execv(binary, [binary, "--config", config, "--cache", cache])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    os.kill(pid, signal.SIGWINCH)
    # Wait for the window to load: output and CPU both quiet for a while.
    started = time.perf_counter()
    while True:
        before = cpu_ticks(pid)
        drain(fd, 1.0)
        if cpu_ticks(pid) == before:
            break
    print(f"window loaded in {time.perf_counter() - started:.1f} s; RSS", end=" ")
    with open(f"/proc/{pid}/status") as status:
        print(next(line.split()[1] for line in status if line.startswith("VmRSS")), "kB")
    to_frame, to_list = [], []
    for _ in range(rounds):
        for key in "/" + text:
            sent = time.perf_counter()
            os.write(fd, key.encode())
            # The pass's later steps each draw a frame: the last one is the whole list.
            first, last = drain(fd, 0.15)
            if key != "/" and key != " " and first:
                to_frame.append((first - sent) * 1000)
                to_list.append((last - sent) * 1000)
        os.write(fd, b"\x1b")
        drain(fd, 0.5)
        os.write(fd, b"\x1b")
        drain(fd, 1.0)
    os.write(fd, b"q")
    drain(fd, 0.5)
    os.waitpid(pid, 0)
    for name, samples in (("keystroke to frame", to_frame), ("keystroke to whole list", to_list)):
        print(
            f"{name}: {len(samples)} keys, p50 {statistics.median(samples):.1f} ms, "
            f"p99 {percentile(samples, 0.99):.1f} ms, max {max(samples):.1f} ms"
        )


if __name__ == "__main__":
    main()
