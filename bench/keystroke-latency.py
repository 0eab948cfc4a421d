#!/usr/bin/env python3
"""Keystroke to frame in the real reader, end to end, through a pseudo-terminal.

  keystroke-latency.py BINARY CONFIG CACHE [TEXT] [ROUNDS] [GAP_MS]

Starts `BINARY --config CONFIG --cache CACHE` in a 120x40 pty, waits until the whole
window has loaded (the CPU goes quiet), then types `/` and TEXT (default
"ceasefire kyiv") one key at a time, ROUNDS times each way (Esc clears the filter
between rounds):

- settled: each key once the last one's filter pass has ended (output quiet for
  200 ms). Measures key to the frame that answers it, and key to the last frame of its
  pass (the whole filtered list).
- typing: keys every GAP_MS (default 50), whatever is running, so keys land in the
  middle of the last key's pass and wait for the step in progress. Measures key to the
  frame that answers it.

The frame that answers a key is the first output holding the typed character followed
by the filter's cursor `▏` (ratatui writes only the cells that changed, and a pass's
later steps never rewrite the query). Prints p50 / p99 / max.
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
    gap = (int(sys.argv[6]) if len(sys.argv) > 6 else 50) / 1000
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
    settled, to_list, typing = [], [], []
    for mode in ("settled", "typing"):
        for _ in range(rounds):
            for key in "/" + text:
                sent = time.perf_counter()
                os.write(fd, key.encode())
                answer = (key + "\u258f").encode()
                if key in "/ ":
                    # `/` opens the filter; a space is not told apart from the
                    # cells around it. Neither is measured.
                    drain(fd, 0.2 if mode == "settled" or key == "/" else gap)
                    continue
                seen, first = b"", None
                deadline = sent + (gap if mode == "typing" else 5.0)
                while True:
                    timeout = deadline - time.perf_counter()
                    if first is not None and mode == "typing":
                        # Keep reading until the next key is due.
                        if timeout <= 0:
                            break
                    elif first is not None:
                        break
                    ready, _, _ = select.select([fd], [], [], max(timeout, 0))
                    if not ready:
                        break
                    seen += os.read(fd, 1 << 16)
                    if first is None and answer in seen:
                        first = time.perf_counter()
                if first is None:
                    print(f"no frame answered {key!r}", file=sys.stderr)
                    continue
                if mode == "typing":
                    typing.append((first - sent) * 1000)
                else:
                    settled.append((first - sent) * 1000)
                    _, last = drain(fd, 0.2)
                    to_list.append(((last or first) - sent) * 1000)
            os.write(fd, b"\x1b")
            drain(fd, 0.5)
            os.write(fd, b"\x1b")
            drain(fd, 1.0)
    os.write(fd, b"q")
    drain(fd, 0.5)
    os.waitpid(pid, 0)
    for name, samples in (
        ("settled: keystroke to frame", settled),
        ("settled: keystroke to whole list", to_list),
        (f"typing every {gap * 1000:.0f} ms: keystroke to frame", typing),
    ):
        print(
            f"{name}: {len(samples)} keys, p50 {statistics.median(samples):.1f} ms, "
            f"p99 {percentile(samples, 0.99):.1f} ms, max {max(samples):.1f} ms"
        )


if __name__ == "__main__":
    main()
