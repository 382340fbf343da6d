#!/bin/bash
# Wave-3 session 2: steps 1, 3, 2, 2b of benchmarks/whole_corpus.sh on the kept index (--reuse).
set -u
cd /work/bench-src
export PYTHONPATH=/work/bench-src
B=/work/main/.venv/bin
O=/work/bench-out
N=1800000
IX=$O/index-imr-tantivy-$N
stamp() { echo "=== $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg) $*"; }
stamp "1. the mix (cache off), precedents, server 8 clients"
$B/python -m benchmarks.run --letters $N --engines imr-tantivy --reuse --rounds 3 \
  --clients 8 --server-seconds 30 --out $O --json $O/s2-step1.json > $O/s2-step1.log 2>&1
echo "rc $?"
stamp "3. random stream, cache off"
$B/python -m benchmarks.run --letters $N --engines imr-tantivy --reuse --rounds 1 \
  --clients 8 --server-seconds 60 --stream random --cache-size 0 --out $O \
  --json $O/s2-step3-off.json > $O/s2-step3-off.log 2>&1
echo "rc $?"
stamp "3. random stream, cache on"
$B/python -m benchmarks.run --letters $N --engines imr-tantivy --reuse --rounds 1 \
  --clients 8 --server-seconds 60 --stream random --cache-size 1000 --out $O \
  --json $O/s2-step3-on.json > $O/s2-step3-on.log 2>&1
echo "rc $?"
stamp "2. mechanisms on and off"
$B/python -m benchmarks.mechanisms --index $IX --rounds 3 --json $O/mechanisms.json \
  > $O/s2-step2.log 2>&1
echo "rc $?"
stamp "2b. phrases from pairs against positions"
$B/python -m benchmarks.phrases --index $IX --corpus $O --json $O/phrases.json \
  > $O/s2-step2b.log 2>&1
echo "rc $?"
stamp "done"
