#!/usr/bin/env bash
# Beacon demo: builds the project, starts sample apps under the Beacon agent with a private file registry, and shows
# registration, deregistration on SIGTERM, expiry after SIGKILL, and a lookup through the core library.
#
# Needs JDK 17+ and Maven; uses curl when present (else bash's /dev/tcp). Runs with the bash 3.2 of macOS too.
# Usage: ./demo.sh
set -euo pipefail

cd "$(dirname "$0")"

TTL=3                                   # seconds; the agent's lease for every app
AGENT_JAR=agent/target/beacon-agent.jar
APP_JAR=sample-app/target/sample-app.jar
if [[ -n ${JAVA_HOME:-} && -x ${JAVA_HOME:-}/bin/java ]]; then JAVA=$JAVA_HOME/bin/java; else JAVA=java; fi

# The apps, by index in start order. Plain arrays and a count: bash 3.2 has no associative arrays, and with
# 'set -u' it calls an empty array unbound.
COUNT=0
NAMES=()
PIDS=()                                 # emptied once the app is stopped
PORTS=()
WORK=""
REG=""
STEP=0

step() { STEP=$((STEP + 1)); printf '\n== %d. %s\n' "$STEP" "$*"; }
heading() { printf '\n== %s\n' "$*"; }
info() { printf '   %s\n' "$*"; }
indent() { awk '{ print "   " $0 }'; }  # also ends an unterminated last line
die() { printf '\ndemo.sh: %s\n' "$*" >&2; exit 1; }

# Stops every app still running (SIGTERM, then SIGKILL after 5 s) whatever way the script ends.
cleanup() {
  local rc=$? i t pid running
  set +e
  trap - EXIT INT TERM
  exec 1>&8 2>&9   # a signal may land while a command's output goes to a file
  running=""
  for ((i = 0; i < COUNT; i++)); do
    pid=${PIDS[i]}
    if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
      running="$running ${NAMES[i]}"
      kill -TERM "$pid" 2>/dev/null
    fi
  done
  if [[ -n $running ]]; then
    heading "Cleaning up: stopping$running"
    for ((t = 0; t < 50; t++)); do
      pid=""
      for ((i = 0; i < COUNT; i++)); do
        if [[ -n ${PIDS[i]} ]] && kill -0 "${PIDS[i]}" 2>/dev/null; then pid=${PIDS[i]}; fi
      done
      [[ -z $pid ]] && break
      sleep 0.1
    done
    for ((i = 0; i < COUNT; i++)); do
      pid=${PIDS[i]}
      if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
        info "${NAMES[i]} did not stop within 5 s; killing it"
        kill -KILL "$pid" 2>/dev/null
      fi
    done
  fi
  if [[ -n $WORK ]]; then
    if ((rc == 130 || rc == 143)); then
      printf '\ndemo.sh: interrupted; the apps'"'"' logs are in %s\n' "$WORK" >&2
    elif ((rc != 0)); then
      printf '\ndemo.sh: failed (exit %d); the apps'"'"' logs are in %s\n' "$rc" "$WORK" >&2
    else
      info "The apps' logs stay in $WORK (remove with: rm -rf $WORK)"
    fi
  fi
  exit "$rc"
}
exec 8>&1 9>&2   # the script's own stdout and stderr, for cleanup
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start_app NAME SERVICE: starts a sample app under the agent in the background, its output in $WORK/NAME.log.
start_app() {
  "$JAVA" "-javaagent:$AGENT_JAR=service=$2,host=127.0.0.1,registry=$REG,ttl=${TTL}s,meta.version=1.4" \
    -jar "$APP_JAR" --name "$1" --registry "$REG" >"$WORK/$1.log" 2>&1 8>&- 9>&- &
  NAMES[COUNT]=$1
  PIDS[COUNT]=$!
  disown "$!"   # no "Killed" notice from bash in step 4; exits are watched with 'kill -0'
  PORTS[COUNT]=""
  COUNT=$((COUNT + 1))
}

# await_listening INDEX: waits for the app's "listening on <port>" line and records the port.
await_listening() {
  local i=$1 log="$WORK/${NAMES[$1]}.log" port t
  for ((t = 0; t < 600; t++)); do
    port=$(sed -n 's/^listening on \([0-9][0-9]*\)$/\1/p' "$log" | head -n 1)
    if [[ -n $port ]]; then
      PORTS[i]=$port
      return 0
    fi
    if ! kill -0 "${PIDS[i]}" 2>/dev/null; then
      indent <"$log" >&2
      die "${NAMES[i]} exited before it listened; its log ($log) is above"
    fi
    sleep 0.1
  done
  die "${NAMES[i]} printed no 'listening on' line within 60 s; see $log"
}

# stop_app INDEX SIGNAL: sends the signal and waits (up to 20 s) for the app to exit.
stop_app() {
  local i=$1 pid=${PIDS[$1]} t
  kill "-$2" "$pid"
  for ((t = 0; t < 200; t++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && die "${NAMES[i]} did not exit within 20 s of SIG$2"
  PIDS[i]=""
}

agent_list() { "$JAVA" -jar "$AGENT_JAR" list --registry "$REG" "$@"; }

# try_read_registry: runs 'list' and 'list --json' side by side into $WORK/list.txt and $WORK/list.json, so that
# what is shown and what is checked are read at the same moment (one JVM start apart, a 3 s lease may run out).
try_read_registry() {
  local json_pid failed=0
  agent_list --json >"$WORK/list.json" 2>"$WORK/list-json.err" &
  json_pid=$!
  agent_list >"$WORK/list.txt" 2>"$WORK/list.err" || failed=1
  wait "$json_pid" || failed=1
  return "$failed"
}

read_registry() {
  try_read_registry || die "'list' failed: $(cat "$WORK/list.err" "$WORK/list-json.err")"
}

# show_list: prints the table of the last read_registry.
show_list() {
  info "\$ java -jar $AGENT_JAR list --registry $REG"
  indent <"$WORK/list.txt"
}

# is_listed INDEX: does the last read_registry list an instance with the app's port?
is_listed() { grep -Eq "\"port\"[[:space:]]*:[[:space:]]*${PORTS[$1]}([^0-9]|\$)" "$WORK/list.json"; }

# all_listed: reads the registry; are all apps listed? (A failed read counts as no: the list may not exist yet.)
all_listed() {
  local i
  try_read_registry || return 1
  for ((i = 0; i < COUNT; i++)); do
    is_listed "$i" || return 1
  done
}

# wait_until SECONDS COMMAND...: runs COMMAND until it succeeds or the time is up.
wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

# http_get PORT PATH: prints the body of GET http://127.0.0.1:PORT/PATH, whatever the status.
http_get() {
  if command -v curl >/dev/null 2>&1; then
    curl -sS --max-time 10 "http://127.0.0.1:$1$2"
  else
    local response
    exec 3<>"/dev/tcp/127.0.0.1/$1"
    printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n' "$2" "$1" >&3
    response=$(cat <&3)
    exec 3<&-
    printf '%s' "${response#*$'\r\n\r\n'}"
  fi
}

# show_get INDEX PATH: shows the request and the answer.
show_get() {
  info "\$ curl http://127.0.0.1:${PORTS[$1]}$2        (on ${NAMES[$1]})"
  http_get "${PORTS[$1]}" "$2" | indent
}

# --- checks and build -------------------------------------------------------------------------------------------

command -v "$JAVA" >/dev/null 2>&1 || die "java not found: install JDK 17 or later, or set JAVA_HOME"
command -v mvn >/dev/null 2>&1 || die "mvn not found: install Maven 3.8 or later"
java_version=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
java_major=${java_version%%.*}
if ! [[ $java_major =~ ^[0-9]+$ ]] || ((java_major < 17)); then
  die "JDK 17 or later is needed, but $JAVA is version '$java_version'"
fi

heading "Building Beacon: mvn -B -q -DskipTests package"
mvn -B -q -DskipTests package
for jar in "$AGENT_JAR" "$APP_JAR"; do
  [[ -f $jar ]] || die "the build did not produce $jar"
done

tmp=${TMPDIR:-/tmp}
WORK=$(mktemp -d "${tmp%/}/beacon-demo.XXXXXX")
chmod 700 "$WORK"
mkdir -m 700 "$WORK/registry"
REG="file:$WORK/registry"

# --- the demo ---------------------------------------------------------------------------------------------------

step "Starting 3 orders apps and 1 payments app under the Beacon agent (ttl=${TTL}s, meta.version=1.4)"
info "registry: $REG"
start_app orders-1 orders
start_app orders-2 orders
start_app orders-3 orders
start_app payments-1 payments
for ((i = 0; i < COUNT; i++)); do
  await_listening "$i"
  info "$(printf '%-10s  pid %-7s  port %-5s  log %s' "${NAMES[i]}" "${PIDS[i]}" "${PORTS[i]}" "$WORK/${NAMES[i]}.log")"
done
info "The apps know nothing of Beacon: the agent registered each one when it started listening."

step "Listing the registry"
if ! wait_until 5 all_listed; then
  read_registry
  show_list
  die "not all $COUNT apps were listed within 5 s of listening; see the logs in $WORK"
fi
show_list

step "Stopping ${NAMES[1]} (port ${PORTS[1]}) with SIGTERM"
stop_app 1 TERM
info "Its log ends with:"
tail -n 3 "$WORK/${NAMES[1]}.log" | indent
read_registry
if is_listed 1; then
  show_list
  die "${NAMES[1]} is still listed after it stopped: the agent should deregister it at shutdown"
fi
show_list
info "${NAMES[1]} is gone at once: the agent deregistered it before the JVM exited."

step "Killing ${NAMES[2]} (port ${PORTS[2]}) with SIGKILL: nothing runs at exit, so only its lease can end it"
stop_app 2 KILL
read_registry
show_list
if is_listed 2; then
  info "${NAMES[2]} is still listed: its ${TTL} s lease is not over yet."
else
  info "(${NAMES[2]}'s lease already ran out while the list command started: the machine is busy.)"
fi
info "Waiting $((TTL + 1)) s (TTL + 1 s) ..."
sleep $((TTL + 1))
read_registry
if is_listed 2; then
  show_list
  die "${NAMES[2]} is still listed $((TTL + 1)) s after it was killed: its lease should have expired"
fi
show_list
info "${NAMES[2]} is gone: its lease expired."

step "Lookup through the core library: ${NAMES[0]} finds payments in the registry and calls it"
show_get 0 /lookup/payments
show_get 0 /call/payments
answer=$(http_get "${PORTS[0]}" /call/payments)
[[ $answer == "${NAMES[3]} on port ${PORTS[3]} (via "* ]] ||
  die "expected ${NAMES[0]} to reach ${NAMES[3]} through /call/payments, but it answered: $answer"
info "With no instance registered, the call fails with 503 and says why:"
show_get 0 /call/inventory

heading "Done"
