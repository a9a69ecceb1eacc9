"""End to end: a chain of 4 validators agreeing by PBFT (`strand chain init --nodes 4`), real
processes on loopback, load from `strand-loadgen` spread over the nodes with its conservation
check. A transaction behind a nonce gap, held by every pool, changes no view on the idle chain. One validator killed with SIGKILL under load: commits go on; restarted, it syncs and votes
again. Two killed: no commits and no fork; restarted: commits resume. The leader paused with
SIGSTOP for 10 s: a view change and progress. AMOP between institutions over FISCO's channel
port: a subscriber at node3, a publisher at node0, request and reply, multicast, and FISCO's code for
a topic nobody subscribed; a receipt pushed by the node a deploy went through, and an event pushed to
an SDK at another node than the transaction's. At the end every node holds the same block at every height and every
ledger verifies to one state root. Prints `N passed, N failed`."""
import json
import os
import subprocess
import sys
import threading
import time

import channel_client
from channel_client import ChannelClient
from ws_client import WebSocketClient
from harness import NODES, STRAND, Cluster, become_a_parent_that_never_reaps, free_base, rpc, run_suite, same_block_at_every_height, wait_until


def test_four_validators_commit_load_spread_over_them(c):
    status = rpc(c.urls[1], "getConsensusStatus", [1])
    assert status["algorithm"] == "pbft" and status["validatorCount"] == 4 and status["quorum"] == 3, status
    c.finish_load(c.start_load(range(NODES), 2000), 2000)
    wait_until(c.same_head, 30, "the same head on every validator")
    block = rpc(c.urls[2], "eth_getBlockByNumber", ["latest", False])
    assert len(block["signatureList"]) >= 3, block["signatureList"]


def test_a_transaction_behind_a_nonce_gap_changes_no_view_on_an_idle_chain(c):
    """Every pool holds it (gossip), yet no block can take it: it must not make the validators
    expect one and time out views (the timer runs while a block is due)."""
    wait_until(c.same_head, 30, "the same head on every validator")
    key = os.path.join(c.dir, "gapped.key")
    subprocess.run([STRAND, "keygen", "--out", key], check=True, capture_output=True)
    gapped = subprocess.run([STRAND, "tx", "sign", "--key", key, "--to", "0x" + "11" * 20, "--nonce", "2", "--chain-id", "20200"],
                            check=True, capture_output=True, text=True).stdout.strip()
    views = sum(c.metric(k, "strand_consensus_view_changes_total ") for k in range(NODES))
    height = c.heights([0])[0]
    rpc(c.urls[0], "eth_sendRawTransaction", [gapped if gapped.startswith("0x") else "0x" + gapped])
    wait_until(lambda: all(c.metric(k, "strand_txpool_size ") == 1 for k in range(NODES)), 10, "the transaction in every pool")
    time.sleep(8)  # past two view timeouts (3 s, then 4.5 s)
    after = sum(c.metric(k, "strand_consensus_view_changes_total ") for k in range(NODES))
    assert after == views, f"views changed on an idle chain: {views} → {after}"
    assert c.heights([0])[0] == height


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


def topic_framed(topic, payload):
    return bytes([len(topic) + 1]) + topic.encode() + payload


def poll(client, kind, timeout):
    """The next frame of `kind` within `timeout` seconds, or None."""
    try:
        return client.recv_type(kind, timeout=timeout)
    except (TimeoutError, OSError):
        return None


def test_amop_between_institutions(c):
    """FISCO's AMOP through the nodes: SDKs at node2 and node3 subscribe a topic (0x32), one at
    node0 publishes to it (0x30) and gets the answer (0x31) of whichever subscriber the node chose,
    under its own sequence; a multicast (0x35) reaches both; a topic nobody subscribed answers 100. WebSocket clients on the RPC port take part through the
    same router (amop_subscribe, amop_reply, amop_publish)."""
    sdk = lambda k: os.path.join(c.dir, f"node{k}", "sdk")
    subscribers = [ChannelClient(c.channel_base + k, sdk(k)) for k in (3, 2)]
    for client in subscribers:
        client.send(channel_client.TOPIC_REPORT, channel_client.sequence(), json.dumps(["_block_notify_1", "settlement"]).encode())
    publisher = ChannelClient(c.channel_base, sdk(0))

    def ask(topic, payload):
        seq = channel_client.sequence()
        publisher.send(0x30, seq, topic_framed(topic, payload))
        return seq

    # The subscriptions reach node0 in the nodes' topic announcements: until then, 100.
    deadline = time.time() + 20
    while True:
        seq = ask("settlement", b"invoice 43?")
        delivered = next(((client, frame) for client in subscribers if (frame := poll(client, 0x30, 0.3))), None)
        if delivered:
            break
        answer = poll(publisher, 0x31, 2)
        assert answer and answer[2] == 100, answer
        assert time.time() < deadline, "the subscriptions never reached node0"
    client, (_, got, _, body) = delivered
    assert got == seq and body == topic_framed("settlement", b"invoice 43?"), (got, body)
    client.send(0x31, got, topic_framed("settlement", b"paid"))
    _, answered, result, body = publisher.recv_type(0x31)
    assert answered == seq and result == 0 and body == topic_framed("settlement", b"paid"), (answered, result, body)

    publisher.send(0x35, channel_client.sequence(), topic_framed("settlement", b"to all"))
    for client in subscribers:
        frame = client.recv_type(0x35, timeout=10)
        assert frame[3] == topic_framed("settlement", b"to all"), frame
    ask("nobody-listens", b"?")
    assert publisher.recv_type(0x31)[2] == 100

    # The same router for WebSocket clients on the RPC port: one subscribes at node1 and answers
    # what the SDK at node0 publishes; another, at node2, publishes to the SDKs' topic.
    web = WebSocketClient("127.0.0.1", c.rpc_base + 1)
    assert web.call("amop_subscribe", ["payments"])["result"] is True
    deadline = time.time() + 20
    while True:
        seq = ask("payments", b"pay 7?")
        answer = poll(publisher, 0x31, 0.5)
        if answer is None:
            break
        assert answer[2] == 100 and time.time() < deadline, answer
        time.sleep(0.3)
    message = web.notification("amop_message")["params"]
    assert message["topic"] == "payments" and bytes.fromhex(message["data"][2:]) == b"pay 7?" and message["requestId"] == seq.decode()
    assert web.call("amop_reply", message["requestId"], "0x" + b"paid 7".hex())["result"] is True
    _, got, result, body = publisher.recv_type(0x31)
    assert got == seq and result == 0 and body == topic_framed("payments", b"paid 7"), (got, result, body)
    asker = WebSocketClient("127.0.0.1", c.rpc_base + 2)

    def answer_one(client, payload):
        frame = poll(client, 0x30, 10)
        if frame:
            client.send(0x31, frame[1], topic_framed("settlement", payload))

    # Only the SDK at node3 keeps the topic now, so it is the one that answers.
    subscribers[1].send(channel_client.TOPIC_REPORT, channel_client.sequence(), json.dumps(["_block_notify_1"]).encode())
    time.sleep(1)
    reply = threading.Thread(target=answer_one, args=(subscribers[0], b"ok"))
    reply.start()
    published = asker.call("amop_publish", "settlement", "0x" + b"from ws".hex(), timeout=20)["result"]
    reply.join()
    assert published == {"result": 0, "data": "0x" + b"ok".hex()}, published
    assert asker.call("amop_publish", "nobody-listens", "0x00")["result"]["result"] == 100
    for client in [publisher, *subscribers, web, asker]:
        client.close()


# Tests/python/contracts/HelloEvent.vy compiled (its creation code; no compiler in this suite's
# Python), set(string)'s selector and its on_set(string) event's topic.
HELLO_EVENT_BIN = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "contracts", "HelloEvent.bin")).read().strip()
SET_SELECTOR = "4ed3885e"
ON_SET_TOPIC = "0xc86dd792cb0df852949fd9d6a7b5a0d8b1cd57ba9066ad4c8da6a1e5c51c9b9a"


def test_channel_pushes_across_nodes(c):
    """The channel port on a 4-node chain: a contract deployed through node1's port gets its
    receipt pushed under the request's sequence; an SDK at node0 registered for its events hears
    the one a transaction sent through node2 emits."""
    key = os.path.join(c.dir, "pusher.key")
    subprocess.run([STRAND, "keygen", "--out", key], check=True, capture_output=True)
    sdk = lambda k: os.path.join(c.dir, f"node{k}", "sdk")

    def sign(nonce, data, to=None):
        args = [STRAND, "tx", "sign", "--key", key, "--nonce", str(nonce), "--chain-id", "20200", "--data", data, "--gas", "3000000"]
        return subprocess.run(args + (["--to", to] if to else []), check=True, capture_output=True, text=True).stdout.strip()

    deployer = ChannelClient(c.channel_base + 1, sdk(1))
    answer, seq = deployer.rpc("sendRawTransaction", 1, sign(0, HELLO_EVENT_BIN))
    _, got, _, body = deployer.recv_type(channel_client.TX_COMMITTED, timeout=30)
    receipt = json.loads(body)
    assert got == seq and receipt["transactionHash"] == answer["result"] and receipt["contractAddress"], receipt
    contract = receipt["contractAddress"]

    listener = ChannelClient(c.channel_base, sdk(0))
    request = {"fromBlock": "latest", "toBlock": "latest", "addresses": [contract], "topics": [ON_SET_TOPIC], "groupID": "1",
               "filterID": "across"}
    listener.send(0x15, channel_client.sequence(), b"\x01" + json.dumps(request).encode())
    assert listener.recv_type(0x15)[3] == b'\x01{"result":0}'
    text = b"sent at node2"
    data = SET_SELECTOR + (32).to_bytes(32, "big").hex() + len(text).to_bytes(32, "big").hex() + text.ljust(32, b"\0").hex()
    sender = ChannelClient(c.channel_base + 2, sdk(2))
    sent, _ = sender.rpc("sendRawTransaction", 1, sign(1, data, to=contract))
    push = json.loads(listener.recv_type(0x1002, timeout=30)[3])
    assert push["filterID"] == "across" and [log["transactionHash"] for log in push["logs"]] == [sent["result"]], push
    assert text.hex() in push["logs"][0]["data"], push
    for client in (deployer, listener, sender):
        client.close()


def main():
    """STRAND_CRYPTO=sm: the same validators on a 国密 chain (SM2 seals, votes and transactions, SM3
    hashes), under the same kills and pause; the channel tests, whose SDK side signs secp256k1, are
    left out."""
    become_a_parent_that_never_reaps()
    channel_base = free_base(NODES)
    crypto = os.environ.get("STRAND_CRYPTO")
    c = Cluster(init_args=("--channel-port", str(channel_base)), crypto=crypto)
    c.channel_base = channel_base
    faults = [test_four_validators_commit_load_spread_over_them, test_one_killed_validator_leaves_the_chain_committing,
              test_two_killed_stop_commits_without_a_fork_and_restarted_resume, test_paused_leader_gives_way_to_a_view_change]
    channel = [] if crypto == "sm" else [test_amop_between_institutions, test_channel_pushes_across_nodes]
    # An Ethereum transaction: a 国密 chain refuses it.
    if crypto != "sm":
        faults.insert(1, test_a_transaction_behind_a_nonce_gap_changes_no_view_on_an_idle_chain)
    return run_suite(c, faults + channel + [same_block_at_every_height], c.dir, NODES)


if __name__ == "__main__":
    sys.exit(main())
