#!/usr/bin/env bash
# Measures the registry's bulk paths in a release build: seeding the demo city (20,000 and 1,500,000
# persons, on two threads and on one), `serve` start-up on the large city (first start, then two more),
# and importing a CSV of 100,000 and of the large city's size in UTF-8 and CP932. Prints time,
# throughput and peak memory.
# usage: bash Benchmarks/registry.sh [persons-for-the-large-seed]
set -euo pipefail
cd "$(dirname "$0")/.."
large=${1:-1500000}
swift build -c release --product madoguchi >/dev/null
bin=.build/release/madoguchi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
peak() { grep "Maximum resident" "$1" | awk '{printf "%.0f MiB", $6/1024}'; }
for n in 20000 "$large"; do
  for threads in "" --one-thread; do
    rm -f "$work/seed-$n.sqlite"*
    /usr/bin/time -v "$bin" seed --db "$work/seed-$n.sqlite" --residents "$n" --cache-mib 512 $threads >"$work/out" 2>"$work/time"
    echo "seed $n ${threads:-(two threads)}: $(grep '^time' "$work/out"); file $(du -m "$work/seed-$n.sqlite" | cut -f1) MB; RSS $(peak "$work/time")"
  done
done
# serve start-up: from the command to the first healthy /health (the first start makes the keys and the administrator)
for i in 1 2 3; do
  port=$((18180 + i))
  start=$(date +%s.%N)
  "$bin" serve --db "$work/seed-$large.sqlite" --port "$port" >"$work/serve.log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do sleep 0.005; done
  end=$(date +%s.%N)
  echo "serve start $i on $large persons: $(awk "BEGIN {printf \"%.2f s\", $end-$start}")"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
for rows in 100000 "$large"; do
  for enc in utf-8 cp932; do
    python3 Benchmarks/make-residents-csv.py "$rows" "$work/residents.csv" "$enc"
    rm -f "$work/import.sqlite"*
    start=$(date +%s.%N)
    /usr/bin/time -v "$bin" import residents "$work/residents.csv" --db "$work/import.sqlite" >"$work/out" 2>"$work/time"
    end=$(date +%s.%N)
    echo "import $rows rows ($enc, $(du -m "$work/residents.csv" | cut -f1) MB): $(awk "BEGIN {printf \"%.2f s, %.0f rows/s\", $end-$start, $rows/($end-$start)}"); RSS $(peak "$work/time"); $(tail -1 "$work/out")"
  done
done
