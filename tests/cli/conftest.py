import io

import pytest
from django.core.management import call_command


class Result:
    def __init__(self, out: str, err: str):
        self.out = out
        self.err = err


@pytest.fixture
def run():
    """Run a hoshin verb in-process; returns its stdout and stderr."""

    def run(*args, **options) -> Result:
        out, err = io.StringIO(), io.StringIO()
        call_command(*args, stdout=out, stderr=err, **options)
        return Result(out.getvalue(), err.getvalue())

    return run
