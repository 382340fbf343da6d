#!/bin/bash
# The whole corpus's run (docs/benchmarks.md, "The whole corpus, fast"): 1.8 million generated
# letters, built, searched, served, one more day indexed, each mechanism on and off. Needs the
# machine alone for about two hours and some 20 GB in OUT (default benchmarks/out).
#   benchmarks/whole_corpus.sh [OUT]        (from the project folder, after make dev)
set -u
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
B=$ROOT/.venv/bin
O=$(realpath "${1:-benchmarks/out}")
N=${LETTERS:-1800000}
IX=$O/index-imr-tantivy-$N
mkdir -p "$O"
stamp() { echo "=== $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg) $*"; }

stamp "0. the corpus cache (parsed letters, ~5 GB; skipped where present) and one day more"
$B/python -c "from pathlib import Path; from benchmarks.corpus import prepare; \
  prepare($N, 1, out=Path('$O'), jobs=2)" > "$O/prepare.log" 2>&1 || exit 1
if [ ! -d "$O/day" ]; then
  $B/python -m imr_synth --letters 500 --seed 2 --out "$O/day-synth" >/dev/null || exit 1
  mkdir -p "$O/day"  # new names, so no day letter replaces a corpus letter of the same stem
  for f in "$O"/day-synth/synth-*.txt; do b=$(basename "$f"); cp "$f" "$O/day/day-${b#synth-}"; done
fi
stamp "1. build and the mix (cache off), server 8 clients"
$B/python -m benchmarks.run --letters $N --engines imr-tantivy --reuse --rounds 3 \
  --clients 8 --server-seconds 30 --out $O --json $O/step1.json > $O/step1.log 2>&1
echo "rc $?"
stamp "5. cold start"
for i in 1 2 3 4 5 6 7; do /usr/bin/time -f "help %e s %U+%S" $B/imr-search --help >/dev/null; done 2>&1
for i in 1 2 3 4 5 6 7; do /usr/bin/time -f "search %e s %U+%S" $B/imr-search search pain --limit 1 \
  --index $IX >/dev/null; done 2>&1
[ -d "$O/fixtures-whoosh" ] || $B/imr-search index seeds tests/fixtures/letters \
  --index "$O/fixtures-whoosh" >/dev/null
for i in 1 2 3 4 5 6 7; do /usr/bin/time -f "search-whoosh25 %e s %U+%S" $B/imr-search search norco \
  --limit 1 --index "$O/fixtures-whoosh" >/dev/null; done 2>&1
for i in 1 2 3 4 5 6 7; do /usr/bin/time -f "import-click %e s %U+%S" $B/python -c "import click"; done 2>&1
cd /tmp && $B/python -X importtime -c "from imr_search.cli import main; main(['search', 'pain', \
  '--limit', '1', '--index', '$IX'])" 2>$O/step5-importtime.txt >/dev/null
cd "$ROOT"
stamp "4. one more day"
for q in pain mri therapy opioid knee lumbar acupuncture injection surgery norco; do
  $B/imr-search alerts add "$q" "$q" --index $IX; done > $O/step4-alerts.log 2>&1
/usr/bin/time -f "index %e s wall %U+%S cpu %M KiB" $B/imr-search index $O/day --index $IX \
  > $O/step4-index.log 2>&1
tail -3 $O/step4-index.log
stamp "4. the saved searches again over the day's letters"
$B/python - "$IX" "$O/day" > $O/step4-alerts-again.log 2>&1 <<'PY'
# The saved searches' part of the run, timed alone: the same searches again over the day's
# letters (nothing new the second time, the same work).
import time
from pathlib import Path
from imr_search.analysis.alerts import AlertStore, alerts_path
from imr_search.engines.registry import open_engine
from imr_search.parse import parse_path
import sys
ix = Path(sys.argv[1])
letters = [parse_path(p).id for p in sorted(Path(sys.argv[2]).glob("*.txt"))]
for attempt in range(3):
    start = time.perf_counter()
    with open_engine(ix) as engine, AlertStore(alerts_path(ix)) as store:
        report = store.record_run(engine, letters)
    print(f"alerts over {len(letters)} letters: {time.perf_counter() - start:.2f} s, "
          f"new {sum(len(v) for v in report.new.values())}, errors {report.errors}")
PY
cat $O/step4-alerts-again.log
for i in 1 2 3; do
  /usr/bin/time -f "citator %e s wall %U+%S cpu" $B/imr-search citator --index $IX --format json \
    > /dev/null; done 2>&1
stamp "3. random stream, cache off"
$B/python -m benchmarks.run --letters $N --engines imr-tantivy --reuse --rounds 1 \
  --clients 8 --server-seconds 60 --stream random --cache-size 0 --out $O \
  --json $O/step3-off.json > $O/step3-off.log 2>&1
echo "rc $?"
stamp "3. random stream, cache on"
$B/python -m benchmarks.run --letters $N --engines imr-tantivy --reuse --rounds 1 \
  --clients 8 --server-seconds 60 --stream random --cache-size 1000 --out $O \
  --json $O/step3-on.json > $O/step3-on.log 2>&1
echo "rc $?"
stamp "2. mechanisms on and off"
$B/python -m benchmarks.mechanisms --index $IX --rounds 3 --json $O/mechanisms.json \
  > $O/step2.log 2>&1
echo "rc $?"
stamp "2b. phrases from pairs against positions"
$B/python -m benchmarks.phrases --index $IX --corpus $O --json $O/phrases.json \
  > $O/step2b.log 2>&1
echo "rc $?"
stamp "6. the floors: matching, counting and the rest of each request"
$B/python -m benchmarks.floors --index $IX --rounds 3 --json $O/floors.json > $O/step6.log 2>&1
echo "rc $?"
stamp "done"
