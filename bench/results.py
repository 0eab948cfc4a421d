"""The runs a bench script recorded: one line per run, `NAME WALL_SECONDS PEAK_KB`
(each script appends them), read by its summary."""


def load(path):
    """The runs in `path`, by name, in order: a list of (wall seconds, peak KB)."""
    runs = {}
    with open(path) as lines:
        for line in lines:
            name, wall, kb = line.split()
            runs.setdefault(name, []).append((float(wall), int(kb)))
    return runs
