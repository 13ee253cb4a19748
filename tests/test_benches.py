"""The benchmarks still load: they run by hand, not in the suite, so a module they import that
moved would otherwise be found only when someone wants a figure."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCHES = sorted((Path(__file__).resolve().parent.parent / "bench").glob("bench_*.py"))


def test_there_are_benchmarks():
    assert len(BENCHES) >= 5


@pytest.mark.parametrize("path", BENCHES, ids=lambda path: path.stem)
def test_a_benchmark_loads(path: Path):
    spec = importlib.util.spec_from_file_location(f"bench_loaded_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # defines its functions; runs nothing (guarded by __main__)
    assert callable(module.main)
