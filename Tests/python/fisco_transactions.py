"""FISCO BCOS 2.x transactions built as FISCO's python-sdk builds them (rlp + eth-keys), for the
tests that send them: its pemtest.pem account, ParallelTransfer's calls."""
import rlp
from eth_abi import encode
from eth_keys import keys
from eth_utils import keccak

from node_harness import selector

PEMTEST_KEY = keys.PrivateKey(bytes.fromhex("41226f5e134f94e24db28e3ceaf9ffa585278627c2b4683251e55a69e94f76f5"))
PEMTEST_ADDRESS = "0x2De5C210370Daef452Eb610AF76C3A293AE1661f"
PARALLEL_TRANSFER = bytes.fromhex("0000000000000000000000000000000000005002")
CHAIN_ID, GROUP_ID = 20200, 1
GAS = 30_000_000  # what FISCO's SDKs send, as gas price and gas limit, from unfunded accounts


def fisco_tx(data, to=b"", randomid=1, block_limit=500, chain_id=CHAIN_ID, group_id=GROUP_ID, key=PEMTEST_KEY, v_override=None):
    fields = [randomid, GAS, GAS, block_limit, to, 0, data, chain_id, group_id, b""]
    signature = key.sign_msg_hash(keccak(rlp.encode(fields)))
    v = 27 + signature.v if v_override is None else v_override
    return rlp.encode(fields + [v, signature.r, signature.s])


def transfer_call(name, *args):
    types = {"userAdd": ["string", "uint256"], "userTransfer": ["string", "string", "uint256"], "userBalance": ["string"]}[name]
    signature = f"{name}({','.join(types)})"
    return selector(signature) + encode(types, list(args))
