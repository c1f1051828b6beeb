#!/bin/sh
# Runs in a container: /sandbox holds this skill (skill/), /workspace is the workspace, read-only.
echo "user: $(id -u)"
echo "interfaces: $(tail -n +3 /proc/net/dev 2>/dev/null | cut -d: -f1 | tr -d ' ' | tr '\n' ' ')"
if touch "$WORKSPACE/.write-test" 2>/dev/null; then
    rm -f "$WORKSPACE/.write-test"
    echo "workspace: writable"
else
    echo "workspace: read-only"
fi
