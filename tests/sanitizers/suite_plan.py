#!/usr/bin/env python3
"""How scripts/test's asan step runs the whole suite: reads `ctest --show-only=json-v1` on stdin
and prints one line per piece, tab-separated:

  setup   NUMBERS        the fixture setups the GoogleTest cases need (ranks.make_data: the
                         binaries read the data it makes), run by ctest first
  gtest   DIR  BINARY    a GoogleTest binary whose cases gtest_discover_tests registered one by
                         one; the step runs it whole (two shards) in DIR, the cases' WORKING_DIRECTORY
  ctest   NUMBERS        every other test (MPI runs, scripts, layering), the setups above left
                         out: run again beside the binaries they would rewrite the data they read

NUMBERS is ctest's `-I` form, `0,0,0,N,N,...`: the tests' numbers in the listing (1 = the first),
so that any number of tests is picked without a regular expression of all their names.
One process per binary instead of ctest's one per discovered case: under ASan each process
start (the shadow memory, the binary's static initialisation, LeakSanitizer at exit) costs ~0.1-1 s,
and engine_tests alone has over a thousand cases. Exits 1 when a binary is missing (ctest then
lists a placeholder `NAME_NOT_BUILT`).
"""
import json
import sys


def prop(test, name):
    for p in test.get("properties", []):
        if p["name"] == name:
            return p["value"]
    return None


def numbers(tests):
    return "0,0,0," + ",".join(str(t["number"]) for t in tests)


def main():
    tests = json.load(sys.stdin)["tests"]
    for i, t in enumerate(tests):
        t["number"] = i + 1
    missing = [t["name"] for t in tests if t["name"].endswith("_NOT_BUILT")]
    if missing:
        print("suite_plan: not built: " + ", ".join(missing), file=sys.stderr)
        return 1
    binaries = {}  # binary -> working directory, in the order ctest lists them
    needed = set()
    others = []
    for t in tests:
        command = t.get("command", [])
        if any(a.startswith("--gtest_filter=") for a in command[1:]):
            binaries.setdefault(command[0], prop(t, "WORKING_DIRECTORY") or ".")
            needed.update(prop(t, "FIXTURES_REQUIRED") or [])
        else:
            others.append(t)
    setups = [t for t in others if set(prop(t, "FIXTURES_SETUP") or []) & needed]
    if setups:
        print("setup\t" + numbers(setups))
    for binary, directory in binaries.items():
        print("gtest\t" + directory + "\t" + binary)
    rest = [t for t in others if t not in setups]  # run once, first, and not again beside them
    if rest:
        print("ctest\t" + numbers(rest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
