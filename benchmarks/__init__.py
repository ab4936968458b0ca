"""Benchmarks: the figures of BENCHMARKS.md, each a module registered in `benchmarks.figures`.

Run them all with `make bench` (`python -m benchmarks`); it rewrites BENCHMARKS.md.
"""
