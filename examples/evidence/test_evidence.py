"""End to end on a 4-node chain: a bank (node0) records an evidence file's hash and countersigns
it, tells an arbitration commission (node1) and a notary (node2) over AMOP, each countersigns
through its own node; the arbitrator checks the file; a record cannot be made twice, a changed file
is not the evidence, and the record stays complete with the notary's node gone. Prints
`N passed, N failed`."""
import asyncio
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "Tests", "python"))
sys.path.insert(0, HERE)
from eth_account import Account  # noqa: E402
from evidence import Institution, file_hash  # noqa: E402
from harness import NODES, Cluster, become_a_parent_that_never_reaps, free_base, run_suite  # noqa: E402


def test_evidence_between_three_institutions(c):
    bank_key, arbitration_key, notary_key = Account.create(), Account.create(), Account.create()
    url = lambda k: c.urls[k]
    bank = Institution(url(0), bank_key)
    contract = bank.deploy()
    arbitration = Institution(url(1), arbitration_key, contract)
    notary = Institution(url(2), notary_key, contract)
    evidence_file = os.path.join(tempfile.mkdtemp(prefix="strand-evidence-"), "loan-contract.pdf")
    with open(evidence_file, "wb") as f:
        f.write(b"%PDF-1.7 loan contract 2026-0042 between bank A and company B" * 100)
    evidence = file_hash(evidence_file)
    signers = [bank_key.address, arbitration_key.address, notary_key.address]

    async def scenario():
        ready = [asyncio.Event(), asyncio.Event()]
        listeners = [asyncio.create_task(institution.listen(event, stop_after=1))
                     for institution, event in zip((arbitration, notary), ready)]
        await asyncio.wait_for(asyncio.gather(*(event.wait() for event in ready)), 20)
        await asyncio.sleep(1)  # the subscriptions reach node0 in the nodes' topic announcements
        await asyncio.to_thread(bank.record, evidence, signers)
        await bank.notify(evidence)
        await asyncio.wait_for(asyncio.gather(*listeners), 60)

    asyncio.run(scenario())
    checked = arbitration.check(evidence_file)
    assert checked["recorded"] and checked["countersigned"] and checked["creator"] == bank_key.address, checked
    assert checked["required"] == signers, checked
    try:
        bank.record(evidence, signers)
        raise AssertionError("the evidence was recorded twice")
    except Exception as error:
        assert "failed" in str(error) or "already" in str(error), error
    with open(evidence_file, "ab") as f:
        f.write(b" amended")
    assert not arbitration.check(evidence_file)["recorded"], "a changed file passed for the evidence"
    with open(evidence_file, "wb") as f:
        f.write(b"%PDF-1.7 loan contract 2026-0042 between bank A and company B" * 100)
    c.chain("stop", "--node", "node2")
    assert arbitration.check(evidence_file)["countersigned"], "the record lost its validity with the notary's node"
    c.chain("start", "--node", "node2")


def main():
    become_a_parent_that_never_reaps()
    channel_base = free_base(NODES)
    c = Cluster(prefix="strand-evidence-", init_args=("--channel-port", str(channel_base)))
    return run_suite(c, [test_evidence_between_three_institutions], c.dir, NODES)


if __name__ == "__main__":
    sys.exit(main())
