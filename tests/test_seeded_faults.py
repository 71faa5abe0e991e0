"""Seeded faults: each of these bugs, injected alone into the running code, must turn the example
type's generated tests red (tests/example_app/conftest.py injects the fault named by
KEDAO_SEEDED_FAULT). The generated suite of the example type runs green without a fault in the
same `make test` (tests/example_app/tests/test_projects.py), so each failure here is the fault's.

Each fault runs, in a subprocess with its own test database, the example type's generated tests
that look at what the fault breaks (`-k`), and prints how many of them failed:
`pytest -s tests/test_seeded_faults.py` shows the table. With KEDAO_SEEDED_FAULTS_FULL=1 every
fault runs the whole generated suite of the type instead (slower; the numbers for an issue note).
"""

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings

from core.testing.meta import subprocess_env

# In `make test`; `-m "not seeded_faults"` leaves it out of a quick local run.
pytestmark = pytest.mark.seeded_faults

EXAMPLE_SUITE = "tests/example_app/tests/test_projects.py"

# fault → (what it breaks, the generated tests to run (-k), a test that must be among the failures)
FAULTS = {
    "no_grants": ("the test roles grant nothing on the type", "scope_list_page or scope_api_list",
                  "test_scope_list_page[seller1]"),
    "subordinates": ("subordinate visibility dropped", "scope or random", "test_scope_list_page[dept_head]"),
    "shares": ("share visibility dropped", "scope or random", "test_scope_list_page[seller3]"),
    "hierarchy": ("hierarchy shares dropped (managers miss what is shared with their people)", "scope or random",
                  "test_scope_list_page[dept_head]"),
    "related": ("related-field restriction dropped (attach to an out-of-scope customer)", "related_fields",
                "test_page_related_fields_are_scoped"),
    "service": ("a service writing outside the actor's scope", "services_refuse",
                "test_services_refuse_writes_outside_the_scope"),
    "n_plus_one": ("a list column with one query per row", "queries", "test_queries_list_page"),
    "export_leak": ("an export over every row", "export", "test_scope_export"),
}


def run_with_fault(fault, select):
    database = f"test_kedao_fault_{fault}_{os.getpid()}"
    env = subprocess_env(KEDAO_SEEDED_FAULT=fault, KEDAO_TEST_DB_NAME=database)
    selection = ["-k", select] if select and not os.environ.get("KEDAO_SEEDED_FAULTS_FULL") else []
    # --nomigrations: the tables straight from the models (a second faster per run); the same
    # suite runs with migrations in the main session.
    result = subprocess.run(
        [sys.executable, "-m", "pytest", EXAMPLE_SUITE, *selection, "-q", "-n", "0", "-p", "no:randomly",
         "--create-db", "--nomigrations", "--tb=no", "-rf", "--no-header"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=600,
    )
    output = result.stdout + result.stderr
    summary = output.strip().splitlines()[-1] if output.strip() else ""
    counts = {kind: int(number) for number, kind in re.findall(r"(\d+) (failed|passed|errors?)", summary)}
    failed = [line.split(" ", 1)[1].split(" - ")[0] for line in output.splitlines() if line.startswith("FAILED ")]
    return counts, failed, output


@pytest.mark.parametrize("fault", list(FAULTS))
def test_the_generated_suite_catches_the_seeded_fault(fault):
    what, select, must_fail = FAULTS[fault]
    counts, failed, output = run_with_fault(fault, select)
    total = counts.get("failed", 0) + counts.get("passed", 0)
    print(f"\nseeded fault {fault} ({what}): {counts.get('failed', 0)} of {total} generated tests failed")
    assert not counts.get("error") and not counts.get("errors"), output[-3000:]
    assert counts.get("failed", 0) >= 1, f"{what}: no generated test failed\n{output[-3000:]}"
    assert any(must_fail in node for node in failed), f"{what}: {must_fail} did not fail; failed: {failed}"
