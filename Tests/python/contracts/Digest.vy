# pragma version ^0.4.0
# pragma optimize none
# (Unoptimised, Vyper dispatches by comparing selectors one by one, so gm_selectors.py can replace them.)
# The EVM's KECCAK256 of its argument: SM3's on a 国密 chain, as FISCO's 国密 EVM computes it.

@external
@pure
def digest(data: Bytes[256]) -> bytes32:
    return keccak256(data)
