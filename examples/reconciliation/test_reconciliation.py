"""End to end on a 4-node chain: two banks post their sides of a day of inter-bank flows through
their own nodes, a known share of them deliberately wrong; each bank hears a verdict on every flow
by push, every deliberate mismatch is reported with its reason and nothing else is, and the day's
summaries add up. Prints `N passed, N failed`."""
import asyncio
import os
import random
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "Tests", "python"))
sys.path.insert(0, HERE)
from eth_account import Account  # noqa: E402
from harness import NODES, Cluster, become_a_parent_that_never_reaps, run_suite  # noqa: E402
from reconcile import Bank, serial_id  # noqa: E402

FLOWS = 300
DAY = 20261206
MISTAKES = {  # how bank B's side is made wrong, and the reason the contract must give
    "amount": "amount differs", "direction": "same direction", "currency": "currency differs", "date": "value date differs",
}


def day_of_flows(a, b, seed=7):
    """Both banks' sides of FLOWS flows, about 1 in 10 made wrong on B's side; the expected verdicts."""
    rng = random.Random(seed)
    sides_a, sides_b, expected = [], [], {}
    for i in range(FLOWS):
        serial = f"IB-{DAY}-{i:05d}"
        credit = rng.random() < 0.5
        flow = {"serial": serial, "amount": rng.randint(1, 10_000_000), "currency": "CNY", "valueDate": DAY,
                "record": f"{serial} desensitised"}
        side_a = {**flow, "counterparty": b, "direction": "credit" if credit else "debit"}
        side_b = {**flow, "counterparty": a, "direction": "debit" if credit else "credit"}
        verdict = ("Matched", "")
        if rng.random() < 0.1:
            mistake = rng.choice(sorted(MISTAKES))
            if mistake == "amount":
                side_b["amount"] += 1
            elif mistake == "direction":
                side_b["direction"] = side_a["direction"]
            elif mistake == "currency":
                side_b["currency"] = "USD"
            else:
                side_b["valueDate"] = DAY + 1
            verdict = ("Mismatched", MISTAKES[mistake])
        sides_a.append(side_a)
        sides_b.append(side_b)
        expected["0x" + serial_id(serial).hex().removeprefix("0x")] = verdict
    return sides_a, sides_b, expected


def test_a_day_of_flows_between_two_banks(c):
    key_a, key_b = Account.create(), Account.create()
    bank_a = Bank(c.urls[0], key_a)
    contract = bank_a.deploy()
    bank_b = Bank(c.urls[1], key_b, contract)
    sides_a, sides_b, expected = day_of_flows(key_a.address, key_b.address)
    mismatches = sum(1 for verdict in expected.values() if verdict[0] == "Mismatched")
    assert 10 <= mismatches <= 60, mismatches
    heard = {key_a.address: {}, key_b.address: {}}

    async def scenario():
        ready = [asyncio.Event(), asyncio.Event()]

        def listener(bank):
            def on_verdict(serial, verdict, reason):
                heard[bank][serial] = (verdict, reason)
                return len(heard[bank]) == FLOWS
            return on_verdict
        watchers = [asyncio.create_task(b.watch(who, listener(who), event))
                    for b, who, event in ((bank_a, key_a.address, ready[0]), (bank_b, key_b.address, ready[1]))]
        await asyncio.wait_for(asyncio.gather(*(e.wait() for e in ready)), 20)
        posting = [threading.Thread(target=bank.post, args=(sides,)) for bank, sides in ((bank_a, sides_a), (bank_b, sides_b))]
        for thread in posting:
            thread.start()
        await asyncio.to_thread(lambda: [thread.join() for thread in posting])
        await asyncio.wait_for(asyncio.gather(*watchers), 120)

    asyncio.run(scenario())
    for bank in heard:
        assert heard[bank] == expected, [(s, heard[bank].get(s), v) for s, v in expected.items() if heard[bank].get(s) != v][:5]
    summary_a = bank_a.summary(key_a.address, DAY)
    assert summary_a["posted"] == FLOWS and summary_a["matched"] == FLOWS - mismatches, summary_a
    assert summary_a["mismatched"] == mismatches and summary_a["unmatched"] == mismatches, summary_a
    assert summary_a["debits"] + summary_a["credits"] == sum(s["amount"] for s in sides_a), summary_a
    late = sum(1 for side in sides_b if side["valueDate"] != DAY)
    summary_b = bank_b.summary(key_b.address, DAY)
    assert summary_b["posted"] == FLOWS - late and bank_b.summary(key_b.address, DAY + 1)["posted"] == late, summary_b


def main():
    become_a_parent_that_never_reaps()
    c = Cluster(prefix="strand-reconciliation-")
    return run_suite(c, [test_a_day_of_flows_between_two_banks], c.dir, NODES)


if __name__ == "__main__":
    sys.exit(main())
