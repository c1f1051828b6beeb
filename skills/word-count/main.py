"""word-count skill: the arguments arrive as JSON on stdin; the result goes to stdout."""
import json
import os
import sys

args = json.load(sys.stdin)
workspace = os.path.realpath(os.environ["WORKSPACE"])
target = os.path.realpath(os.path.join(workspace, args["path"]))
if os.path.commonpath([workspace, target]) != workspace:
    print(f"{args['path']} is outside the workspace", file=sys.stderr)
    sys.exit(2)
try:
    with open(target, encoding="utf-8", errors="replace") as f:
        text = f.read()
except OSError as e:
    print(f"cannot read {args['path']}: {e.strerror}", file=sys.stderr)
    sys.exit(1)
print(json.dumps({"path": args["path"], "lines": text.count("\n"), "words": len(text.split()), "characters": len(text)}))
