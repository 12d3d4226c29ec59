#!/usr/bin/env bash
# Runs Beacon's benchmark harnesses, prints their Markdown reports and writes them into BENCHMARKS.md
# (between the <!-- NAME:begin --> and <!-- NAME:end --> markers), so the page only holds measured numbers; the plots
# go to docs/bench/.
#   ./bench.sh [--quick]               everything below, in this order (about 50 minutes on 2 cores; --quick 12)
#   ./bench.sh all [--quick]           the same
#   ./bench.sh propagation [--quick]   registration, graceful stop and crash reaching clients: Beacon (file, Redis, ZooKeeper, Eureka)
#                                      side by side with Curator's service discovery on ZooKeeper, then Eureka at its own
#                                      defaults; latency CDF plots (about 28 minutes; --quick 6)
#   ./bench.sh lookup [--quick]        one lookup from a warm client: Beacon choose() vs Curator getInstance() (JMH)
#   ./bench.sh redis [--quick]         Redis registry: round trips and latency per read (vs the seed's read pattern),
#                                      renewals/s, memory per instance
#   ./bench.sh scale [--quick]         10,000 and 100,000 instances renewing at the default heartbeat in one Redis,
#                                      and 10,000 on a 3-master Redis Cluster
#   ./bench.sh jmh [--quick]           Load balancers: JMH choose() ns/op and B/op (section "balancers"); the full run
#                                      takes about 8 minutes on 2 cores, --quick about 2
#   ./bench.sh startup [--quick]       Agent startup cost: sample-app without agent, with Beacon, with OpenTelemetry
#                                      (BEACON_BASELINE_AGENT=<an earlier beacon-agent.jar> adds it, same alternation)
#   ./bench.sh lookup-integrations [--quick]  a SIGTERM of one of three instances seen through Spring Cloud (Beacon's
#                                      pushed load balancer vs Spring Cloud LoadBalancer's caching supplier) and a gRPC
#                                      beacon:/// channel; JMH cost per call of each integration (about 3 minutes)
set -euo pipefail
cd "$(dirname "$0")"
what="${1:-all}"
case "$what" in
  --quick) what=all ;;
  *) shift || true ;;
esac
all="propagation lookup redis scale jmh startup lookup-integrations"

main_of() {
  case "$1" in
    propagation) echo "dev.beacon.bench.PropagationBench propagation" ;;
    lookup) echo "dev.beacon.bench.LookupBench lookup" ;;
    redis) echo "dev.beacon.bench.RedisRegistryBench redis" ;;
    scale) echo "dev.beacon.bench.ScaleBench scale" ;;
    jmh) echo "dev.beacon.bench.BalancerBench balancers" ;;
    startup) echo "dev.beacon.bench.StartupBench startup" ;;
    lookup-integrations) echo "dev.beacon.bench.integrations.IntegrationsBench lookup-integrations" ;;
    *) return 1 ;;
  esac
}

if [ "$what" = all ]; then
  names="$all"
elif main_of "$what" >/dev/null; then
  names="$what"
else
  echo "usage: ./bench.sh [all|propagation|lookup|redis|scale|jmh|startup|lookup-integrations] [--quick]" >&2; exit 2
fi
for name in $names; do
  case "$name" in
    propagation|redis|scale)
      command -v redis-server >/dev/null || { echo "bench: redis-server is required on PATH" >&2; exit 1; } ;;
  esac
  [ "$name" = scale ] && { command -v redis-cli >/dev/null || { echo "bench: redis-cli is required on PATH" >&2; exit 1; }; }
done

case " $names " in
  *" startup "*|*" propagation "*)
    rm -rf bench/target/boot-lib # copied afresh: no jar of an earlier Spring Boot version may stay on its class path
    mvn -B -q -DskipTests package -pl sample-app,agent,bench,eureka/eureka-server-app -am ;;
  *) mvn -B -q -DskipTests package -pl bench -am ;;
esac
case " $names " in # the integrations' bench runs from its class path, with the agent and sample-app jars
  *" lookup-integrations "*) mvn -B -q -DskipTests package -pl sample-app,agent,bench-integrations -am ;;
esac

update_section() { # section command report
  BENCH_REPORT="$3" python3 - "$1" "$2" <<'PY' || echo "bench: could not update BENCHMARKS.md (python3 missing?)" >&2
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
}

if [ "$what" = all ]; then
  machine="$(
    echo "| | |"; echo "|---|---|"
    echo "| CPU | $(nproc) × $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo) |"
    echo "| memory | $(awk '/MemTotal/ {printf "%.1f GB", $2 / 1048576}' /proc/meminfo) |"
    echo "| OS | $(uname -sr) |"
    echo "| JDK | $(java -version 2>&1 | sed -n 2p) |"
    echo "| Maven | $(mvn -v 2>/dev/null | sed -n 1p) |"
    echo "| Redis | $(redis-server --version) |"
    echo "| load average at the start | $(cut -d' ' -f1-3 /proc/loadavg) |"
  )"
  update_section machine "./bench.sh $what $*" "$machine"
fi

for name in $names; do
  read -r main section <<<"$(main_of "$name")"
  echo "bench: $name" >&2
  cp=bench/target/beacon-bench.jar
  [ "$name" = lookup-integrations ] && cp="bench-integrations/target/classes:$(cat bench-integrations/target/classpath.txt)"
  report="$(java -Djava.awt.headless=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    ${BEACON_BASELINE_AGENT:+-Dbeacon.baseline.agent=$BEACON_BASELINE_AGENT} \
    -cp "$cp" "$main" "$@")"
  printf '%s\n' "$report"
  update_section "$section" "./bench.sh $name $*" "$report"
done
