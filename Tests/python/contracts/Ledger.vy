# pragma version ^0.4.0
# A small evidence ledger: institutions record document hashes; anyone reads them back.

event Recorded:
    recorder: indexed(address)
    document: indexed(bytes32)
    note: String[64]

owner: public(address)
count: public(uint256)
recordedBy: public(HashMap[bytes32, address])
notes: HashMap[bytes32, String[64]]

@deploy
def __init__():
    self.owner = msg.sender

@external
def record(document: bytes32, note: String[64]):
    assert self.recordedBy[document] == empty(address), "already recorded"
    self.recordedBy[document] = msg.sender
    self.notes[document] = note
    self.count += 1
    log Recorded(recorder=msg.sender, document=document, note=note)

@view
@external
def note(document: bytes32) -> String[64]:
    return self.notes[document]
