"""End to end: running 4 PBFT validators the way operators do, under a parent that never reaps
(this test makes itself the subreaper of the nodes and never waits for them, as a PID 1 that
reaps late or a container without an init would). A node killed with SIGKILL is a zombie, which
`strand chain status` names and `strand chain start` starts anew; a stale pid file is replaced and
its process never signalled; GET /health answers 200, and 503 with the reason when a validator
loses its quorum; each node has a systemd unit; SIGHUP reopens a node's log file; a running
node's ledger is snapshotted, restored into another node that syncs the rest; a validator whose
data directory is lost rebuilds the chain from its peers and votes again; and every validator is
stopped and restarted in turn under load with nothing acknowledged lost; a validator revoked with
`strand chain revoke` is cut off at once while the others commit, and lifted it catches up. At the end every node
holds the same block at every height and every ledger verifies to one state root. Prints
`N passed, N failed`."""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from harness import NODES, STRAND, Cluster, become_a_parent_that_never_reaps, process_state, rpc, run_suite, same_block_at_every_height, wait_until


def health(url):
    """(HTTP status, JSON body) of GET /health."""
    try:
        with urllib.request.urlopen(url + "/health", timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def strand(*args, check=True):
    result = subprocess.run([STRAND, *args], capture_output=True, text=True, timeout=180)
    assert not check or result.returncode == 0, result
    return result


def test_health_names_the_node(c):
    c.finish_load(c.start_load(range(NODES), 500), 500)
    for k, url in enumerate(c.urls):
        status, body = health(url)
        assert status == 200 and body["status"] == "ok", body
        assert body["nodeId"] == rpc(url, "getSyncStatus", [1])["nodeId"], body
        assert body["role"] == "validator" and body["validatorsConnected"] == NODES and body["quorum"] == 3, body
        assert body["commitFailing"] is False and "reason" not in body, body


def test_a_killed_node_is_a_zombie_that_chain_start_starts_anew(c):
    old = c.pid(3)
    os.kill(old, signal.SIGKILL)
    wait_until(lambda: process_state(old) == "Z", 10, "the killed node to be a zombie of this never-reaping parent")
    assert "dead (zombie" in c.chain("status").stdout
    started = c.chain("start", "--timeout", "60")
    assert "node3: dead (zombie" in started.stderr and "already running" in started.stderr, started.stderr
    assert c.pid(3) != old and process_state(c.pid(3)) in ("R", "S")
    assert health(c.urls[3])[0] == 200
    wait_until(c.same_head, 60, "the same head")


def test_health_is_503_without_a_quorum(c):
    os.kill(c.pid(2), signal.SIGKILL)
    os.kill(c.pid(3), signal.SIGKILL)
    wait_until(lambda: health(c.urls[0])[0] == 503, 30, "node0's health to fail")
    status, body = health(c.urls[0])
    assert body["status"] == "unavailable" and "no quorum" in body["reason"] and body["validatorsConnected"] == 2, body
    assert "UNHEALTHY (no quorum" in c.chain("status").stdout
    c.chain("start", "--timeout", "60")
    wait_until(lambda: all(health(url)[0] == 200 for url in c.urls), 30, "every node healthy again")


def test_a_stale_pid_file_is_replaced_and_never_signalled(c):
    c.chain("stop", "--node", "node1")
    stranger = subprocess.Popen(["sleep", "300"])
    try:
        with open(os.path.join(c.dir, "node1", "node.pid"), "w") as f:
            f.write(f"{stranger.pid}\n")
        assert "stale pid file" in c.chain("status").stdout
        started = c.chain("start", "--timeout", "60")
        assert "node1: stale pid file" in started.stderr, started.stderr
        assert c.pid(1) != stranger.pid and stranger.poll() is None
        c.chain("stop", "--node", "node1")
        assert stranger.poll() is None, "the stranger was signalled"
        with open(os.path.join(c.dir, "node1", "node.pid"), "w") as f:
            f.write(f"{stranger.pid}\n")
        stopped = c.chain("stop", "--node", "node1")
        assert "stale pid file" in stopped.stderr and stranger.poll() is None, stopped.stderr
        c.chain("start", "--node", "node1", "--timeout", "60")
    finally:
        stranger.kill()
        stranger.wait()


def test_each_node_has_a_systemd_unit(c):
    for k in range(NODES):
        path = os.path.join(c.dir, f"node{k}", f"strand-node{k}.service")
        with open(path) as f:
            unit = f.read()
        config = os.path.join(os.path.realpath(c.dir), f"node{k}", "node.toml")
        assert f"ExecStart={os.path.realpath(STRAND)} node --config {config}" in unit, unit
        for line in ("Restart=on-failure", "LimitNOFILE=65536", "KillSignal=SIGTERM", "TimeoutStopSec=90",
                     "StandardError=journal", "WantedBy=multi-user.target"):
            assert line in unit.splitlines(), f"{line} missing from {path}"
        if shutil.which("systemd-analyze"):
            verify = subprocess.run(["systemd-analyze", "verify", path], capture_output=True, text=True)
            assert "Unknown" not in verify.stderr, verify.stderr


def test_sighup_reopens_the_log_file(c):
    log = os.path.join(c.dir, "node0", "node.log")
    rotated = log + ".1"
    os.rename(log, rotated)
    os.kill(c.pid(0), signal.SIGHUP)
    wait_until(lambda: os.path.exists(log) and "log file reopened" in open(log).read(), 10, "a new node.log")
    with open(rotated) as f:
        assert "node up" in f.read()


def test_a_snapshot_of_a_running_node_restores_into_another_that_syncs_the_rest(c):
    c.finish_load(c.start_load(range(NODES), 1000), 1000)
    scratch = tempfile.mkdtemp(prefix="strand-snapshot-")
    try:
        snapshot = os.path.join(scratch, "ledger.snapshot")
        taken = strand("ledger", "snapshot", "--data", os.path.join(c.dir, "node0", "data"), "--out", snapshot)
        assert "snapshot" in taken.stdout and process_state(c.pid(0)) in ("R", "S"), taken
        height = int(taken.stdout.split("block ")[1].split()[0])
        assert height > 0
        refused = strand("ledger", "snapshot", "--data", os.path.join(c.dir, "node0", "data"), "--out", snapshot, check=False)
        assert refused.returncode != 0 and "exists" in refused.stderr, refused
        restored = os.path.join(scratch, "restored")
        strand("ledger", "restore", "--from", snapshot, "--data", restored)
        assert f"head:          block {height}," in strand("ledger", "info", "--data", restored).stdout
        strand("ledger", "verify", "--data", restored)
        refused = strand("ledger", "restore", "--from", snapshot, "--data", restored, check=False)
        assert refused.returncode != 0 and "holds a ledger already" in refused.stderr, refused

        # Node 2 loses its ledger; restored from node 0's snapshot (its own journal kept), it
        # syncs what was committed after the snapshot.
        c.chain("stop", "--node", "node2")
        c.finish_load(c.start_load([0, 1, 3], 600), 600)
        data = os.path.join(c.dir, "node2", "data")
        journal = os.path.join(data, "consensus.journal")
        kept = os.path.join(scratch, "consensus.journal")
        if os.path.exists(journal):
            shutil.copy(journal, kept)
        shutil.rmtree(data)
        strand("ledger", "restore", "--from", snapshot, "--data", data)
        if os.path.exists(kept):
            shutil.copy(kept, journal)
        c.chain("start", "--node", "node2", "--timeout", "60")
        wait_until(c.same_head, 60, "the restored node to sync the rest")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def test_a_validator_with_its_data_lost_rebuilds_from_its_peers_and_votes(c):
    os.kill(c.pid(3), signal.SIGKILL)
    shutil.rmtree(os.path.join(c.dir, "node3", "data"))
    c.finish_load(c.start_load([0, 1, 2], 600), 600)
    c.chain("start", "--timeout", "90")
    wait_until(c.same_head, 60, "the wiped validator to rebuild the chain")
    sent = c.metric(3, "strand_consensus_messages_sent_total ")
    c.finish_load(c.start_load(range(NODES), 600), 600)
    wait_until(c.same_head, 30, "the same head")
    assert c.metric(3, "strand_consensus_messages_sent_total ") > sent, "the rebuilt validator does not vote"


def test_a_rolling_restart_under_load_loses_nothing(c):
    """Each validator in turn stopped (SIGTERM) and started again, as in an upgrade, while load goes
    to the other three: loadgen's check says every acknowledged transaction committed."""
    for k in range(NODES):
        others = [n for n in range(NODES) if n != k]
        load = c.start_load(others, 1200, timeout=120, qps=300)
        time.sleep(1)
        c.chain("stop", "--node", f"node{k}")
        c.chain("start", "--node", f"node{k}", "--timeout", "60")
        c.finish_load(load, 1200)
    wait_until(c.same_head, 60, "one head after the rolling restart")


def test_a_revoked_node_is_cut_off_at_once_and_the_chain_goes_on(c):
    """`strand chain revoke`: every node's node.toml gains the node ID and the running nodes reread
    it on SIGHUP, cutting the revoked validator off at once; the other three still commit. Lifted,
    it links up again and catches up."""
    node3 = health(c.urls[3])[1]["nodeId"]
    c.chain("revoke", node3)
    wait_until(lambda: health(c.urls[3])[1]["peers"] == 0, 15, "node3 to be cut off")
    assert all(health(c.urls[k])[1]["peers"] == 2 for k in range(3))
    assert "ISOLATED" in c.chain("status").stdout
    with open(os.path.join(c.dir, "node0", "node.toml")) as f:
        assert node3.removeprefix("0x") in f.read().split("revoked = ")[1].split("\n")[0]
    before = c.heights([0, 1, 2])
    c.finish_load(c.start_load([0, 1, 2], 300), 300)
    assert min(c.heights([0, 1, 2])) > max(before)
    c.chain("revoke", "--lift", node3)
    wait_until(lambda: health(c.urls[3])[1]["peers"] == 3, 20, "node3 linked again")
    wait_until(c.same_head, 60, "node3 to catch up")


def test_a_revoked_certificate_is_cut_off_and_lifted(c):
    """Revocation by the chain CA's list: `strand cert revoke` adds node3's certificate to
    ca/crl.pem (which `openssl crl` verifies against the CA), `strand chain revoke --crl` installs
    it on every node and the running nodes cut node3 off at once; lifted, it links up and catches up."""
    ca_dir = os.path.join(c.dir, "ca")
    revoked = subprocess.run([STRAND, "cert", "revoke", "--ca-dir", ca_dir, os.path.join(c.dir, "node3", "tls.crt")],
                             capture_output=True, text=True, timeout=30)
    assert revoked.returncode == 0 and "1 certificate(s) revoked" in revoked.stdout, revoked
    crl = os.path.join(ca_dir, "crl.pem")
    checked = subprocess.run(["openssl", "crl", "-in", crl, "-CAfile", os.path.join(ca_dir, "ca.crt"), "-noout", "-text"],
                             capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0 and "verify OK" in checked.stderr + checked.stdout, checked
    serial = revoked.stdout.split("serial ")[1].split(",")[0].upper()
    assert serial in checked.stdout.replace(":", "").upper(), (serial, checked.stdout)
    c.chain("revoke", "--crl", crl)
    wait_until(lambda: health(c.urls[3])[1]["peers"] == 0, 15, "node3 to be cut off")
    before = c.heights([0, 1, 2])
    c.finish_load(c.start_load([0, 1, 2], 200), 200)
    assert min(c.heights([0, 1, 2])) > max(before)
    lifted = subprocess.run([STRAND, "cert", "revoke", "--lift", "--ca-dir", ca_dir, os.path.join(c.dir, "node3", "tls.crt")],
                            capture_output=True, text=True, timeout=30)
    assert lifted.returncode == 0 and "0 certificate(s) revoked" in lifted.stdout, lifted
    c.chain("revoke", "--crl", crl)
    wait_until(lambda: health(c.urls[3])[1]["peers"] == 3, 20, "node3 linked again")
    wait_until(c.same_head, 60, "node3 to catch up")


def main():
    become_a_parent_that_never_reaps()
    c = Cluster(prefix="strand-operations-")
    return run_suite(c, [test_health_names_the_node, test_a_killed_node_is_a_zombie_that_chain_start_starts_anew,
                         test_health_is_503_without_a_quorum, test_a_stale_pid_file_is_replaced_and_never_signalled,
                         test_each_node_has_a_systemd_unit, test_sighup_reopens_the_log_file,
                         test_a_snapshot_of_a_running_node_restores_into_another_that_syncs_the_rest,
                         test_a_validator_with_its_data_lost_rebuilds_from_its_peers_and_votes,
                         test_a_rolling_restart_under_load_loses_nothing, test_a_revoked_node_is_cut_off_at_once_and_the_chain_goes_on,
                         test_a_revoked_certificate_is_cut_off_and_lifted,
                         same_block_at_every_height], c.dir, NODES)


if __name__ == "__main__":
    sys.exit(main())
