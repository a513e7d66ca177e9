#!/usr/bin/env bash
# End-to-end throughput of `nonstdport score` on generated records of each envelope, at 1 % and
# 35 % alerts, beside `cat` of the same file (the ceiling: what reading the bytes costs).
# For each run it prints wall time, records/s (by wall time), process CPU (user + sys, start-up
# included), CPU per record and peak RSS, as measured by /usr/bin/time for the whole process.
#
#   bench/end-to-end.sh                      # 1,000,000 records per file, every envelope, 1 % and 35 %
#   COUNT=200000 ENVELOPES="flat xml" bench/end-to-end.sh
#   THREADS="2 1" bench/end-to-end.sh        # each file scored with --threads 2 and with --threads 1
#
# COUNT: records per file (default 1000000). ENVELOPES: any of flat winlogbeat winlogbeat6 xml
# (default all). ALERTS: alert percentages (default "1 35"). THREADS: --threads values (default:
# the number of cores). DATA: where the generated files go (default ${TMPDIR:-/tmp}/nonstdport-bench;
# a file already there is reused; they take about 1.2-2.4 KB per record). The build is Release.
# On a shared machine the wall figures are floors; CPU seconds are the steadier measure.
set -euo pipefail
cd "$(dirname "$0")/.."

count=${COUNT:-1000000}
envelopes=${ENVELOPES:-flat winlogbeat winlogbeat6 xml}
alerts=${ALERTS:-1 35}
threads=${THREADS:-$(nproc)}
data=${DATA:-${TMPDIR:-/tmp}/nonstdport-bench}
timer=/usr/bin/time
[ -x "$timer" ] || { echo "$0: needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 2; }

dotnet build src/NonStdPort -c Release -warnaserror -v quiet -nologo >/dev/null
exe=src/NonStdPort/bin/Release/net10.0/nonstdport
mkdir -p "$data"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(dotnet --version) SDK"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-12s %6s %-11s %10s %8s %12s %8s %10s %8s\n' envelope alerts command records wall records/s "CPU s" "CPU us/rec" "RSS MB"

# measure LABEL RECORDS COMMAND...: runs COMMAND (stdout to /dev/null) under GNU time and prints one row.
measure() {
  local label=$1 records=$2; shift 2
  "$timer" -o "$data/time.txt" -f '%e %U %S %M' "$@" >/dev/null 2>"$data/stderr.txt" || true
  read -r wall user sys rss < <(tail -n 1 "$data/time.txt")
  awk -v env="$envelope" -v pct="$pct %" -v label="$label" -v n="$records" -v wall="$wall" -v user="$user" -v sys="$sys" -v rss="$rss" 'BEGIN {
    cpu = user + sys
    printf "%-12s %6s %-11s %10d %7.2fs %12d %8.2f %10.2f %8.1f\n", env, pct, label, n, wall, (wall > 0 ? n / wall : 0), cpu, cpu * 1e6 / n, rss / 1024
  }'
}

for envelope in $envelopes; do
  for pct in $alerts; do
    file="$data/$envelope-$pct-$count.ndjson"
    [ -s "$file" ] || ENVELOPE=$envelope ALERT_PERCENT=$pct bench/generate-records.sh "$count" "$file" 2>/dev/null
    cat "$file" >/dev/null # warm the page cache, so every row reads from memory
    measure cat "$count" cat "$file"
    for t in $threads; do
      measure "score -t $t" "$count" "$exe" score --threads "$t" "$file"
    done
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
