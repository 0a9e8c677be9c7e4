#!/usr/bin/env bash
# Schema gate for the event contract: `buf lint` (STANDARD) and `buf breaking` of the current
# protos against the last released copy in released/. The Maven build of this module runs it at
# `verify`, so a change that would break stored events or producers fails the build.
#
# Usage: proto/buf-check.sh [PROTO_DIR]
#   PROTO_DIR  a directory laid out like proto/ (buf.yaml, src/main/proto/, released/);
#              defaults to the directory of this script. BufBreakingCheckTest passes a mutated copy.
# Env:  BUF    the buf binary; defaults to <repo root>/node_modules/.bin/buf (bin/npm-ensure installs it).
# Works from any cwd. Exit 0 when clean, non-zero (with buf's findings) otherwise.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
proto_dir="$(cd "${1:-$script_dir}" && pwd)"

# The repo root is where package.json is, above this script (robust to where we are called from).
root="$script_dir"
while [[ ! -f "$root/package.json" ]]; do
  [[ "$root" == / ]] && { echo "buf-check: no package.json above $script_dir" >&2; exit 2; }
  root="$(dirname "$root")"
done
buf="${BUF:-$root/node_modules/.bin/buf}"
if [[ ! -x "$buf" ]]; then
  echo "buf-check: $buf not found; run bin/npm-ensure (or npm ci) in $root first" >&2
  exit 2
fi

for required in buf.yaml src/main/proto released; do
  [[ -e "$proto_dir/$required" ]] || { echo "buf-check: $proto_dir/$required is missing" >&2; exit 2; }
done

# buf resolves the workspace (buf.yaml) from the directory it runs in; the paths stay relative so
# its findings read like "src/main/proto/tenantlake/v1/change_event.proto:35:3: ...".
cd "$proto_dir"
status=0
if "$buf" lint; then
  echo "buf-check: lint OK"
else
  echo "buf-check: FAILED buf lint (STANDARD rules, see buf.yaml); fix the findings above" >&2
  status=1
fi
if "$buf" breaking src/main/proto --against released; then
  echo "buf-check: breaking OK (against released/)"
else
  echo "buf-check: FAILED buf breaking against released/: the change above would break stored" \
       "events or producers; add a new field (or a new message/package version) instead" >&2
  status=1
fi
exit "$status"
