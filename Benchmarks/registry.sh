#!/usr/bin/env bash
# Measures the registry's bulk paths in a release build: seeding the demo city (20,000 and 1,500,000
# persons) and importing a 100,000-row CSV in UTF-8 and CP932. Prints time, throughput and peak memory.
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
  /usr/bin/time -v "$bin" seed --db "$work/seed-$n.sqlite" --residents "$n" >"$work/out" 2>"$work/time"
  echo "seed $n: $(grep '^time' "$work/out"); file $(du -m "$work/seed-$n.sqlite" | cut -f1) MB; RSS $(peak "$work/time")"
done
for enc in utf-8 cp932; do
  python3 Benchmarks/make-residents-csv.py 100000 "$work/residents-$enc.csv" "$enc"
  start=$(date +%s.%N)
  /usr/bin/time -v "$bin" import residents "$work/residents-$enc.csv" --db "$work/import-$enc.sqlite" >"$work/out" 2>"$work/time"
  end=$(date +%s.%N)
  echo "import 100000 rows ($enc): $(awk "BEGIN {printf \"%.2f s, %.0f rows/s\", $end-$start, 100000/($end-$start)}"); RSS $(peak "$work/time"); $(tail -1 "$work/out")"
done
