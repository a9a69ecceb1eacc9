"""End to end: a chain of 4 validators agreeing by PBFT (`strand chain init --nodes 4`), real
processes on loopback, load from `strand-loadgen` spread over the nodes with its conservation
check. One validator killed with SIGKILL under load: commits go on; restarted, it syncs and votes
again. Two killed: no commits and no fork; restarted: commits resume. The leader paused with
SIGSTOP for 10 s: a view change and progress. At the end every node holds the same block at every
height and every ledger verifies to one state root. Prints `N passed, N failed`."""
import os
import sys
import time

from harness import NODES, Cluster, become_a_parent_that_never_reaps, rpc, run_suite, same_block_at_every_height, wait_until


def test_four_validators_commit_load_spread_over_them(c):
    status = rpc(c.urls[1], "getConsensusStatus", [1])
    assert status["algorithm"] == "pbft" and status["validatorCount"] == 4 and status["quorum"] == 3, status
    c.finish_load(c.start_load(range(NODES), 2000), 2000)
    wait_until(c.same_head, 30, "the same head on every validator")
    block = rpc(c.urls[2], "eth_getBlockByNumber", ["latest", False])
    assert len(block["signatureList"]) >= 3, block["signatureList"]


def test_one_killed_validator_leaves_the_chain_committing(c):
    load = c.start_load([0, 1, 2], 2000)
    time.sleep(1)
    os.kill(c.pid(3), 9)
    c.finish_load(load, 2000)
    c.chain("start", "--timeout", "60")
    wait_until(lambda: c.same_head(), 60, "the restarted validator to sync")
    sent = c.metric(3, "strand_consensus_messages_sent_total ")
    c.finish_load(c.start_load(range(NODES), 1000), 1000)
    wait_until(lambda: c.same_head(), 30, "the same head")
    assert c.metric(3, "strand_consensus_messages_sent_total ") > sent, "the restarted validator does not vote"


def test_two_killed_stop_commits_without_a_fork_and_restarted_resume(c):
    os.kill(c.pid(2), 9)
    os.kill(c.pid(3), 9)
    before = c.heights([0, 1])
    load = c.start_load([0, 1], 1000, timeout=120)
    time.sleep(10)
    assert c.heights([0, 1]) == before, f"committed with two of four validators down: {before} → {c.heights([0, 1])}"
    assert c.same_head([0, 1])
    c.chain("start", "--timeout", "60")
    c.finish_load(load, 1000)
    wait_until(lambda: c.same_head(), 60, "every validator on one head")


def test_paused_leader_gives_way_to_a_view_change(c):
    height = c.heights([0])[0]
    leader = rpc(c.urls[0], "getConsensusStatus", [1])["leaderIndex"]
    changes = sum(c.metric(k, "strand_consensus_view_changes_total ") for k in range(NODES) if k != leader)
    os.kill(c.pid(leader), 19)
    try:
        others = [k for k in range(NODES) if k != leader]
        load = c.start_load(others, 1000)
        time.sleep(10)
    finally:
        os.kill(c.pid(leader), 18)
    c.finish_load(load, 1000)
    assert c.heights([others[0]])[0] > height
    assert sum(c.metric(k, "strand_consensus_view_changes_total ") for k in others) > changes, "no view change"
    wait_until(lambda: c.same_head(), 60, "the paused leader to catch up")


def main():
    become_a_parent_that_never_reaps()
    c = Cluster()
    return run_suite(c, [test_four_validators_commit_load_spread_over_them, test_one_killed_validator_leaves_the_chain_committing,
                         test_two_killed_stop_commits_without_a_fork_and_restarted_resume, test_paused_leader_gives_way_to_a_view_change,
                         same_block_at_every_height], c.dir, NODES)


if __name__ == "__main__":
    sys.exit(main())
