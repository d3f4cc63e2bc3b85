#!/usr/bin/env bash
# The guest's NIC through a failover, many times (make test-long,
# docs/fault-tolerance.md "The guest's NIC in a pair"):
# test/system/ft_nic.sh's trial TRIALS times (default 20; make test runs
# five): each a pair started from the Linux guest's snapshot, a client's
# one TCP connection to its echo service streaming while the primary is
# SIGKILLed at a random moment of the stream; every trial's connection
# must survive with every byte echoed identical.
set -euo pipefail
FT_NIC_TRIALS=${TRIALS:-20} exec "$(dirname "$0")/../system/ft_nic.sh"
