"""FISCO BCOS 2.x's channel port against a real node, spoken as FISCO's python-sdk speaks it (TLS
1.2 with secp256k1, the sdk/ certificates `chain init --channel-port` writes, 42-byte frames): RPC,
pushes, and the refusals and bounds. Prints `N passed, N failed`."""
import json
import os
import ssl
import struct
import subprocess
import sys
import tempfile
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import channel_client  # noqa: E402
from channel_client import ChannelClient  # noqa: E402
from harness import STRAND  # noqa: E402
from node_harness import run_tests  # noqa: E402
from test_fisco import GROUP_ID, PARALLEL_TRANSFER, Fisco, fisco_tx, transfer_call  # noqa: E402


def test_the_channel_port_as_the_sdk_uses_it(chain):
    """FISCO's channel port, spoken as its python-sdk speaks it (TLS 1.2, secp256k1, sdk/): RPC on
    0x12, a heartbeat answered, the block number pushed on 0x1001 after a topic report, and a
    transaction's receipt pushed on 0x1000 under the sendRawTransaction's own sequence."""
    fisco = Fisco(chain)
    client = ChannelClient(chain.channel_port, os.path.join(chain.dir, "sdk"))
    assert client.sock.version() == "TLSv1.2", client.sock.version()
    answer, _ = client.rpc("getBlockNumber", GROUP_ID)
    assert int(answer["result"], 16) == fisco.height(), answer
    seq = channel_client.sequence()
    client.send(channel_client.HEARTBEAT, seq, b"")
    assert client.recv_type(channel_client.HEARTBEAT)[1] == seq
    client.send(channel_client.TOPIC_REPORT, channel_client.sequence(), json.dumps(["_block_notify_1"]).encode())
    raw = fisco_tx(transfer_call("userAdd", "channel", 1), to=PARALLEL_TRANSFER, randomid=fisco.fresh_id(), block_limit=fisco.height() + 500)
    answer, seq = client.rpc("sendRawTransaction", GROUP_ID, "0x" + raw.hex())
    tx_hash = answer["result"]
    receipt, notified = None, 0
    while receipt is None or notified < int(receipt["blockNumber"], 16):
        kind, got, result, body = client.recv()
        if kind == channel_client.TX_COMMITTED:
            receipt = json.loads(body)
            assert got == seq and result == 0 and receipt["transactionHash"] == tx_hash and receipt["status"] == "0x0", receipt
        elif kind == channel_client.BLOCK_NUMBER:
            assert got == b"0" * 32 and body.startswith(b"\x10_block_notify_1"), body
            notified = int(body.decode().split(",")[1])
    number = int(receipt["blockNumber"], 16)
    seen = notified
    assert seen == number
    client.close()


def test_the_channel_port_refuses_what_it_should(chain):
    """No client certificate, or one from another chain's CA: the handshake fails. Garbage and
    oversized frames close the session (counted); an unknown type is ignored (counted); AMOP
    publishes beyond the session's rate are answered 103."""
    bare = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    bare.check_hostname = False
    bare.verify_mode = ssl.CERT_NONE
    bare.set_ecdh_curve("secp256k1")
    try:
        c = ChannelClient(chain.channel_port, context=bare)
        c.rpc("getBlockNumber", GROUP_ID)
        raise AssertionError("a client without a certificate was served")
    except (ssl.SSLError, ConnectionError, OSError):
        pass
    foreign = tempfile.mkdtemp(prefix="strand-foreign-")
    subprocess.run([STRAND, "chain", "init", "--dir", os.path.join(foreign, "c"), "--channel-port", "20999"], check=True, capture_output=True)
    try:
        c = ChannelClient(chain.channel_port, os.path.join(foreign, "c", "sdk"))
        c.rpc("getBlockNumber", GROUP_ID)
        raise AssertionError("a client of another chain's CA was served")
    except (ssl.SSLError, ConnectionError, OSError):
        pass
    sdk = os.path.join(chain.dir, "sdk")
    odd = ChannelClient(chain.channel_port, sdk)
    odd.send(0x7777, channel_client.sequence(), b"?")
    assert odd.rpc("getBlockNumber", GROUP_ID)[0]["result"].startswith("0x"), "still served after an unknown type"
    odd.close()
    for garbage in (b"\x00\x00\x00\x05hello", struct.pack("!IH32sI", 1 << 30, 0x12, b"0" * 32, 0)):
        bad = ChannelClient(chain.channel_port, sdk)
        bad.send_raw(garbage)
        try:
            bad.recv(timeout=10)
            raise AssertionError("a bad frame was answered")
        except (ConnectionError, ssl.SSLError, OSError):
            pass
    # AMOP publishes beyond a session's rate (a burst of 2,000, then 1,000 a second) get FISCO's 103.
    flood = ChannelClient(chain.channel_port, sdk)
    for _ in range(2600):
        flood.send(0x30, channel_client.sequence(), bytes([len("nobody") + 1]) + b"nobody" + b"x")
    results = [flood.recv_type(0x31)[2] for _ in range(2600)]
    assert set(results) == {100, 103} and results.count(103) >= 100, (results.count(100), results.count(103))
    flood.close()
    metrics = urllib.request.urlopen(chain.url + "/metrics", timeout=10).read().decode()
    counts = {line.split(" ")[0]: float(line.split(" ")[1]) for line in metrics.splitlines() if line.startswith("strand_channel_")}
    assert counts.get('strand_channel_frames_total{result="bad"}', 0) >= 2, counts
    assert counts.get('strand_channel_frames_total{result="ignored"}', 0) >= 1, counts
    assert counts.get("strand_channel_handshake_failures_total", 0) >= 2, counts


def main():
    return run_tests([test_the_channel_port_as_the_sdk_uses_it, test_the_channel_port_refuses_what_it_should])


if __name__ == "__main__":
    sys.exit(main())
