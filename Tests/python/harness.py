"""What the multi-process tests share, standard library only: the binaries, free ports, JSON-RPC,
waiting, a parent that never reaps, a chain of four PBFT validators run as users run them, and
the runner that ends every suite by stopping the chain and verifying each ledger."""
import ctypes
import json
import os
import random
import shutil
import socket
import subprocess
import tempfile
import time
import traceback
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STRAND = os.environ.get("STRAND", os.path.join(ROOT, ".build", "debug", "strand"))
LOADGEN = os.environ.get("LOADGEN", os.path.join(os.path.dirname(STRAND), "strand-loadgen"))
NODES = 4


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


class Cluster:
    """`nodes` (4 by default) from `strand chain init`, all validators unless `init_args` says
    otherwise, started; node k on hosts[k] (all on 127.0.0.1 by default). `crypto` "sm": a 国密
    chain, loaded with SM2 transactions."""

    def __init__(self, hosts=None, prefix="strand-cluster-e2e-", nodes=NODES, init_args=(), crypto=None):
        self.dir = tempfile.mkdtemp(prefix=prefix)
        self.crypto_args = ("--crypto", crypto) if crypto else ()
        init_args = (*init_args, *self.crypto_args)
        hosts = hosts or ["127.0.0.1"] * nodes
        self.rpc_base, self.p2p_base = free_base(nodes), free_base(nodes)
        subprocess.run([STRAND, "chain", "init", "--dir", self.dir, "--nodes", str(nodes), "--hosts", ",".join(hosts),
                        "--rpc-port", str(self.rpc_base), "--p2p-port", str(self.p2p_base), *init_args], check=True, capture_output=True)
        self.urls = [f"http://{hosts[k]}:{self.rpc_base + k}" for k in range(nodes)]
        self.chain("start", "--timeout", "60")

    def chain(self, *args):
        result = subprocess.run([STRAND, "chain", *args, "--dir", self.dir], capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result
        return result

    def start_load(self, nodes, txs, timeout=90, qps=0, batch=250):
        urls = [self.urls[k] for k in nodes]
        return subprocess.Popen([LOADGEN, *sum([["--rpc", u] for u in urls], []), "--workload", "dag-transfer",
                                 "--txs", str(txs), "--users", "400", "--batch", str(batch), "--qps", str(qps),
                                 "--timeout", str(timeout), "--json", *self.crypto_args],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    @staticmethod
    def finish_load(process, txs):
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err[-2000:]
        report = json.loads(out)
        assert report["verify"] == "success" and report["committed"] == txs, report
        return report

    def pid(self, k):
        with open(os.path.join(self.dir, f"node{k}", "node.pid")) as f:
            return int(f.read())

    def heights(self, nodes=range(NODES)):
        return [head(self.urls[k])[0] for k in nodes]

    def same_head(self, nodes=range(NODES)):
        heads = [head(self.urls[k]) for k in nodes]
        return all(h == heads[0] for h in heads) and heads[0][0] > 0

    def metric(self, k, prefix):
        """The sum of node k's samples whose line starts with `prefix` (a name and a space, or a name with labels)."""
        with urllib.request.urlopen(self.urls[k] + "/metrics", timeout=10) as response:
            return sum(float(line.split()[-1]) for line in response.read().decode().splitlines() if line.startswith(prefix))



def same_block_at_every_height(c, nodes=range(NODES)):
    top = min(c.heights(nodes))
    for number in range(1, top + 1):
        hashes = {rpc(c.urls[k], "eth_getBlockByNumber", [hex(number), False])["hash"] for k in nodes}
        assert len(hashes) == 1, f"block {number} differs: {hashes}"
