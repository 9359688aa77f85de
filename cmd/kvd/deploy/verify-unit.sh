#!/usr/bin/env bash
# Checks kvd.service with systemd-analyze: verify (syntax, directives, the binary it runs) and the
# offline security exposure score. The unit runs /usr/local/bin/kvd; the check points a copy at a
# freshly built kvd instead. CI runs it (.ci/run).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -C "$here/../../.." -o "$tmp/kvd" ./cmd/kvd
sed "s#/usr/local/bin/kvd#$tmp/kvd#" "$here/kvd.service" >"$tmp/kvd.service"
out=$(systemd-analyze verify "$tmp/kvd.service" 2>&1) || { echo "$out" >&2; exit 1; }
if [ -n "$out" ]; then
	echo "systemd-analyze verify complained:" >&2
	echo "$out" >&2
	exit 1
fi
score=$(systemd-analyze security --offline=yes "$tmp/kvd.service" 2>/dev/null | grep -o 'Overall exposure level for kvd.service: [0-9.]* [A-Z]*' || true)
echo "kvd.service verified (${score:-exposure score not available})"
