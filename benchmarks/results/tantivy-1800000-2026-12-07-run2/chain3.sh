#!/bin/bash
set -u
cd /work/bench-src
export PYTHONPATH=/work/bench-src
B=/work/main/.venv/bin
O=/work/bench-out
N=1800000
IX=$O/index-imr-tantivy-$N
stamp() { echo "=== $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg) $*"; }
stamp "a. an empty commit: the blank query's counts kept beside it"
/usr/bin/time -f "keep counts %e s wall %U+%S cpu" $B/python -c "
from pathlib import Path
from imr_search.engines.registry import open_engine
with open_engine(Path('$IX')) as e, e.writer():
    pass
" 2>&1
ls -la $IX/counts.json
stamp "b. citator and the cold one-hit search"
for i in 1 2 3; do
  /usr/bin/time -f "citator %e s wall %U+%S cpu" $B/imr-search citator --index $IX --format json \
    > /dev/null; done 2>&1
for i in 1 2 3 4 5 6 7; do /usr/bin/time -f "search %e s %U+%S" $B/imr-search search pain --limit 1 \
  --index $IX >/dev/null; done 2>&1
for i in 1 2 3; do /usr/bin/time -f "stats %e s %U+%S" $B/imr-search stats --index $IX >/dev/null; done 2>&1
stamp "c. mechanisms: pairs"
$B/python -m benchmarks.mechanisms --index $IX --rounds 3 --only pairs --json $O/mechanisms-pairs.json \
  > $O/s3-pairs.log 2>&1
echo "rc $?"
stamp "d. phrases"
$B/python -m benchmarks.phrases --index $IX --corpus $O --json $O/phrases.json > $O/s3-phrases.log 2>&1
echo "rc $?"
stamp "e. floors"
$B/python -m benchmarks.floors --index $IX --rounds 3 --json $O/floors.json > $O/s3-floors.log 2>&1
echo "rc $?"
stamp "f. the mix (cache off), precedents, server 8 clients"
$B/python -m benchmarks.run --letters $N --engines imr-tantivy --reuse --rounds 3 \
  --clients 8 --server-seconds 30 --out $O --json $O/s3-step1.json > $O/s3-step1.log 2>&1
echo "rc $?"
stamp "g. random stream, cache off"
$B/python -m benchmarks.run --letters $N --engines imr-tantivy --reuse --rounds 1 \
  --clients 8 --server-seconds 60 --stream random --cache-size 0 --out $O \
  --json $O/s3-step3-off.json > $O/s3-step3-off.log 2>&1
echo "rc $?"
stamp "done"
