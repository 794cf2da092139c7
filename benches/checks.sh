#!/usr/bin/env bash
# Consistency-check benchmark: generates N-page sites with the shared corpus generator and
# times `waymark check` with every check, against the same run with the fifteen consistency
# and currency checks of SPEC §6.1 turned off in site.yaml, and against `waymark build` of the
# same site (the baseline the figures are reported against). The difference between the two
# check runs is what the consistency checks cost; its growth from the smallest to the largest
# site shows whether they scale near-linearly. Peak memory (max RSS) is printed too.
#
#   benches/checks.sh [PAGES...]        default: 1000 2000 5000 10000
#
# Needs python3 and GNU time. RUNS=N repeats each measurement and keeps the fastest.
set -euo pipefail
cd "$(dirname "$0")/.."
GEN=${GEN:-../shared/gen_corpus.py}
[ -f "$GEN" ] || GEN=/work/shared/gen_corpus.py
WORK=${WORK:-$(mktemp -d)}
RUNS=${RUNS:-3}
PAGES=("${@:-1000 2000 5000 10000}")
cargo build --release --quiet
BIN=$PWD/target/release/waymark
OFF="fact-mismatch directive-conflict numeric-drift duplicate-passage definition-conflict
  repealed-citation unknown-citation predates-amendment scope-mismatch must-without-basis
  deprecated-term undefined-abbreviation inconsistent-expansion review-overdue overlay-conflict"

best() { # cmd... -> "seconds peak_kb" of the fastest of $RUNS runs (findings exit 1: fine)
  local b="" m="" s k
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -o "$WORK/time.txt" -f "%e %M" "$@" >/dev/null 2>&1 || true
    read -r s k < <(tail -1 "$WORK/time.txt")
    if [ -z "$b" ] || [ "$(echo "$s < $b" | bc)" = 1 ]; then b=$s; m=$k; fi
  done
  echo "$b $m"
}

printf '%-7s %10s %10s %10s %10s %10s %10s %12s %12s\n' pages all_s base_s checks_s build_s check/build us/page all_MB base_MB
first=""
for n in ${PAGES[@]}; do
  site=$WORK/w$n
  [ -d "$site" ] || python3 "$GEN" --pages "$n" --out "$site" --seed 1 --format waymark --site >/dev/null
  base=$WORK/w$n-base
  if [ ! -d "$base" ]; then
    cp -r "$site" "$base"
    { echo "checks:"; for c in $OFF; do echo "  $c: off"; done; } >> "$base/site.yaml"
  fi
  read -r as am < <(best "$BIN" --root "$site" check --quiet --format json --today 2026-11-28)
  read -r bs bm < <(best "$BIN" --root "$base" check --quiet --format json --today 2026-11-28)
  rm -rf "$site/public"
  read -r ws _ < <(best "$BIN" --root "$site" build --quiet --no-static-search --today 2026-11-28)
  cs=$(echo "$as - $bs" | bc -l)
  printf '%-7s %10.2f %10.2f %10.2f %10.2f %10.2f %10.0f %12.1f %12.1f\n' "$n" "$as" "$bs" "$cs" \
    "$ws" "$(echo "$as / $ws" | bc -l)" "$(echo "$cs * 1000000 / $n" | bc -l)" \
    "$(echo "$am / 1024" | bc -l)" "$(echo "$bm / 1024" | bc -l)"
done
echo "checks_s = all_s - base_s: the consistency and currency checks' own time;"
echo "check/build = all_s / build_s (waymark build of the same site, checks included)."
echo "Near-linear growth: us/page stays roughly flat as pages grow."
