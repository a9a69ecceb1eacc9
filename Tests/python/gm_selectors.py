"""Bytecode for a 国密 chain without a 国密 solc: FISCO's 国密 compiler emits SM3 selectors (the
first four bytes of SM3 of the signature, where Ethereum's take Keccak-256's), so a contract
compiled for Ethereum is made a 国密 one by replacing each PUSH4 of a function's Keccak selector
in its dispatcher with that function's SM3 selector. Standard library and eth_utils only."""
import hashlib
import sys

from eth_utils import keccak

PUSH4 = b"\x63"


def signature(entry):
    return f"{entry['name']}({','.join(_type(i) for i in entry['inputs'])})"


def _type(parameter):
    if parameter["type"].startswith("tuple"):
        return "(" + ",".join(_type(c) for c in parameter["components"]) + ")" + parameter["type"][5:]
    return parameter["type"]


def sm3(data):
    return hashlib.new("sm3", data).digest()


def sm3_selector(text):
    return sm3(text.encode())[:4]


def gm_bytecode(bytecode, abi):
    """`bytecode` (bytes) with every function's Keccak selector, as a PUSH4 immediate, replaced by
    its SM3 selector; each function's selector must occur."""
    for entry in abi:
        if entry.get("type") != "function":
            continue
        text = signature(entry)
        ethereum, gm = PUSH4 + keccak(text=text)[:4], PUSH4 + sm3_selector(text)
        if ethereum not in bytecode:
            raise ValueError(f"no PUSH4 of {text}'s selector in the bytecode")
        bytecode = bytecode.replace(ethereum, gm)
    return bytecode


if __name__ == "__main__":
    # gm_selectors.py IN.bin IN.abi OUT.bin: hex in, hex out (as solc's .bin files are).
    import json
    code = bytes.fromhex(open(sys.argv[1]).read().strip().removeprefix("0x"))
    open(sys.argv[3], "w").write(gm_bytecode(code, json.load(open(sys.argv[2]))).hex())
