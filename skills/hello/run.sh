#!/usr/bin/env bash
# The arguments arrive as a JSON object on stdin (and in $SKILL_ARGS). No jq needed for one field.
set -euo pipefail
args=$(cat)
name=$(printf '%s' "$args" | sed -n 's/.*"name"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p')
echo "Hello, ${name:-stranger}! (skill $SKILL_NAME, working in $PWD)"
