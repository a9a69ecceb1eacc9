# pragma version ^0.4.0
# FISCO python-sdk's contracts/HelloEvent.sol, the part its event_callback.py demo uses, in Vyper
# (no solc here): the same events and functions, so that its ABI serves the SDK unchanged.

event on_set:
    newname: String[64]

event on_number:
    name: String[64]
    age: indexed(int256)

name: String[64]

@deploy
def __init__():
    self.name = "Hello, Event!"

@view
@external
def get() -> String[64]:
    return self.name

@external
def set(n: String[64]):
    log on_set(newname=n)
    self.name = n

@external
def setnum(n: String[64], i: int256):
    log on_number(name=n, age=i)
    self.name = n
