"""Shared helpers of the Python interop tests: where the simulated cluster listens.

The runner (tests/interop/run.py) starts a scylla-sim per test and passes its node
addresses in SIM_HOSTS (comma separated, first is the contact point) and its CQL port
in SIM_PORT.
"""

import os
import sys


def sim_hosts():
    hosts = [h for h in os.environ.get("SIM_HOSTS", "").split(",") if h]
    if not hosts:
        sys.exit("SIM_HOSTS is not set: run this through tests/interop/run.py")
    return hosts


def sim_port():
    return int(os.environ.get("SIM_PORT", "9042"))
