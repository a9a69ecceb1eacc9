"""Runs the loop programs of `strand bench evm --json` on revm (pyrevm) and prints the
time per instruction of both in one table, with Strand ÷ revm (target: at most 2).

    strand bench evm --json > evm.json && python perf/revm_compare.py evm.json
"""
import json
import statistics
import sys
import time

from pyrevm import EVM, AccountInfo

CALLER = "0x" + "11" * 20
TARGET = "0x" + "22" * 20


def revm_seconds(program: bytes, samples: int = 5) -> float:
    evm = EVM(gas_limit=2**62)
    evm.insert_account_info(TARGET, AccountInfo(code=program))
    evm.set_balance(CALLER, 10**30)
    evm.message_call(CALLER, TARGET, calldata=b"", gas=2**40)  # warm up
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        evm.message_call(CALLER, TARGET, calldata=b"", gas=2**40)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    rows = json.load(open(sys.argv[1]))
    print(f"{'benchmark':<18}{'strand':>14}{'revm':>14}{'strand ÷ revm':>16}  target")
    ok = True
    for row in rows:
        if "program" in row:
            revm_ns = revm_seconds(bytes.fromhex(row["program"].removeprefix("0x"))) * 1e9 / row["instructions"]
            ratio = row["nanoseconds"] / revm_ns
            met = ratio <= 2.0
            ok &= met
            print(f"{row['name']:<18}{row['nanoseconds']:>11.2f} ns{revm_ns:>11.2f} ns{ratio:>16.2f}  ≤ 2: {'met' if met else 'NOT met'}")
        elif row["name"] == "erc20 transfer":
            micros = row["nanoseconds"] / 1000
            met = micros <= 5.0
            ok &= met
            print(f"{row['name']:<18}{micros:>11.2f} µs{'—':>14}{'—':>16}  ≤ 5 µs per transfer: {'met' if met else 'NOT met'}")
        else:
            print(f"{row['name']:<18}{row['nanoseconds'] / 1000:>11.2f} µs{'—':>14}{'—':>16}  ({row['unit']})")
    print("(per instruction for the loops, same program on both; per whole transaction for erc20)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
