#!/usr/bin/env bash
# Fuzzes one of Strand's input decoders with libFuzzer and AddressSanitizer.
#
#   scripts/fuzz.sh TARGET SECONDS [libFuzzer options…]
#   TARGET: transaction | rlp | frames | consensus | json-rpc | sm2   (Sources/StrandFuzzing)
#
# Builds Fuzz/ (a package of its own, so that normal builds never link libFuzzer), seeds
# .fuzz/TARGET/corpus from the test vectors and built encodings on the first run, and runs for
# SECONDS on one core. A crash or a broken property leaves its input in .fuzz/TARGET/ and exits
# non-zero; the final line gives the executions run. FUZZING.md records the runs.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: scripts/fuzz.sh TARGET SECONDS}
seconds=${2:?usage: scripts/fuzz.sh TARGET SECONDS}
shift 2
case "$target" in transaction|rlp|frames|consensus|json-rpc|sm2) ;; *) echo "unknown target $target" >&2; exit 2 ;; esac

scripts/install-deps.sh >/dev/null
echo "==> building Fuzz/ with -sanitize=fuzzer,address (the first build takes minutes)" >&2
swift build -c release --package-path Fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library >&2
binary=$(swift build -c release --package-path Fuzz --show-bin-path)/strand-fuzz

dir=.fuzz/$target
mkdir -p "$dir/corpus"
echo "==> fuzzing $target for $seconds s (corpus $dir/corpus)" >&2
STRAND_FUZZ_TARGET=$target STRAND_FUZZ_SEED_DIR=$dir/corpus \
  "$binary" "$dir/corpus" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$dir/" -max_len=65536 \
  -detect_leaks=0 "$@" 2>&1 | tee "$dir/last-run.log" | grep -E "^#[0-9]+ +(DONE|INITED)|stat::number_of_executed_units|finding|ERROR|SUMMARY" >&2
grep -q "stat::number_of_executed_units" "$dir/last-run.log"
