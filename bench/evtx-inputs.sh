#!/usr/bin/env bash
# Builds the inputs for the .evtx speed comparison from the EVTX-ATTACK-SAMPLES captures (GPL-3.0;
# read in place, written only to OUT_DIR): one .evtx file made of every capture's chunks behind one
# file header, repeated until it reaches about TARGET_MB, and the XML renderings of the same records,
# repeated the same number of times.
#   bench/evtx-inputs.sh ../shared/datasets/evtx-attack-samples /tmp/evtx-bench [100]
set -euo pipefail
samples=${1:?usage: evtx-inputs.sh SAMPLES_DIR OUT_DIR [TARGET_MB]}
out=${2:?usage: evtx-inputs.sh SAMPLES_DIR OUT_DIR [TARGET_MB]}
target_mb=${3:-100}
mkdir -p "$out"

files=("$samples"/evtx/*.evtx)
once="$out/chunks.once"
: > "$once"
for f in "${files[@]}"; do
  tail -c +4097 "$f" >> "$once" # every 64 KiB chunk after the 4 KiB file header
done

once_bytes=$(stat -c %s "$once")
repeats=$(( (target_mb * 1024 * 1024 + once_bytes - 1) / once_bytes ))
head -c 4096 "${files[0]}" > "$out/samples.evtx"
: > "$out/samples.xml"
for ((i = 0; i < repeats; i++)); do
  cat "$once" >> "$out/samples.evtx"
  for f in "${files[@]}"; do
    name=$(basename "$f" .evtx)
    cat "$samples/xml/$name.xml" >> "$out/samples.xml"
  done
done
rm "$once"
echo "$repeats repeats: $(stat -c %s "$out/samples.evtx") bytes of .evtx, $(stat -c %s "$out/samples.xml") bytes of XML"
