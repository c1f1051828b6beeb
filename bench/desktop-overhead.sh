#!/usr/bin/env bash
# What the desktop feature (screen.capture, screen.ocr, system.notify, system.clipboard) costs an
# `openpista run -e` that does not use it: the same distribution twice, once with its bundles/desktop
# folder emptied and once as built, timed in alternation so both see the same machine load; wall time
# and CPU time (user + system) are reported. The tools open no display and start no program until
# they are called, so the difference is their two bundles being installed and their four components
# activated.
# Usage: bench/desktop-overhead.sh [RUNS]   (default 10 per variant, plus one warm-up each)
exec "$(dirname "$0")/feature-overhead.sh" desktop "$@"
