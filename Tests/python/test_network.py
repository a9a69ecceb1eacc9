"""End to end: a 4-node chain (1 validator, 3 observers) made by `strand chain init` and run by
`strand chain start`. Load goes to the observers (gossip carries it to the validator, sync brings
the blocks back); every transaction commits and the conservation check holds; all nodes end on
the same head. An observer killed with SIGKILL misses a few hundred blocks, is restarted, and
catches up to the same head and state root; one paused with SIGSTOP past the dead-peer timeout
catches up when it resumes. Prints `N passed, N failed`."""
import ctypes
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STRAND = os.environ.get("STRAND", os.path.join(ROOT, ".build", "debug", "strand"))
LOADGEN = os.environ.get("LOADGEN", os.path.join(os.path.dirname(STRAND), "strand-loadgen"))
NODES = 4


def become_a_parent_that_never_reaps():
    """Makes this process the one that orphaned nodes are handed to (PR_SET_CHILD_SUBREAPER) and
    never reaps them: a node that `strand chain start` spawned and a test then kills stays a zombie,
    as under a PID 1 that reaps late or in a container without an init. The multi-process tests
    run this way on every machine, so that they see what a user of such a machine sees."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(36, 1, 0, 0, 0) != 0:  # PR_SET_CHILD_SUBREAPER
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")


def process_state(pid):
    """The state letter of /proc/PID/stat (R, S, Z, …), or None if there is no such process."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return None


def free_base(count):
    """A base port with `count` free ports above it, for RPC and for P2P."""
    for _ in range(50):
        base = random.randint(20000, 60000 - count)
        try:
            sockets = []
            for port in range(base, base + count):
                s = socket.socket()
                s.bind(("127.0.0.1", port))
                sockets.append(s)
            for s in sockets:
                s.close()
            return base
        except OSError:
            for s in sockets:
                s.close()
    raise RuntimeError("no free ports")


def rpc(url, method, params=None):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        answer = json.loads(response.read())
    if "error" in answer:
        raise RuntimeError(f"{method}: {answer['error']}")
    return answer["result"]


def head(url):
    block = rpc(url, "eth_getBlockByNumber", ["latest", False])
    return int(block["number"], 16), block["hash"], block["stateRoot"]


def wait_until(condition, seconds, what):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if condition():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


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


def stop_and_verify(directory, nodes):
    """`strand chain stop`, then `strand ledger verify` on every node: all must verify and end on
    one state root. Returns (checks passed, checks failed)."""
    passed = failed = 0
    stop = subprocess.run([STRAND, "chain", "stop", "--dir", directory], capture_output=True, text=True, timeout=120)
    if stop.returncode == 0:
        passed += 1
        print("ok   strand chain stop")
    else:
        failed += 1
        print("FAIL strand chain stop: " + stop.stderr)
    roots = set()
    for k in range(nodes):
        verify = subprocess.run([STRAND, "ledger", "verify", "--data", os.path.join(directory, f"node{k}", "data")],
                                capture_output=True, text=True)
        if verify.returncode != 0:
            failed += 1
            print(f"FAIL node{k}'s ledger: {verify.stderr}")
        roots.add(verify.stdout.split("state root")[-1].split()[0] if "state root" in verify.stdout else verify.stdout)
    if len(roots) == 1:
        passed += 1
        print(f"ok   {nodes} ledgers verify and end on one state root")
    else:
        failed += 1
        print(f"FAIL ledgers differ: {roots}")
    return passed, failed


def run_suite(subject, tests, directory, nodes, after_failure=None, epilogue=None):
    """Runs each test on `subject`, then `stop_and_verify`; prints `N passed, N failed` and returns
    the exit code. `after_failure` runs after a failed test (to heal what it left), `epilogue`
    prints extra lines before the verdict; the chain's directory is kept when anything failed."""
    passed = failed = 0
    try:
        for test in tests:
            started = time.time()
            try:
                test(subject)
                passed += 1
                print(f"ok   {test.__name__} ({time.time() - started:.1f} s)", flush=True)
            except Exception:
                failed += 1
                print(f"FAIL {test.__name__}", flush=True)
                traceback.print_exc()
                if after_failure:
                    after_failure()
    finally:
        stopped, bad = stop_and_verify(directory, nodes)
        passed, failed = passed + stopped, failed + bad
        if epilogue:
            epilogue()
        if failed == 0:
            shutil.rmtree(directory, ignore_errors=True)
        else:
            print(f"logs kept in {directory}")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


def main():
    become_a_parent_that_never_reaps()
    net = Network()
    return run_suite(net, [test_load_on_observers_commits_everywhere, test_killed_observer_catches_up,
                           test_paused_observer_catches_up], net.dir, NODES)


if __name__ == "__main__":
    sys.exit(main())
