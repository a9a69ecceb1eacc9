"""Network faults and lying validators on real processes. Four PBFT validators run in a network
namespace of this test's own, each on its own loopback address (127.0.0.2-5; a node dials from
its own address), and iptables inside the namespace cuts, partitions or thins the links between
them as an institution's firewall would. Every case runs under load from strand-loadgen (its
receipts and conservation check must pass), and at the end every node must hold the same block at
every height. Cases: a {0,1}|{2,3} partition (no commits, no fork; heal: commits resume), a
{0,1,2}|{3} partition (commits go on; heal: node 3 catches up), 30 % random packet loss, one
node's clock 10 s ahead, one node restarted in a loop, and each byzantine behaviour of
strand-dev's fault switch (equivocation, wrong state roots, withheld votes, votes for unknown
blocks, floods of huge views) on one validator. STRAND must name strand-dev: the nodes of this
test run it, since `strand` has no fault switches.

Needs root, iproute2 and iptables; skipped with a message otherwise. FAULTS_LONG=1 (as
scripts/faults.sh sets) holds each fault longer. Prints `N passed, N failed`."""
import os
import re
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import NODES, STRAND, Cluster, become_a_parent_that_never_reaps, head, process_state, rpc, run_suite, same_block_at_every_height, wait_until  # noqa: E402

HOSTS = [f"127.0.0.{k + 2}" for k in range(NODES)]
LONG = os.environ.get("FAULTS_LONG") == "1"
HOLD = 20 if LONG else 6          # seconds a fault is held
LOOP = 60 if LONG else 15         # seconds of the restart loop
RECORD = []                       # (case, outcome) lines for the summary


def iptables(*args):
    subprocess.run(["iptables", *args], check=True, capture_output=True)


class FaultCluster(Cluster):
    """test_cluster's 4 validators, one loopback address each, with links to cut and nodes to restart."""

    def __init__(self):
        super().__init__(hosts=HOSTS, prefix="strand-faults-")
        self.ports = f"{self.p2p_base}:{self.p2p_base + NODES - 1}"

    def restart(self, k, **switches):
        """Kills node k (SIGKILL) and starts it again as users do, by `strand chain start --node`,
        with test switches in its environment."""
        try:
            pid = self.pid(k)
            os.kill(pid, signal.SIGKILL)
            wait_until(lambda: process_state(pid) in (None, "Z"), 10, f"node{k} to die")
        except (OSError, ValueError):
            pass
        subprocess.run([STRAND, "chain", "start", "--dir", self.dir, "--node", f"node{k}", "--no-wait"],
                       env={**os.environ, **switches}, capture_output=True, text=True, check=True, timeout=60)
        wait_until(lambda: head(self.urls[k])[0] >= 0, 30, f"node{k} to answer")

    def start_load(self, nodes, txs, timeout=120, qps=150, batch=50):
        return super().start_load(nodes, txs, timeout=timeout, qps=qps, batch=batch)

    # The links: P2P traffic only (the ports of the chain), so that RPC from this test still flows.
    def cut(self, side, other):
        for a in side:
            for b in other:
                iptables("-A", "INPUT", "-s", HOSTS[a], "-d", HOSTS[b], "-p", "tcp", "-m", "multiport", "--ports", self.ports, "-j", "DROP")
                iptables("-A", "INPUT", "-s", HOSTS[b], "-d", HOSTS[a], "-p", "tcp", "-m", "multiport", "--ports", self.ports, "-j", "DROP")

    def lose(self, probability):
        iptables("-A", "INPUT", "-p", "tcp", "-m", "multiport", "--ports", self.ports,
                 "-m", "statistic", "--mode", "random", "--probability", str(probability), "-j", "DROP")

    @staticmethod
    def heal():
        iptables("-F", "INPUT")


def grows(c, nodes, seconds):
    before = c.heights(nodes)
    time.sleep(seconds)
    after = c.heights(nodes)
    return before, after


def test_two_two_partition_stops_commits_without_a_fork(c):
    load = c.start_load(range(NODES), 900)
    time.sleep(2)
    c.cut([0, 1], [2, 3])
    time.sleep(3)  # the block in flight at the cut settles
    before, after = grows(c, range(NODES), HOLD)
    assert before == after, f"committed across a 2|2 partition: {before} → {after}"
    healed = time.time()
    c.heal()
    wait_until(lambda: max(c.heights()) > max(after), 60, "commits after healing")
    resumed = time.time() - healed
    c.finish_load(load, 900)
    wait_until(c.same_head, 60, "one head after healing")
    RECORD.append(("{0,1}|{2,3} partition", f"heights held at {after} for {HOLD} s; first commit {resumed:.1f} s after healing"))


def test_three_one_partition_keeps_committing_and_the_fourth_catches_up(c):
    load = c.start_load([0, 1, 2], 900)
    time.sleep(1)
    c.cut([0, 1, 2], [3])
    before, after = grows(c, [0, 1, 2], HOLD)
    assert min(after) > max(before), f"no commits with 3 of 4 connected: {before} → {after}"
    c.heal()
    c.finish_load(load, 900)
    started = time.time()
    wait_until(c.same_head, 90, "node 3 to catch up")
    RECORD.append(("{0,1,2}|{3} partition", f"heights {before} → {after} in {HOLD} s; node 3 caught up {time.time() - started:.1f} s after healing"))


def test_random_loss_keeps_committing(c):
    load = c.start_load(range(NODES), 900)
    time.sleep(1)
    c.lose(0.3)
    try:
        before, after = grows(c, range(NODES), HOLD)
        assert max(after) > max(before), f"no commits under 30 % loss: {before} → {after}"
    finally:
        c.heal()
    c.finish_load(load, 900)
    wait_until(c.same_head, 60, "one head after the loss")
    RECORD.append(("30 % random loss", f"heights {before} → {after} in {HOLD} s"))


def test_a_clock_ten_seconds_ahead_hangs_nothing(c):
    c.restart(3, STRAND_TEST_CLOCK_OFFSET_MS="10000")
    before = c.heights()
    c.finish_load(c.start_load(range(NODES), 600), 600)
    wait_until(c.same_head, 60, "one head with a clock 10 s ahead")
    c.restart(3)
    RECORD.append(("node 3's clock 10 s ahead", f"heights {before} → {c.heights()}; all 600 committed"))


def test_a_node_restarted_in_a_loop_ends_in_sync(c):
    load = c.start_load([0, 1, 2], 1200, qps=100)
    before = c.heights([0, 1, 2])
    restarts = 0
    deadline = time.time() + LOOP
    while time.time() < deadline:
        c.restart(3)
        restarts += 1
        time.sleep(3)
    c.finish_load(load, 1200)
    assert min(c.heights([0, 1, 2])) > max(before)
    started = time.time()
    wait_until(c.same_head, 90, "the restarted node to end in sync")
    RECORD.append(("node 3 restarted every ~3 s", f"{restarts} restarts in {LOOP} s; in sync {time.time() - started:.1f} s after the last"))


def honest_sum(c, prefix):
    return sum(c.metric(k, prefix) for k in (0, 1, 2))


def floods_logged(c, k):
    """The most view changes node k's flooding proxy says it sent (strand-dev logs every 25th)."""
    with open(os.path.join(c.dir, f"node{k}", "node.log"), errors="replace") as log:
        counts = [int(m.group(1)) for m in re.finditer(r"huge-views: (\d+) view changes sent", log.read())]
    return max(counts, default=0)


def byzantine_case(behaviour):
    """Validator 3 lies; the three honest ones must commit the load on one chain, and show that the lie reached them."""
    def case(c):
        c.restart(3, STRAND_TEST_BYZANTINE=behaviour)
        # Counted by the liar's node ID (its first 16 hex digits): indexes move as validator sets change.
        liar = 'strand_consensus_misbehaviour_total{node="%s"}' % rpc(c.urls[3], "getSyncStatus", [1])["nodeId"][:16]
        reported = honest_sum(c, liar)
        started = time.time()
        before = c.heights([0, 1, 2])
        c.finish_load(c.start_load([0, 1, 2], 600), 600)
        after = c.heights([0, 1, 2])
        assert min(after) > max(before)
        wait_until(lambda: c.same_head([0, 1, 2]), 60, "the honest validators on one head")
        same_block_at_every_height(c, [0, 1, 2])
        blocks = [rpc(c.urls[0], "getBlockByNumber", [1, hex(n), False]) for n in range(max(before) + 1, min(after) + 1)]
        evidence = {
            # Its second block went to one peer; the first, with its own vote, still made a quorum.
            "equivocate": lambda: any(b["sealer"] == "0x3" for b in blocks),
            # Every proposal it made was refused and reported; none of its blocks is in the chain.
            "bad-state-root": lambda: honest_sum(c, liar) > reported
            and not any(b["sealer"] == "0x3" for b in blocks),
            # No seal carries its signature.
            "withhold-votes": lambda: all(s["index"] != "0x3" for b in blocks for s in b["signatureList"]),
            # Each of its votes came with a second one for a phantom block: counted as double votes.
            "votes-for-unknown-blocks": lambda: honest_sum(c, liar) > reported,
            # It sent five view changes a second for views 2^40 ahead (its log counts them); no honest
            # validator followed them.
            "huge-views": lambda: floods_logged(c, 3) >= 4 * (time.time() - started) - 25
            and all(c.metric(k, "strand_consensus_view ") < 16 for k in (0, 1, 2)),
        }[behaviour]
        assert evidence(), f"{behaviour}: no sign that the lie reached the honest validators"
        c.restart(3)
        wait_until(c.same_head, 90, f"node 3 back in sync after {behaviour}")
        RECORD.append((f"node 3 byzantine: {behaviour}", f"honest heights {before} → {after}, all 600 committed, one chain, the lie seen"))
    case.__name__ = f"test_byzantine_{behaviour.replace('-', '_')}"
    return case


def run_inside():
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    become_a_parent_that_never_reaps()
    c = FaultCluster()
    tests = [test_two_two_partition_stops_commits_without_a_fork, test_three_one_partition_keeps_committing_and_the_fourth_catches_up,
             test_random_loss_keeps_committing, test_a_clock_ten_seconds_ahead_hangs_nothing,
             test_a_node_restarted_in_a_loop_ends_in_sync] + [byzantine_case(b) for b in
             ("equivocate", "bad-state-root", "withhold-votes", "votes-for-unknown-blocks", "huge-views")] + [same_block_at_every_height]
    return run_suite(c, tests, c.dir, NODES, after_failure=FaultCluster.heal,
                     epilogue=lambda: [print(f"     {case}: {outcome}") for case, outcome in RECORD])


def main():
    if "--inside" in sys.argv:
        return run_inside()
    missing = [tool for tool in ("ip", "iptables") if shutil.which(tool) is None]
    if os.geteuid() != 0 or missing:
        print(f"skipped: network faults need root, iproute2 and iptables ({'not root' if os.geteuid() else 'missing ' + ', '.join(missing)})")
        return 0
    namespace = f"strand-faults-{os.getpid()}"
    subprocess.run(["ip", "netns", "add", namespace], check=True)
    try:
        return subprocess.run(["ip", "netns", "exec", namespace, sys.executable, os.path.abspath(__file__), "--inside"]).returncode
    finally:
        pids = subprocess.run(["ip", "netns", "pids", namespace], capture_output=True, text=True).stdout.split()
        for pid in pids:
            try:
                os.kill(int(pid), signal.SIGKILL)
            except OSError:
                pass
        subprocess.run(["ip", "netns", "del", namespace])


if __name__ == "__main__":
    sys.exit(main())
