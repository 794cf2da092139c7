#!/usr/bin/env bash
# Build benchmark: generates N-page sites with the shared corpus generator and times a full
# `waymark build` (with the structure and consistency checks) against Hugo building the same
# pages in the same run, printing pages per second, peak memory and the ratio.
#
#   benches/build.sh [PAGES...]        default: 1000 10000
#
# Needs python3 and GNU time; Hugo is optional (apt-get install hugo).
set -euo pipefail
cd "$(dirname "$0")/.."
GEN=${GEN:-../shared/gen_corpus.py}
[ -f "$GEN" ] || GEN=/work/shared/gen_corpus.py
WORK=${WORK:-$(mktemp -d)}
PAGES=("${@:-1000 10000}")
cargo build --release --quiet
BIN=$PWD/target/release/waymark

measure() { # cmd... -> prints "seconds peak_kb"
  /usr/bin/time -o /tmp/bench-time.txt -f "%e %M" "$@" >/dev/null 2>/tmp/bench-cmd.err || { cat /tmp/bench-cmd.err >&2; return 1; }
  tail -1 /tmp/bench-time.txt
}


printf '%-8s %-10s %10s %10s %12s %10s\n' pages tool seconds pages/s peak_MB ratio
for n in ${PAGES[@]}; do
  site=$WORK/w$n
  if [ ! -d "$site" ]; then
    python3 "$GEN" --pages "$n" --out "$site" --seed 1 --format waymark --site >/dev/null 2>&1
    # The generator fills templated sentences with random time limits, so near-identical
    # sentences differ in a duration: real numeric-drift findings (errors), which would stop
    # the build before it publishes. Reported as warnings here so the whole pipeline is timed.
    printf 'checks:\n  numeric-drift:\n    severity: warning\n' >>"$site/site.yaml"
  fi
  rm -rf "$site/public"
  read -r ws wm < <(measure "$BIN" --root "$site" build --no-static-search --quiet --today 2026-11-28)
  printf '%-8s %-10s %10.2f %10.0f %12.1f\n' "$n" waymark "$ws" "$(echo "$n / $ws" | bc -l)" "$(echo "$wm / 1024" | bc -l)"
  if command -v hugo >/dev/null; then
    hsite=$WORK/h$n
    [ -d "$hsite" ] || python3 "$GEN" --pages "$n" --out "$hsite" --seed 1 --format hugo --site >/dev/null 2>&1
    rm -rf "$hsite/public"
    read -r hs hm < <(measure hugo --source "$hsite" --quiet)
    printf '%-8s %-10s %10.2f %10.0f %12.1f %10.2f\n' "$n" hugo "$hs" "$(echo "$n / $hs" | bc -l)" "$(echo "$hm / 1024" | bc -l)" "$(echo "$ws / $hs" | bc -l)"
  fi
done
echo "ratio = waymark seconds / hugo seconds (target <= 0.5)"
