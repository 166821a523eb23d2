#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Print one TAP-like line per KUnit case of a kunit.py JSON result.

usage: kunit_results.py PREFIX JSON

Each leaf case gives "ok PREFIX:suite.case" (PASS), "skip ..." (SKIP) or
"not ok ..." (anything else).  A file that is missing, empty or holds no
case at all gives one "not ok PREFIX:no-results" line: a suite that never
ran must not pass.
"""
import json
import sys

WORDS = {"PASS": "ok", "SKIP": "skip"}


def walk(group, path, out):
    for case in group.get("test_cases", []):
        status = case.get("status")
        name = ".".join(path + [case["name"]])
        out.append("%s %s (%s)" % (WORDS.get(status, "not ok"), name, status))
    for sub in group.get("sub_groups", []):
        walk(sub, path + [sub["name"]], out)


def main():
    prefix, path = sys.argv[1], sys.argv[2]
    out = []
    try:
        with open(path, encoding="utf-8") as f:
            walk(json.load(f), [prefix + ":"], out)
    except (OSError, ValueError) as err:
        print("# %s: %s" % (path, err))
    if not out:
        out.append("not ok %s:no-results" % prefix)
    print("\n".join(line.replace(":.", ":", 1) for line in out))


if __name__ == "__main__":
    main()
