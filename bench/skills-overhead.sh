#!/usr/bin/env bash
# What loading the skills feature costs `openpista run -e` (bench/feature-overhead.sh skills).
# Usage: bench/skills-overhead.sh [RUNS]   (default 10 per variant, plus one warm-up each)
exec "$(dirname "$0")/feature-overhead.sh" skills "$@"
