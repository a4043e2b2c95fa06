"""One way for the tests to run the ANS validator of the CR d'imagerie (../shared/tools/validate-cda:
XSD and CI-SIS schematrons under Saxon, ~10 s a run whatever the number of files, so a test gives it
all its documents at once).

The tool answers 0 (every file valid), 1 (errors found) or anything else when it could not run
(missing lxml or saxonche, bad arguments): that last case fails with its stderr, never passes as
"no errors". Each file must have its own answer, so a document the tool skipped is caught too.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path


def validate_cda(shared_dir: Path, files: Iterable[Path]) -> dict[str, list[dict]]:
    """The validator's errors for each file, keyed by the file's stem (empty list: valid)."""
    paths = [Path(f) for f in files]
    assert paths, "no CDA to validate"
    assert len({p.stem for p in paths}) == len(paths), "two documents share a file stem"
    run = subprocess.run(
        [sys.executable, str(shared_dir / "tools" / "validate-cda"), "--json", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode in (0, 1), f"validate-cda did not run ({run.returncode}): {run.stderr[-3000:]}"
    results = {Path(r["file"]).stem: r["errors"] for r in json.loads(run.stdout)}
    assert set(results) == {p.stem for p in paths}, run.stdout[-3000:]
    return results


def assert_valid_cda(shared_dir: Path, *files: Path) -> None:
    """Every file passes the XSD and the CI-SIS schematrons (the errors are shown when not)."""
    results = validate_cda(shared_dir, files)
    assert {stem: errors for stem, errors in results.items() if errors} == {}
