#!/usr/bin/env bash
# Runs Beacon's benchmark harnesses and prints their Markdown reports.
#   ./bench.sh redis [--quick]     Redis registry: round trips and latency per read, renewals/s, memory per instance
set -euo pipefail
cd "$(dirname "$0")"
what="${1:-redis}"; shift || true
command -v redis-server >/dev/null || { echo "bench: redis-server is required on PATH" >&2; exit 1; }
mvn -B -q -DskipTests package -pl bench -am
case "$what" in
  redis) exec java -cp bench/target/beacon-bench.jar dev.beacon.bench.RedisRegistryBench "$@" ;;
  *) echo "usage: ./bench.sh redis [--quick]" >&2; exit 2 ;;
esac
