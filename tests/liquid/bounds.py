"""How long a hostile input may take before a test calls it unbounded.

Speed is measured by ``make bench``; the tests only check that hostile input ends. The
bound is far above any honest run on a loaded machine and far below what a quadratic
parse of megabytes or a backtracking regular expression would take.
"""

HOSTILE_BOUND_S = 10.0
