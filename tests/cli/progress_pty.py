#!/usr/bin/env python3
"""Long work shows a progress line with counts and rate on a terminal, and
erases it when done (issue 6 item 4); raw_and_files.sh checks it stays
silent when stderr is not a terminal.

Usage: progress_pty.py <strata>
"""
import json
import os
import sys
import tempfile

from pty_session import PtySession

strata = sys.argv[1]
failures = []

with tempfile.TemporaryDirectory() as home:
    db = os.path.join(home, "db")
    batch = os.path.join(home, "batch.json")
    with open(batch, "w") as f:
        json.dump([{"key": f"k{i}", "vector": [1.0, float(i % 5)]} for i in range(3000)], f)

    s = PtySession(failures, strata, home, "--db", db, "vector", "create", "v", "2")
    s.expect("OK", "create")
    s.wait("create")

    s = PtySession(failures, strata, home, "--db", db, "vector", "batch-upsert", "v",
                   "--file", batch)
    # "<label>: <done>/<total> (<pct>%), <rate>/s", redrawn in place.
    s.expect(r"vector batch-upsert v: \d+/3000 \(\d+%\), \d+/s", "progress line")
    s.expect(r"\r\x1b\[KOK\r\n", "the line is erased before the result")
    if s.wait("batch-upsert") != 0:
        failures.append("batch-upsert exit code")

    s = PtySession(failures, strata, home, "--db", db, "--raw", "vector", "stats", "v")
    s.expect(r"\r\n3000\r\n", "all vectors written")
    s.wait("stats")

    # Branch export reports spaces, import reports records.
    bundle = os.path.join(home, "b1.bundle")
    s = PtySession(failures, strata, home, "--db", db, "branch", "fork", "b1")
    s.expect("OK", "fork")
    s.wait("fork")
    s = PtySession(failures, strata, home, "--db", db, "branch", "export", "b1", bundle)
    s.expect(r"exporting spaces: \d+/1 \(\d+%\)", "export progress line")
    s.expect(r"Exported branch \"b1\"", "export result")
    s.wait("export")
    other = os.path.join(home, "other")
    s = PtySession(failures, strata, home, "--db", other, "branch", "import", bundle)
    s.expect(r"importing records: \d+/\d+ \(\d+%\)", "import progress line")
    s.expect(r"\r\x1b\[KOK\r\n", "the line is erased before the result")
    s.wait("import")

if failures:
    print("\n".join("FAIL: " + f for f in failures), file=sys.stderr)
    sys.exit(1)
print("all checks passed")
