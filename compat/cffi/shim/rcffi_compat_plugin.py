"""pytest plugin of the compatibility run: records each test's outcome.

Loaded in the controller and the xdist workers; only the controller (which also
sees the reports of crashed workers) writes ``RCFFI_COMPAT_RESULTS``, one JSON
object per test phase.
"""

import json
import os

_config = None

def pytest_configure(config):
    global _config
    _config = config


def _message(report):
    text = report.longreprtext or ""
    errors = [line[2:].strip() for line in text.splitlines() if line.startswith("E ")]
    if errors:
        return errors[0]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _record(report):
    if _config is None or hasattr(_config, "workerinput"):
        return
    if report.when != "call" and report.outcome == "passed":
        return
    record = {"id": report.nodeid, "when": report.when, "outcome": report.outcome,
              "message": _message(report)[:300]}
    with open(os.environ["RCFFI_COMPAT_RESULTS"], "a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")


def pytest_runtest_logreport(report):
    _record(report)


def pytest_collectreport(report):
    """A file that fails to import counts as one failed test named after it."""
    if report.failed:
        report.when = "collect"
        _record(report)
