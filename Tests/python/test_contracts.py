"""End-to-end test of EVM contracts in a real node: a Vyper contract compiled here, deployed
and used with web3.py (web3's default EIP-1559 fee logic), events read with get_logs, and
the ERC-20 in ../shared/contracts. Prints `N passed, N failed`.

Runs in its own virtual environment (web3, eth-account, vyper): scripts/test.sh sets it up.
"""
import json
import os
import sys
import time

import vyper
from web3 import Web3

from harness import ROOT
from node_harness import run_tests, send

CONTRACTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "contracts")


def compile_vyper(name):
    with open(os.path.join(CONTRACTS, name)) as f:
        source = f.read()
    out = vyper.compile_code(source, output_formats=["abi", "bytecode"])
    return out["abi"], out["bytecode"]


def deploy(chain, account, abi, bytecode, *args):
    factory = chain.w3.eth.contract(abi=abi, bytecode=bytecode)
    # web3 fills chain id, nonce, gas (eth_estimateGas) and type-2 fees (maxFeePerGas from the
    # latest base fee, maxPriorityFeePerGas from the node).
    tx = factory.constructor(*args).build_transaction(sender(chain, account))
    assert "maxFeePerGas" in tx and "gasPrice" not in tx, tx
    receipt = send(chain, account, tx)
    assert receipt.status == 1, receipt
    assert receipt.contractAddress, receipt
    return chain.w3.eth.contract(address=receipt.contractAddress, abi=abi), receipt


def sender(chain, account, **extra):
    return {"from": account.address, "nonce": chain.w3.eth.get_transaction_count(account.address, "pending"), **extra}


def transact(chain, account, function):
    return send(chain, account, function.build_transaction(sender(chain, account)))


def test_vyper_contract(chain):
    abi, bytecode = compile_vyper("Ledger.vy")
    alice, bob = chain.accounts[0], chain.accounts[1]
    ledger, receipt = deploy(chain, alice, abi, bytecode)
    assert chain.w3.eth.get_code(ledger.address) != b"", "code is stored"
    assert ledger.functions.owner().call() == alice.address
    assert ledger.functions.count().call() == 0

    document = Web3.keccak(text="invoice 2026-0042")
    r = transact(chain, alice, ledger.functions.record(document, "reconciled with bank B"))
    assert r.status == 1
    assert ledger.functions.count().call() == 1
    assert ledger.functions.recordedBy(document).call() == alice.address
    assert ledger.functions.note(document).call() == "reconciled with bank B"
    # eth_call may simulate a call "from" a contract (EIP-3607 binds real transactions only).
    assert ledger.functions.count().call({"from": ledger.address}) == 1

    events = ledger.events.Recorded().process_receipt(r)
    assert len(events) == 1 and events[0].args.document == document and events[0].args.recorder == alice.address

    # A second record of the same document reverts: the reason reaches eth_call and the receipt.
    try:
        ledger.functions.record(document, "again").call({"from": bob.address})
        raise AssertionError("eth_call should revert")
    except Exception as error:  # web3 raises ContractLogicError
        assert "already recorded" in str(error), error
    tx = ledger.functions.record(document, "again").build_transaction(sender(chain, bob, gas=200_000))
    failed = send(chain, bob, tx)
    assert failed.status == 0

    other = Web3.keccak(text="contract 7")
    transact(chain, bob, ledger.functions.record(other, "arbitration evidence"))
    logs = ledger.events.Recorded().get_logs(from_block=receipt.blockNumber)
    assert [e.args.document for e in logs] == [document, other], logs
    only_bob = chain.w3.eth.get_logs({"fromBlock": receipt.blockNumber, "address": ledger.address,
                                      "topics": [None, "0x" + "00" * 12 + bob.address[2:].lower()]})
    assert len(only_bob) == 1, only_bob
    slot = chain.w3.eth.get_storage_at(ledger.address, 0)
    assert Web3.to_checksum_address(slot[-20:]) == alice.address, slot.hex()


def test_erc20(chain):
    with open(os.path.join(os.path.dirname(ROOT), "shared", "contracts", "ERC20MockDecimals.json")) as f:
        artifact = json.load(f)
    bytecode = artifact["bytecode"]["object"] if isinstance(artifact["bytecode"], dict) else artifact["bytecode"]
    alice, bob, carol = chain.accounts
    token, _ = deploy(chain, alice, artifact["abi"], bytecode, "Strand Token", "STR", 10**24, 18)
    assert token.functions.totalSupply().call() == 10**24
    assert token.functions.decimals().call() == 18
    r = transact(chain, alice, token.functions.transfer(bob.address, 1234))
    assert r.status == 1
    transfers = token.events.Transfer().process_receipt(r)
    assert transfers[0].args.value == 1234
    assert token.functions.balanceOf(bob.address).call() == 1234
    r = transact(chain, bob, token.functions.approve(carol.address, 1000))
    r = transact(chain, carol, token.functions.transferFrom(bob.address, carol.address, 600))
    assert r.status == 1
    assert token.functions.balanceOf(carol.address).call() == 600
    assert token.functions.allowance(bob.address, carol.address).call() == 400
    assert token.functions.balanceOf(bob.address).call() == 634
    estimate = token.functions.transfer(carol.address, 1).estimate_gas({"from": bob.address})
    assert 21_000 < estimate < 100_000, estimate


def test_estimate_in_the_next_block(chain):
    """web3's default flow (build_transaction → eth_estimateGas → sign → send) right after a block:
    the estimate must hold in whichever block the transaction lands, here one whose
    timestamp may have moved on and makes the contract write a fresh slot."""
    abi, bytecode = compile_vyper("Accumulator.vy")
    alice = chain.accounts[0]
    accumulator, _ = deploy(chain, alice, abi, bytecode)
    for round in range(3):
        tx = accumulator.functions.poke().build_transaction(sender(chain, alice))
        # The block that mines it is in a later second than the head the estimate saw.
        time.sleep(1.05)
        r = send(chain, alice, tx)
        assert r.status == 1, (round, tx["gas"], r)
    assert accumulator.functions.count().call() == 3


def test_fisco_table_objects(chain):
    """FISCO 2.x's table objects from contract code: the asset sample (Asset.vy) creates its
    tables in its constructor (TableFactory, KVTableFactory), registers, selects, transfers
    (update with a condition), removes, keeps a key-value table and declares transfer to
    ParallelConfig; eth_call reads through the same objects."""
    abi, bytecode = compile_vyper("Asset.vy")
    alice, bob = chain.accounts[0], chain.accounts[1]
    asset, _ = deploy(chain, alice, abi, bytecode)
    r = transact(chain, alice, asset.functions.register("alice", 100))
    assert r.status == 1 and asset.events.Registered().process_receipt(r)[0].args.result == 1, r
    assert transact(chain, bob, asset.functions.register("bob", 50)).status == 1
    assert asset.functions.assetOf("alice").call() == [True, 100]
    assert asset.functions.assetOf("carol").call() == [False, 0]
    assert transact(chain, bob, asset.functions.transfer("alice", "bob", 30)).status == 1
    assert asset.functions.assetOf("alice").call() == [True, 70] and asset.functions.assetOf("bob").call() == [True, 80]
    failed = send(chain, alice, asset.functions.transfer("alice", "bob", 1000).build_transaction(sender(chain, alice, gas=3_000_000)))
    assert failed.status == 0 and asset.functions.assetOf("alice").call() == [True, 70]
    assert asset.functions.unregister("bob").call({"from": alice.address}) == 1
    assert transact(chain, alice, asset.functions.unregister("bob")).status == 1
    assert asset.functions.assetOf("bob").call() == [False, 0]

    assert asset.functions.kvGet("alice").call() == [False, 0]
    assert transact(chain, alice, asset.functions.kvSet("alice", 5)).status == 1
    assert transact(chain, alice, asset.functions.kvSet("alice", 9)).status == 1
    assert asset.functions.kvGet("alice").call() == [True, 9]
    assert asset.functions.enableParallel().call({"from": alice.address}) == 1
    assert transact(chain, alice, asset.functions.enableParallel()).status == 1


def test_events_pushed_over_the_channel_port(chain):
    """FISCO's event-log registration on the channel port (0x15, as the python-sdk's
    client/event_callback.py sends it): a filter from an old block gets that block's event at once,
    a "latest" one the next event as its block commits (0x1002, FISCO's JSON), and only its contract's."""
    import channel_client
    from channel_client import ChannelClient
    abi, bytecode = compile_vyper("HelloEvent.vy")
    alice = chain.accounts[0]
    hello, _ = deploy(chain, alice, abi, bytecode)
    first = transact(chain, alice, hello.functions.set("before"))
    client = ChannelClient(chain.channel_port, os.path.join(chain.dir, "sdk"))
    topic = "0x" + Web3.keccak(text="on_set(string)").hex().removeprefix("0x")

    def register(filter_id, from_block):
        request = {"fromBlock": from_block, "toBlock": "latest", "addresses": [hello.address], "topics": [topic],
                   "groupID": "1", "filterID": filter_id}
        seq = channel_client.sequence()
        client.send(0x15, seq, b"\x01" + json.dumps(request).encode())
        kind, got, result, body = client.recv_type(0x15)
        assert got == seq and body == b'\x01{"result":0}', body

    def pushed(filter_id):
        while True:
            _, got, _, body = client.recv_type(0x1002)
            push = json.loads(body)
            if push["filterID"] == filter_id:
                assert got == b"0" * 32 and push["result"] == 0, push
                return push["logs"]

    register("old", str(first.blockNumber))
    logs = pushed("old")
    assert [log["transactionHash"] for log in logs] == [first.transactionHash.to_0x_hex()], logs
    register("new", "latest")
    other, _ = deploy(chain, alice, abi, bytecode)
    transact(chain, alice, other.functions.set("elsewhere"))
    r = transact(chain, alice, hello.functions.set("after"))
    logs = pushed("new")
    assert [log["transactionHash"] for log in logs] == [r.transactionHash.to_0x_hex()], logs
    from eth_abi import decode
    assert decode(["string"], bytes.fromhex(logs[0]["data"][2:]))[0] == "after" and logs[0]["topics"] == [topic], logs
    client.close()


def test_websocket_subscriptions(chain):
    """web3.py's WebSocketProvider on the RPC port: calls as over HTTP; eth_subscribe to newHeads,
    logs (one contract's) and newPendingTransactions receive what they should; eth_unsubscribe
    ends one; a subscription that is not Ethereum's is refused."""
    import asyncio
    from web3 import AsyncWeb3, WebSocketProvider
    abi, bytecode = compile_vyper("HelloEvent.vy")
    alice = chain.accounts[0]
    hello, _ = deploy(chain, alice, abi, bytecode)
    other, _ = deploy(chain, alice, abi, bytecode)

    async def session():
        async with AsyncWeb3(WebSocketProvider(chain.url.replace("http://", "ws://"))) as w3:
            assert await w3.eth.chain_id == chain.w3.eth.chain_id
            heads = await w3.eth.subscribe("newHeads")
            logs = await w3.eth.subscribe("logs", {"address": hello.address})
            pending = await w3.eth.subscribe("newPendingTransactions")
            try:
                await w3.eth.subscribe("syncing")
                raise AssertionError("a syncing subscription was accepted")
            except Exception as error:
                assert "newHeads" in str(error), error
            sent = await asyncio.to_thread(lambda: [transact(chain, alice, other.functions.set("elsewhere")),
                                                    transact(chain, alice, hello.functions.set("watched"))])
            seen = {"heads": [], "logs": [], "pending": []}
            async def collect():
                async for message in w3.socket.process_subscriptions():
                    kind = {heads: "heads", logs: "logs", pending: "pending"}[message["subscription"]]
                    seen[kind].append(message["result"])
                    if len(seen["logs"]) >= 1 and len(seen["pending"]) >= 2 and \
                            any(h["number"] >= sent[1].blockNumber for h in seen["heads"]):
                        return
            await asyncio.wait_for(collect(), 30)
            assert [log["transactionHash"] for log in seen["logs"]] == [sent[1].transactionHash], seen["logs"]
            assert {bytes(h) for h in seen["pending"]} >= {sent[0].transactionHash, sent[1].transactionHash}, seen["pending"]
            assert await w3.eth.unsubscribe(pending) is True
            again = await w3.provider.make_request("eth_unsubscribe", [pending])
            assert again["result"] is False, again

    asyncio.run(session())


def test_websocket_bounds(chain):
    """The WebSocket port's bounds: a flood of subscriptions stops at 64 a connection, garbage gets
    a parse error and the connection goes on, a message above 1 MiB closes it (1009), and a client
    that never reads is disconnected (1008) instead of growing the node's memory."""
    import asyncio
    import websockets
    abi, bytecode = compile_vyper("Asset.vy")
    asset, _ = deploy(chain, chain.accounts[0], abi, bytecode)
    url = chain.url.replace("http://", "ws://")

    async def session():
        async with websockets.connect(url, max_size=None) as ws:
            answers = []
            for i in range(70):
                await ws.send(json.dumps({"jsonrpc": "2.0", "id": i, "method": "eth_subscribe", "params": ["newHeads"]}))
                answers.append(json.loads(await ws.recv()))
            refused = [a for a in answers if "error" in a]
            assert len(refused) == 6 and refused[0]["error"]["code"] == -32005, refused[:1]
            await ws.send("{not json")
            assert json.loads(await ws.recv())["error"]["code"] == -32700
            await ws.send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []}))
            assert json.loads(await ws.recv())["result"].startswith("0x")
        async with websockets.connect(url, max_size=None) as ws:
            await ws.send("[" + " " * (1 << 20) + "]")
            try:
                await asyncio.wait_for(ws.recv(), 10)
                raise AssertionError("a message above 1 MiB was served")
            except websockets.ConnectionClosed as closed:
                assert closed.rcvd.code == 1009, closed
        async with websockets.connect(url, max_size=None, max_queue=1) as ws:
            request = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_getCode", "params": [asset.address, "latest"]})
            for _ in range(1500):
                await ws.send(request)
            await asyncio.sleep(3)
            received = 0
            try:
                while True:
                    await asyncio.wait_for(ws.recv(), 10)
                    received += 1
            except websockets.ConnectionClosed as closed:
                assert closed.rcvd is not None and closed.rcvd.code == 1008 and "too slow" in closed.rcvd.reason, closed
            assert received < 1500, received

    asyncio.run(session())


def test_private_amop_topics(chain):
    """A private topic (FISCO's #!$TopicNeedVerify_ prefix) over the WebSocket AMOP: a subscriber
    signs the node's challenge to prove its account; a publisher that allows that account reaches
    it, one that allows another gets 100; a private topic without a valid signature is refused."""
    import asyncio
    import websockets
    from eth_account import Account
    from eth_keys import keys
    topic = "#!$TopicNeedVerify_audit"
    member, stranger = chain.accounts[1], Account.create()
    url = chain.url.replace("http://", "ws://")

    async def call(ws, method, *params):
        await ws.send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}))
        while True:
            message = json.loads(await asyncio.wait_for(ws.recv(), 15))
            if message.get("id") == 1:
                return message

    def sign(account, nonce):
        digest = Web3.keccak(b"strand-amop-subscribe:" + bytes.fromhex(nonce[2:]) + topic.encode())
        return "0x" + keys.PrivateKey(bytes(account.key)).sign_msg_hash(digest).to_bytes().hex()

    async def session():
        async with websockets.connect(url) as subscriber, websockets.connect(url) as publisher:
            nonce = (await call(subscriber, "amop_challenge"))["result"]
            assert (await call(subscriber, "amop_subscribe", [topic]))["error"]["code"] == -32602
            assert (await call(subscriber, "amop_subscribe", [{"topic": topic, "signature": "0x00"}]))["error"]["code"] == -32602
            assert (await call(subscriber, "amop_subscribe", [{"topic": topic, "signature": sign(member, nonce)}]))["result"] is True

            async def answer():
                while True:
                    message = json.loads(await subscriber.recv())
                    if message.get("method") == "amop_message":
                        params = message["params"]
                        await subscriber.send(json.dumps({"jsonrpc": "2.0", "id": 2, "method": "amop_reply",
                                                          "params": [params["requestId"], "0x" + b"seen".hex()]}))
            responder = asyncio.create_task(answer())
            allowed = await call(publisher, "amop_publish", topic, "0x" + b"report".hex(), False, [member.address])
            assert allowed["result"] == {"result": 0, "data": "0x" + b"seen".hex()}, allowed
            other = await call(publisher, "amop_publish", topic, "0x" + b"report".hex(), False, [stranger.address])
            assert other["result"]["result"] == 100, other
            nobody = await call(publisher, "amop_publish", topic, "0x00")
            assert nobody["result"]["result"] == 100, nobody
            responder.cancel()

    asyncio.run(session())


def main():
    return run_tests([test_vyper_contract, test_erc20, test_estimate_in_the_next_block, test_fisco_table_objects,
                      test_events_pushed_over_the_channel_port, test_websocket_subscriptions,
                      test_websocket_bounds, test_private_amop_topics])


if __name__ == "__main__":
    sys.exit(main())
