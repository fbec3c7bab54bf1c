"""Hypothesis profiles: `dev` (default, quick) and `ci` (2,000 examples per rule, reproducible).

Select one with HYPOTHESIS_PROFILE=ci (the Makefile's `make test` does).
"""

import os

from hypothesis import HealthCheck, settings

_SLOW_IS_FINE = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example,
                 HealthCheck.filter_too_much]

settings.register_profile(
    "ci", max_examples=2000, deadline=None, derandomize=True, database=None,
    suppress_health_check=_SLOW_IS_FINE, print_blob=True,
)
settings.register_profile(
    "dev", max_examples=200, deadline=None, suppress_health_check=_SLOW_IS_FINE, print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
