#!/usr/bin/env python3
"""The reference view of feeds, for tests/feedparser_agreement.rs.

For each file named on the command line, prints one JSON line with what Python's
feedparser (https://pypi.org/project/feedparser/) makes of it:

    {"file": "name.xml", "bozo": false, "bozo_exception": null, "count": 2,
     "entries": [{"title": "...", "published": "2024-01-02T03:04:05Z",
                  "updated": null, "link": "https://..."}]}

`published` / `updated` come from feedparser's `published_parsed` / `updated_parsed`
(UTC struct_time) as RFC 3339 UTC, or null. `updated` is read without feedparser's
deprecated fallback from `updated_parsed` to `published_parsed` (issue 310), so it is
null when the feed gives no edit time. Titles are printed as feedparser gives them;
the Rust side normalises both sides the same way before comparing.

The file is read as bytes and handed to feedparser without HTTP headers, so nothing
is fetched and encoding detection works from the content alone (as `liveblog dump
FILE` does).

Needs feedparser and chardet (`pip install feedparser==6.0.14 chardet==7.7.0`, the
versions the test's table was made with).

Exit status: 0 on success, 3 when feedparser or chardet is not importable (the test tells that
apart from a crash), 1 on anything else.
"""

import calendar
import json
import os
import sys
import time
import warnings

try:
    import feedparser

    # Without chardet, feedparser guesses undeclared encodings as windows-1252 (its
    # own test suite skips those cases then); the expectations assume it is there.
    import chardet
except ImportError as err:  # pragma: no cover - depends on the environment
    print(f"feedparser or chardet is not importable: {err}", file=sys.stderr)
    sys.exit(3)


def rfc3339(parsed):
    """A UTC struct_time as RFC 3339, or None."""
    if parsed is None:
        return None
    try:
        seconds = calendar.timegm(parsed)
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))
    except (TypeError, ValueError, OverflowError):
        return None


def view(path):
    with open(path, "rb") as f:
        data = f.read()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        d = feedparser.parse(data)
    entries = []
    for e in d.entries:
        # dict.get: no deprecated aliasing between updated and published.
        entries.append(
            {
                "title": dict.get(e, "title"),
                "published": rfc3339(dict.get(e, "published_parsed")),
                "updated": rfc3339(dict.get(e, "updated_parsed")),
                "link": dict.get(e, "link"),
            }
        )
    exc = d.get("bozo_exception")
    return {
        "file": os.path.basename(path),
        "bozo": bool(d.get("bozo", False)),
        "bozo_exception": None if exc is None else f"{type(exc).__name__}: {exc}",
        "encoding": d.get("encoding"),
        "count": len(entries),
        "entries": entries,
    }


def main(argv):
    if len(argv) > 1 and argv[1] == "--version":
        print(f"feedparser {feedparser.__version__}, chardet {chardet.__version__}")
        return 0
    for path in argv[1:]:
        print(json.dumps(view(path), ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
