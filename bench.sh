#!/usr/bin/env bash
# Runs Beacon's benchmark harnesses, prints their Markdown reports and writes them into BENCHMARKS.md
# (between the <!-- NAME:begin --> and <!-- NAME:end --> markers), so the page only holds measured numbers.
#   ./bench.sh redis [--quick]     Redis registry: round trips and latency per read, renewals/s, memory per instance
#   ./bench.sh jmh [--quick]       Load balancers: JMH choose() ns/op and B/op (section "balancers"); the full run
#                                  takes about 8 minutes on 2 cores, --quick about 2
#   ./bench.sh startup [--quick]   Agent startup cost: sample-app without agent, with Beacon, with OpenTelemetry
set -euo pipefail
cd "$(dirname "$0")"
what="${1:-redis}"; shift || true
case "$what" in
  redis)
    command -v redis-server >/dev/null || { echo "bench: redis-server is required on PATH" >&2; exit 1; }
    main=dev.beacon.bench.RedisRegistryBench; section=redis ;;
  jmh) main=dev.beacon.bench.BalancerBench; section=balancers ;;
  startup) main=dev.beacon.bench.StartupBench; section=startup ;;
  *) echo "usage: ./bench.sh redis|jmh|startup [--quick]" >&2; exit 2 ;;
esac
if [ "$what" = startup ]; then
  mvn -B -q -DskipTests package -pl sample-app,agent,bench -am
else
  mvn -B -q -DskipTests package -pl bench -am
fi
report="$(java -cp bench/target/beacon-bench.jar "$main" "$@")"
printf '%s\n' "$report"
command_line="./bench.sh $what $*"
BENCH_REPORT="$report" python3 - "$section" "$command_line" <<'PY' || echo "bench: could not update BENCHMARKS.md (python3 missing?)" >&2
import os, sys, datetime
name, command = sys.argv[1], sys.argv[2].strip()
report = os.environ["BENCH_REPORT"]
begin, end = "<!-- %s:begin -->" % name, "<!-- %s:end -->" % name
block = "%s\n_Measured %s with `%s`._\n\n%s\n%s" % (begin, datetime.date.today(), command, report.strip(), end)
page = open("BENCHMARKS.md").read()
if begin in page:
    page = page[:page.index(begin)] + block + page[page.index(end) + len(end):]
else:
    page = page.rstrip() + "\n\n" + block + "\n"
open("BENCHMARKS.md", "w").write(page)
PY
