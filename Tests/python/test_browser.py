"""The block browser the node serves on its RPC port, driven in Debian's Chromium (headless) by
Playwright, on a 4-node chain carrying the seed's applications: the evidence and reconciliation
contracts (named in CNS by their clients), a contract whose ABI is registered with one node only
(strand_registerAbi), a FISCO-format call of a native contract, and a failed transaction. Checks
the content of every route, search, live updates over the WebSocket, and the overview with a
node down. BROWSER_SCREENSHOTS=DIR keeps the overview's and a transaction's screenshots there
(docs/ holds the README's). Prints `N passed, N failed`."""
import hashlib
import os
import urllib.error
import urllib.request
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.join(HERE, "..", "..", "examples")
sys.path[:0] = [HERE, os.path.join(EXAMPLES, "evidence"), os.path.join(EXAMPLES, "reconciliation")]
import vyper  # noqa: E402
from eth_account import Account  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from web3 import Web3  # noqa: E402

from evidence import Institution  # noqa: E402
from harness import NODES, Cluster, become_a_parent_that_never_reaps, rpc, run_suite, wait_until  # noqa: E402
from reconcile import Bank  # noqa: E402
from fisco_transactions import PARALLEL_TRANSFER, fisco_tx, transfer_call  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = os.environ.get("BROWSER_SCREENSHOTS") or tempfile.mkdtemp(prefix="strand-browser-shots-")
seen = {}  # what the first test put on chain, for the rest


def signed_send(w3, account, call=None, **extra):
    """Sends a transaction and returns its receipt, failed or not."""
    tx = (call.build_transaction if call else lambda x: x)(
        {"from": account.address, "nonce": w3.eth.get_transaction_count(account.address, "pending"), "chainId": w3.eth.chain_id,
         "gasPrice": 0, "gas": 3_000_000, **extra})
    return w3.eth.wait_for_transaction_receipt(w3.eth.send_raw_transaction(account.sign_transaction(tx).raw_transaction), timeout=60)


def test_the_applications_on_chain(c):
    bank_key, bank_b_key, developer = Account.create(), Account.create(), Account.create()
    # Evidence at node0, named in CNS by its client.
    bank = Institution(c.urls[0], bank_key)
    seen["evidence"] = bank.deploy()
    evidence = hashlib.sha256(b"loan contract 2026-0042").digest()
    created = signed_send(bank.w3, bank_key, bank.contract.functions.create(evidence, [bank_key.address]))
    assert created.status == 1
    seen["created"] = created.transactionHash.to_0x_hex()
    seen["created_block"] = created.blockNumber
    seen["evidence_hex"] = evidence.hex()
    again = signed_send(bank.w3, bank_key, bank.contract.functions.create(evidence, [bank_key.address]))
    assert again.status == 0
    seen["failed"] = again.transactionHash.to_0x_hex()
    # Reconciliation: bank A at node1 deploys (CNS) and posts; bank B at node2 posts a wrong amount.
    bank_a = Bank(c.urls[1], Account.create())
    contract = bank_a.deploy()
    bank_b = Bank(c.urls[2], bank_b_key, contract)
    flow = {"serial": "IB-20261206-00001", "amount": 1000, "currency": "CNY", "valueDate": 20261206, "record": "flow 1"}
    bank_a.post([{**flow, "counterparty": bank_b_key.address, "direction": "debit"}])
    mismatched = bank_b.post([{**flow, "amount": 1001, "counterparty": bank_a.account.address, "direction": "credit"}])
    seen["mismatched"] = mismatched[0].transactionHash.to_0x_hex()
    # HelloEvent, its ABI registered with node0 only.
    out = vyper.compile_code(open(os.path.join(HERE, "contracts", "HelloEvent.vy")).read(), output_formats=["abi", "bytecode"])
    w3 = Web3(Web3.HTTPProvider(c.urls[0]))
    hello = w3.eth.contract(address=signed_send(w3, developer, data=out["bytecode"]).contractAddress, abi=out["abi"])
    answer = rpc(c.urls[0], "strand_registerAbi", [hello.address, out["abi"], "HelloEvent"])
    assert answer["functions"] >= 3 and answer["events"] == 2, answer
    seen["hello_set"] = signed_send(w3, developer, hello.functions.set("from the browser test")).transactionHash.to_0x_hex()
    # A FISCO-format call of the native ParallelTransfer.
    raw = fisco_tx(transfer_call("userAdd", "browser-user", 5), to=PARALLEL_TRANSFER, randomid=int(time.time() * 1000))
    seen["fisco"] = rpc(c.urls[0], "eth_sendRawTransaction", ["0x" + raw.hex()])
    wait_until(lambda: rpc(c.urls[0], "eth_getTransactionReceipt", [seen["fisco"]]), 30, "the FISCO transaction")
    wait_until(lambda: c.same_head(), 30, "all nodes at one head")


def test_bad_input_is_refused(c):
    url = c.urls[0]
    for params, words in (([seen["evidence"], "not json"], "abi"), ([seen["evidence"], [{"type": "function", "name": "f", "inputs": [{"type": "uint7"}]}]], "uint7"),
                          (["0x" + "11" * 20, []], "no contract code"), (["0x0000000000000000000000000000000000001004", []], "system contract")):
        refused(lambda: rpc(url, "strand_registerAbi", params), words)
    refused(lambda: rpc(url, "strand_transaction", ["0x12"]), "hash")
    refused(lambda: rpc(url, "strand_address", ["0x12"]), "address")
    assert rpc(url, "strand_block", [10 ** 9]) is None
    assert rpc(url, "strand_transaction", ["0x" + "ab" * 32]) is None
    try:
        urllib.request.urlopen(url + "/no/such/page", timeout=10)
        raise AssertionError("a page that does not exist was served")
    except urllib.error.HTTPError as error:
        assert error.code == 404, error


def refused(call, words):
    try:
        call()
    except RuntimeError as error:
        assert words in str(error), error
        return
    raise AssertionError(f"accepted; expected a refusal naming {words!r}")


def with_page(body):
    def test(c):
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"] if os.geteuid() == 0 else [])
            try:
                page = browser.new_page(viewport={"width": 1360, "height": 1100})
                errors = []
                page.on("pageerror", lambda error: errors.append(str(error)))
                try:
                    body(c, page)
                except Exception:
                    print(f"the page at {page.url} shows: {page.inner_text('main')[:800]!r}")
                    raise
                finally:
                    assert not errors, f"errors on the page: {errors}"

            finally:
                browser.close()
    test.__name__ = body.__name__
    return test


def eventually(condition, seconds, what):
    """Polls from Python: the page's Content-Security-Policy forbids the eval that Playwright's
    wait_for_function needs."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


def text(page, selector):
    page.wait_for_selector(selector, timeout=15_000)
    return page.inner_text(selector)


@with_page
def test_the_overview(c, page):
    page.goto(c.urls[0] + "/")
    height = int(text(page, "#height"))
    assert height >= seen["created_block"], height
    assert text(page, "#validators") == "4"
    assert int(text(page, "#total-transactions")) >= 8
    assert int(text(page, "#failed-transactions")) >= 1
    eventually(lambda: page.locator("#nodes tbody tr[data-state=up]").count() == 4, 15, "four nodes up")
    assert "(this node)" in text(page, "#nodes")
    assert page.locator("#latest-blocks tbody tr").count() >= 5
    latest = text(page, "#latest-transactions")
    assert "ParallelTransfer.userAdd" in latest and "HelloEvent.set" in latest, latest
    assert page.locator(".chart svg rect.bar").count() >= 5
    page.wait_for_selector("#live.on", timeout=10_000)
    page.screenshot(path=os.path.join(SCREENSHOTS, "browser-overview.png"), full_page=True)


@with_page
def test_transactions_decoded_with_their_outcome(c, page):
    # An evidence record, decoded at node3 from the ABI its client named in CNS at node0.
    page.goto(c.urls[3] + "/tx/" + seen["created"])
    assert text(page, "#tx-result") == "success"
    assert "Evidence.create(bytes32,address[])" in text(page, "#call-title")
    assert seen["evidence_hex"] in text(page, "#call-arguments")
    assert "Evidence.Created" in page.inner_text("main")
    assert "Ethereum legacy (EIP-155)" == text(page, "#tx-format")
    page.screenshot(path=os.path.join(SCREENSHOTS, "browser-transaction.png"), full_page=True)
    # The same record made twice: failed, with the contract's reason.
    page.goto(c.urls[0] + "/tx/" + seen["failed"])
    assert text(page, "#tx-result") == "failed"
    assert text(page, "#tx-reason") == "evidence already recorded"
    # A mismatched flow: the Mismatched event and its reason.
    page.goto(c.urls[2] + "/tx/" + seen["mismatched"])
    assert text(page, "#tx-result") == "success"
    main = page.inner_text("main")
    assert "Reconciliation.Mismatched" in main and "Reconciliation.post(" in main, main
    # FISCO's format calling a native contract: decoded with no ABI registered anywhere.
    page.goto(c.urls[1] + "/tx/" + seen["fisco"])
    assert text(page, "#tx-format") == "FISCO BCOS 2.x"
    assert "ParallelTransfer.userAdd(string,uint256)" in text(page, "#call-title")
    assert "browser-user" in text(page, "#call-arguments")
    # An ABI registered with node0 only: decoded there, shown raw at node1.
    page.goto(c.urls[0] + "/tx/" + seen["hello_set"])
    assert "HelloEvent.set(string)" in text(page, "#call-title")
    assert "HelloEvent.on_set" in page.inner_text("main")
    page.goto(c.urls[1] + "/tx/" + seen["hello_set"])
    page.wait_for_selector("#tx-result")
    assert "Call not decoded" in page.inner_text("main")


@with_page
def test_blocks_addresses_and_search(c, page):
    page.goto(c.urls[0] + "/block/" + str(seen["created_block"]))
    assert seen["created"] in page.inner_html("#block-transactions")
    assert "Evidence.create" in text(page, "#block-transactions")
    page.goto(c.urls[0] + "/address/" + seen["evidence"])
    assert text(page, "#address-kind") == "EVM contract"
    assert page.inner_text("h1").startswith("Evidence")
    assert page.locator("#address-transactions tbody tr").count() >= 3  # deploy, create, the failed create
    page.goto(c.urls[0] + "/")
    page.fill("#query", seen["created"])
    page.press("#query", "Enter")
    page.wait_for_url("**/tx/" + seen["created"], timeout=10_000)
    page.fill("#query", str(seen["created_block"]))
    page.press("#query", "Enter")
    page.wait_for_url(f"**/block/{seen['created_block']}", timeout=10_000)
    page.fill("#query", "0x" + "ab" * 32)
    page.press("#query", "Enter")
    assert "No block or transaction" in text(page, "#search-error")
    page.fill("#query", "hello")
    page.press("#query", "Enter")
    assert "Enter a block height" in text(page, "#search-error")


@with_page
def test_live_updates_and_a_node_down(c, page):
    page.goto(c.urls[0] + "/")
    before = int(text(page, "#height"))
    page.wait_for_selector("#live.on", timeout=10_000)
    raw = fisco_tx(transfer_call("userAdd", "live-user", 1), to=PARALLEL_TRANSFER, randomid=int(time.time() * 1000))
    rpc(c.urls[1], "eth_sendRawTransaction", ["0x" + raw.hex()])
    eventually(lambda: int(text(page, "#height")) > before, 20, "the overview to follow a new block")
    c.chain("stop", "--node", "node3")
    try:
        eventually(lambda: page.locator("#nodes tbody tr[data-state=down]").count() == 1, 20, "node3 shown down")
        assert "not reachable from this node" in text(page, "#nodes tr[data-state=down]")
        assert int(text(page, "#height")) > before
        page.goto(c.urls[0] + "/nodes")
        page.wait_for_selector("#nodes tr[data-state=down]", timeout=10_000)
        assert page.locator("#nodes tbody tr").count() == 4
    finally:
        c.chain("start", "--node", "node3")
    # Restarted, node3 has cached no block: its pages read the ledger and recover only what they show.
    wait_until(lambda: c.same_head(), 60, "node3 back at the head")
    page.goto(c.urls[3] + "/address/" + seen["evidence"])
    assert page.locator("#address-transactions tbody tr").count() >= 3
    page.goto(c.urls[3] + "/")
    assert "Evidence.create" in text(page, "#latest-transactions")
    senders = page.locator("#latest-transactions tbody tr td:nth-child(3)").all_inner_texts()
    assert senders and all(sender.startswith("0x") for sender in senders), senders


def main():
    become_a_parent_that_never_reaps()
    c = Cluster(prefix="strand-browser-")
    return run_suite(c, [test_the_applications_on_chain, test_bad_input_is_refused, test_the_overview,
                         test_transactions_decoded_with_their_outcome, test_blocks_addresses_and_search,
                         test_live_updates_and_a_node_down], c.dir, NODES)


if __name__ == "__main__":
    sys.exit(main())
