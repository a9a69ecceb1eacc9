# pragma version ^0.4.0
# pragma optimize none
# (Unoptimised, Vyper dispatches by comparing selectors one by one, so gm_selectors.py can replace them.)
# FISCO's HelloWorld.sol, in Vyper (no solc here): a name, read with get() and written with set().

name: String[128]

@deploy
def __init__():
    self.name = "Hello, World!"

@external
@view
def get() -> String[128]:
    return self.name

@external
def set(n: String[128]):
    self.name = n
