"""Pure computation: no Django imports anywhere under this package.

Every function takes plain values (numbers, Decimals, dataclasses, NumPy arrays)
and returns plain values, so pages, the API, the CLI, bulletins and benchmarks
share one tested implementation.
"""
