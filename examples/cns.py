"""Names a deployed contract in FISCO's contract name service (CNS, 0x…1004) with its ABI, as
FISCO's consoles do: clients then find it by name, and every node's block browser decodes its
calls and events (matched by the contract's code, wherever it is deployed)."""
import json

from web3 import Web3

CNS = "0x0000000000000000000000000000000000001004"
CNS_ABI = [{"type": "function", "name": "insert", "stateMutability": "nonpayable", "outputs": [{"name": "", "type": "int256"}],
            "inputs": [{"name": n, "type": "string"} for n in ("name", "version", "addr", "abi")]}]


def register(w3, account, name, version, address, abi):
    """Sends CNS insert(name, version, address, abi) from `account`; returns its receipt."""
    cns = w3.eth.contract(address=Web3.to_checksum_address(CNS), abi=CNS_ABI)
    tx = cns.functions.insert(name, version, address, json.dumps(abi)).build_transaction(
        {"from": account.address, "nonce": w3.eth.get_transaction_count(account.address, "pending"),
         "chainId": w3.eth.chain_id, "gasPrice": 0, "gas": 3_000_000})
    receipt = w3.eth.wait_for_transaction_receipt(w3.eth.send_raw_transaction(account.sign_transaction(tx).raw_transaction), timeout=60)
    if receipt.status != 1:
        raise RuntimeError(f"CNS registration of {name} {version} failed")
    return receipt
