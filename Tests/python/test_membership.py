"""End to end: a consortium that changes under load. Six nodes from `strand chain init`, four of
them validators and two observers in genesis, and a seventh from `strand chain add-node`, run as
users run them. The new node links but is served nothing until a governor (the first development
account, through `strand gov`) makes it an observer; then it syncs. An observer becomes the fifth
sealer and later blocks carry a quorum of five's seal; with one validator killed, two more become
sealers (seven, quorum five) and the killed one comes back and catches up; then three are taken
back to observer or removed, leaving the four of genesis; the removed node is served nothing until
it is an observer again. Load runs through every change and every acknowledged transaction is in
the chain. At the end every node holds the same block at every height, and every ledger verifies,
each block's seal against the validators of its height. Prints `N passed, N failed`."""
import json
import os
import signal
import subprocess
import sys

import time

from harness import STRAND, Cluster, become_a_parent_that_never_reaps, free_port, rpc, run_suite, same_block_at_every_height, wait_until

NODES = 7
VALIDATORS = 4
EVERYONE = range(NODES)


class Consortium(Cluster):
    def __init__(self):
        super().__init__(prefix="strand-membership-e2e-", nodes=NODES - 1,
                         init_args=("--validators", str(VALIDATORS), "--accounts", "1"))
        with open(os.path.join(self.dir, "accounts.json")) as f:
            governor = json.load(f)[0]["privateKey"]
        self.key_file = os.path.join(self.dir, "governor.key")
        with open(self.key_file, "w") as f:
            f.write(governor)
        self.ids = [rpc(url, "getSyncStatus", [1])["nodeId"] for url in self.urls]

    def add_node(self):
        """`strand chain add-node`, then `strand chain start` (which starts just the new one)."""
        rpc_port = free_port()
        added = subprocess.run([STRAND, "chain", "add-node", "--dir", self.dir, "--rpc-port", str(rpc_port),
                                "--p2p-port", str(free_port())], capture_output=True, text=True, timeout=60)
        assert added.returncode == 0, added
        self.ids.append(added.stdout.strip())
        self.urls.append(f"http://127.0.0.1:{rpc_port}")
        self.chain("start", "--timeout", "60")

    def gov(self, action, node, via=0, expect="1 (done)"):
        """`strand gov ACTION` for node k (or a node ID); asserts FISCO's code `expect` in its output."""
        node_id = self.ids[node] if isinstance(node, int) else node
        result = subprocess.run([STRAND, "gov", action, node_id, "--key", self.key_file, "--rpc", self.urls[via]],
                                capture_output=True, text=True, timeout=120)
        assert expect in result.stdout, result
        return result

    def sealers(self, k=0):
        return rpc(self.urls[k], "getSealerList", [1])

    def observers(self, k=0):
        return rpc(self.urls[k], "getObserverList", [1])

    def everyone_sees(self, sealers, observers, nodes=EVERYONE):
        return all(self.sealers(k) == sealers and sorted(self.observers(k)) == sorted(observers) for k in nodes)

    def a_block_sealed_by(self, signers, after):
        """Waits for a block past `after` whose seal holds `signers` signatures (a quorum)."""
        def sealed():
            head = int(rpc(self.urls[0], "getBlockNumber", [1]), 16)
            return any(len(rpc(self.urls[0], "getBlockByNumber", [1, hex(n), False])["signatureList"]) >= signers
                       for n in range(after + 1, head + 1))
        wait_until(sealed, 60, f"a block after {after} sealed by {signers} validators")

    def height(self, k=0):
        return int(rpc(self.urls[k], "getBlockNumber", [1]), 16)


def test_genesis_observers_follow_without_voting(c):
    assert c.sealers() == c.ids[:VALIDATORS], c.sealers()
    assert sorted(c.observers()) == sorted(c.ids[VALIDATORS:]), c.observers()
    c.finish_load(c.start_load(range(NODES - 1), 600), 600)
    wait_until(lambda: c.same_head(range(NODES - 1)), 60, "the observers to reach the validators' head")
    status = rpc(c.urls[5], "getConsensusStatus", [1])
    assert status["role"] == "observer" and status["validatorIndex"] is None and status["quorum"] == 3, status


def test_an_added_node_is_served_only_once_it_is_an_observer(c):
    c.add_node()
    wait_until(lambda: len(rpc(c.urls[6], "getPeers", [1])) >= VALIDATORS, 30, "the new node to link to the others")
    c.finish_load(c.start_load(range(VALIDATORS), 300), 300)
    time.sleep(2)
    assert c.height(6) == 0 and c.height() > 0, (c.height(6), c.height())
    assert rpc(c.urls[6], "getConsensusStatus", [1])["role"] == "none"
    c.gov("add-sealer", 6, expect="-51104")  # not an observer yet
    c.gov("add-observer", 6)
    wait_until(lambda: c.same_head(EVERYONE), 60, "the new observer to sync to the head")
    assert sorted(c.observers()) == sorted(c.ids[VALIDATORS:]), c.observers()


def test_an_observer_becomes_the_fifth_sealer(c):
    load = c.start_load(range(VALIDATORS), 2_000, qps=250)
    c.gov("add-sealer", "ab" * 64, expect="-51104")  # a node no governor added must be an observer first
    c.gov("remove", "ab" * 63, expect="-51100")  # not a node ID
    before = c.height()
    c.gov("add-sealer", 4)
    wait_until(lambda: c.everyone_sees(c.ids[:5], c.ids[5:]), 60, "every node to list five sealers")
    c.a_block_sealed_by(4, before)
    status = rpc(c.urls[4], "getConsensusStatus", [1])
    assert status["role"] == "sealer" and status["validatorIndex"] == 4 and status["quorum"] == 4, status
    c.finish_load(load, 2_000)


def test_seven_sealers_with_one_killed_meanwhile(c):
    load = c.start_load([0, 2, 3], 3_000, qps=250)
    os.kill(c.pid(1), signal.SIGKILL)
    before = c.height()
    c.gov("add-sealer", 5)  # six sealers, quorum five: four old ones alive and the new one
    c.gov("add-sealer", 6)  # seven, quorum five
    wait_until(lambda: c.everyone_sees(c.ids, [], nodes=[0, 2, 3, 4, 5, 6]), 60, "every live node to list seven sealers")
    c.a_block_sealed_by(5, before)
    c.chain("start", "--timeout", "60")
    c.finish_load(load, 3_000)
    wait_until(lambda: c.same_head(EVERYONE), 90, "the restarted validator to catch up")
    assert rpc(c.urls[1], "getConsensusStatus", [1])["validatorCount"] == 7


def test_back_to_the_four_of_genesis(c):
    load = c.start_load(range(VALIDATORS), 2_000, qps=250)
    c.gov("add-observer", 6)
    c.gov("remove", 5)
    c.gov("add-observer", 4)
    wait_until(lambda: c.everyone_sees(c.ids[:4], [c.ids[6], c.ids[4]], nodes=[0, 1, 2, 3, 4, 6]), 60,
               "every member to list the four sealers of genesis")
    c.gov("remove", 5, expect="-51103")  # removed already
    before = c.height()
    c.finish_load(load, 2_000)
    c.a_block_sealed_by(3, before)
    # The removed node is served nothing: it stays behind until it is an observer again.
    time.sleep(3)  # whatever was under way when it left
    stopped_at = c.height(5)
    c.finish_load(c.start_load(range(VALIDATORS), 300), 300)
    assert c.height(5) == stopped_at < c.height(), (c.height(5), c.height())
    c.gov("add-observer", 5)
    wait_until(lambda: c.same_head(EVERYONE), 60, "every node to reach one head")
    same_block_at_every_height(c, EVERYONE)


if __name__ == "__main__":
    become_a_parent_that_never_reaps()
    consortium = Consortium()
    tests = [test_genesis_observers_follow_without_voting, test_an_added_node_is_served_only_once_it_is_an_observer,
             test_an_observer_becomes_the_fifth_sealer,
             test_seven_sealers_with_one_killed_meanwhile, test_back_to_the_four_of_genesis]
    sys.exit(run_suite(consortium, tests, consortium.dir, NODES))
