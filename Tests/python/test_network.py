"""End to end: a 4-node chain (1 validator, 3 observers) made by `strand chain init` and run by
`strand chain start`. Load goes to the observers (gossip carries it to the validator, sync brings
the blocks back); every transaction commits and the conservation check holds; all nodes end on
the same head. An observer killed with SIGKILL misses a few hundred blocks, is restarted, and
catches up to the same head and state root; one paused with SIGSTOP past the dead-peer timeout
catches up when it resumes. Prints `N passed, N failed`."""
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

from harness import LOADGEN, NODES, STRAND, become_a_parent_that_never_reaps, free_base, head, rpc, run_suite, wait_until


class Network:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="strand-net-e2e-")
        rpc_base, p2p_base = free_base(NODES), free_base(NODES)
        subprocess.run([STRAND, "chain", "init", "--dir", self.dir, "--nodes", str(NODES), "--validators", "1",
                        "--accounts", "2", "--rpc-port", str(rpc_base), "--p2p-port", str(p2p_base)],
                       check=True, capture_output=True)
        # Small blocks, so that an observer that misses a few thousand transactions misses hundreds of blocks.
        toml = os.path.join(self.dir, "node0", "node.toml")
        with open(toml) as f:
            text = f.read()
        with open(toml, "w") as f:
            f.write(text.replace("max_block_txs = 4000", "max_block_txs = 20"))
        self.urls = [f"http://127.0.0.1:{rpc_base + k}" for k in range(NODES)]
        self.chain("start", "--timeout", "60")

    def chain(self, *args):
        result = subprocess.run([STRAND, "chain", *args, "--dir", self.dir], capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result
        return result

    def load(self, urls, txs):
        result = subprocess.run([LOADGEN, *sum([["--rpc", u] for u in urls], []), "--workload", "dag-transfer",
                                 "--txs", str(txs), "--users", "400", "--batch", "200", "--json"],
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr[-2000:]
        report = json.loads(result.stdout)
        assert report["verify"] == "success" and report["committed"] == txs, report
        return report

    def same_head_everywhere(self):
        heads = [head(url) for url in self.urls]
        return all(h == heads[0] for h in heads) and heads[0][0] > 0

    def pid(self, k):
        with open(os.path.join(self.dir, f"node{k}", "node.pid")) as f:
            return int(f.read())


def test_load_on_observers_commits_everywhere(net):
    assert rpc(net.urls[0], "net_peerCount") == hex(NODES - 1)
    net.load(net.urls[1:], 600)
    wait_until(net.same_head_everywhere, 30, "the same head on every node")
    status = rpc(net.urls[2], "getSyncStatus", [1])
    assert status["isSyncing"] is False and len(status["peers"]) == NODES - 1, status
    assert len(rpc(net.urls[1], "getObserverList", [1])) == NODES - 1
    assert len(rpc(net.urls[1], "getSealerList", [1])) == 1


def test_killed_observer_catches_up(net):
    os.kill(net.pid(3), 9)
    before = head(net.urls[0])[0]
    net.load(net.urls[1:3], 4000)
    missed = head(net.urls[0])[0] - before
    assert missed >= 150, f"only {missed} blocks were missed"
    net.chain("start", "--timeout", "60")
    wait_until(net.same_head_everywhere, 60, "the restarted observer to catch up")
    with urllib.request.urlopen(net.urls[3] + "/metrics", timeout=10) as response:
        metrics = response.read().decode()
    imported = [line for line in metrics.splitlines() if line.startswith("strand_sync_blocks_imported_total ")]
    assert imported and int(imported[0].split()[1]) >= missed, imported


def test_paused_observer_catches_up(net):
    """SIGSTOP an observer past the dead-peer timeout while the chain goes on, then SIGCONT it."""
    os.kill(net.pid(2), 19)
    try:
        net.load([net.urls[1]], 600)
        time.sleep(7)
    finally:
        os.kill(net.pid(2), 18)
    wait_until(net.same_head_everywhere, 60, "the paused observer to catch up")
    wait_until(lambda: rpc(net.urls[2], "net_peerCount") == hex(NODES - 1), 30, "the paused observer's links back")


def main():
    become_a_parent_that_never_reaps()
    net = Network()
    return run_suite(net, [test_load_on_observers_commits_everywhere, test_killed_observer_catches_up,
                           test_paused_observer_catches_up], net.dir, NODES)


if __name__ == "__main__":
    sys.exit(main())
