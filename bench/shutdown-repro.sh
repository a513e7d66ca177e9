#!/usr/bin/env bash
# The shutdown repro of issue 7, N times (default 20): a separate `nonstdport broker` process,
# 2,100 records produced into in1 with kcat, `nonstdport run` against it, SIGTERM after 15 s,
# and the time from the signal to the exit. Prints one line per run and a summary; exits non-zero
# if any run overran the shutdown timeout or exited with a code other than 0.
#
#   bench/shutdown-repro.sh [N] [WAIT_SECONDS]
#
# Needs kcat and a Release build (dotnet build src/NonStdPort -c Release).
set -euo pipefail
runs=${1:-20}
wait_s=${2:-15}
timeout_s=30   # run's default --shutdown-timeout
here=$(cd "$(dirname "$0")/.." && pwd)
dll=$(ls "$here"/src/NonStdPort/bin/Release/net*/nonstdport.dll | head -1)
work=$(mktemp -d)
broker_pid=
run_pid=
cleanup() {
  [[ -n $run_pid ]] && kill -KILL "$run_pid" 2>/dev/null || true
  [[ -n $broker_pid ]] && kill -TERM "$broker_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

dotnet "$dll" broker --topic in1:4 --topic a1:4 > "$work/broker.out" 2> "$work/broker.err" &
broker_pid=$!
for _ in $(seq 100); do grep -q bootstrap "$work/broker.out" 2>/dev/null && break; sleep 0.1; done
bs=$(head -1 "$work/broker.out" | sed 's/.*=//')
record=$(grep -i powershell "$here/samples/sysmon-flat.ndjson" | grep 4444 | grep 185.220.101.45 | head -1)
for _ in $(seq 2100); do printf '%s\n' "$record"; done | kcat -P -b "$bs" -t in1 2>/dev/null

worst=0 bad=0
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq "$runs"); do
  dotnet "$dll" run --bootstrap-servers "$bs" --input-topic in1 --output-topic a1 --group-id g1 \
    > /dev/null 2> "$work/run$i.err" &
  run_pid=$!
  sleep "$wait_s"
  start=$(date +%s.%N)
  kill -TERM "$run_pid"
  code=0
  wait "$run_pid" || code=$?
  run_pid=
  took=$(echo "$(date +%s.%N) - $start" | bc)
  printf 'run %2d: exit %d after %.2f s\n' "$i" "$code" "$took"
  if (( $(echo "$took > $timeout_s" | bc) )) || (( code != 0 )); then
    bad=$((bad + 1))
    grep -v '^kafka debug' "$work/run$i.err" | tail -5 | sed 's/^/    /'
  fi
  worst=$(echo "if ($took > $worst) $took else $worst" | bc)
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%d runs, slowest exit %.2f s (timeout %d s), %d not clean\n' "$runs" "$worst" "$timeout_s" "$bad"
(( bad == 0 ))
