#!/usr/bin/env bash
# Runs the reliability suite's fault scenarios (module reliability/) and writes their figures into RELIABILITY.md
# (between the <!-- faults:begin --> and <!-- faults:end --> markers), so the page only holds measured numbers.
#   ./reliability.sh           the long version: 20 sample-app JVMs with the agent, 3 client JVMs, Redis down 30 s,
#                              Redis slow 15 s (about 4 minutes on 2 cores)
#   ./reliability.sh --quick   the CI version that `mvn verify` runs: 6 apps, 2 clients, Redis down 5 s, slow 6 s
# Needs a JDK 17+, Maven, and redis-server/redis-cli 7+ on the PATH (the tests start their own on free ports).
set -euo pipefail
cd "$(dirname "$0")"
long=true
case "${1:-}" in
  "") ;;
  --quick) long=false ;;
  *) echo "usage: ./reliability.sh [--quick]" >&2; exit 2 ;;
esac
command -v redis-server >/dev/null || { echo "reliability: redis-server is required on PATH" >&2; exit 1; }
rm -rf reliability/target/reliability
# Builds core, the sample app and the agent jar in the same reactor, running none of their tests.
mvn -B verify -pl core,sample-app,agent,reliability \
  -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test='RedisFaultsIT,SentinelFailoverIT,ChurnIT' -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dbeacon.redis.required=true -Dbeacon.reliability.long="$long"
command_line="./reliability.sh $*"
python3 - "$command_line" <<'PY' || { echo "reliability: could not update RELIABILITY.md (python3 missing?)" >&2; exit 1; }
import datetime, os, sys
command = sys.argv[1].strip()
figures = "reliability/target/reliability"
order = ["redis-outage", "sentinel-failover", "sigstop", "slow-redis", "churn-file", "churn-redis"]
sections = []
for name in order:
    path = os.path.join(figures, name + ".md")
    if not os.path.exists(path):
        sys.exit("missing %s: did every scenario run?" % path)
    sections.append(open(path).read().strip())
begin, end = "<!-- faults:begin -->", "<!-- faults:end -->"
block = "%s\n_Measured %s with `%s` on this 2-core machine._\n\n%s\n%s" % (
    begin, datetime.date.today(), command, "\n\n".join(sections), end)
page = open("RELIABILITY.md").read()
if begin in page:
    page = page[:page.index(begin)] + block + page[page.index(end) + len(end):]
else:
    page = page.rstrip() + "\n\n" + block + "\n"
open("RELIABILITY.md", "w").write(page)
print("reliability: figures written to RELIABILITY.md")
PY
