#!/usr/bin/env bash
# Runs Beacon's benchmark harnesses, prints their Markdown reports and writes them into BENCHMARKS.md
# (between the <!-- NAME:begin --> and <!-- NAME:end --> markers), so the page only holds measured numbers.
#   ./bench.sh redis [--quick]     Redis registry: round trips and latency per read, renewals/s, memory per instance
set -euo pipefail
cd "$(dirname "$0")"
what="${1:-redis}"; shift || true
command -v redis-server >/dev/null || { echo "bench: redis-server is required on PATH" >&2; exit 1; }
mvn -B -q -DskipTests package -pl bench -am
case "$what" in
  redis) main=dev.beacon.bench.RedisRegistryBench ;;
  *) echo "usage: ./bench.sh redis [--quick]" >&2; exit 2 ;;
esac
report="$(java -cp bench/target/beacon-bench.jar "$main" "$@")"
printf '%s\n' "$report"
command_line="./bench.sh $what $*"
python3 - "$what" "$command_line" <<PY || echo "bench: could not update BENCHMARKS.md (python3 missing?)" >&2
import sys, datetime
name, command = sys.argv[1], sys.argv[2].strip()
report = sys.stdin.read() if False else """$report"""
begin, end = "<!-- %s:begin -->" % name, "<!-- %s:end -->" % name
block = "%s\n_Measured %s with \`%s\`._\n\n%s\n%s" % (begin, datetime.date.today(), command, report.strip(), end)
page = open("BENCHMARKS.md").read()
if begin in page:
    page = page[:page.index(begin)] + block + page[page.index(end) + len(end):]
else:
    page = page.rstrip() + "\n\n" + block + "\n"
open("BENCHMARKS.md", "w").write(page)
PY
