# pragma version ^0.4.0
# Evidence preservation between institutions (仲裁链): a record holds the hash of an evidence file —
# never the file — and the accounts that must countersign it. Each countersignature is the signer's
# signature of keccak256("strand-evidence:" ‖ hash), checked here with ecrecover, so anyone may
# carry it to the chain. Nothing can change or remove a record once made.

struct Record:
    creator: address
    created: uint256
    required: DynArray[address, 8]

event Created:
    evidence: indexed(bytes32)
    creator: indexed(address)

event Countersigned:
    evidence: indexed(bytes32)
    signer: indexed(address)

records: HashMap[bytes32, Record]
signedBy: public(HashMap[bytes32, HashMap[address, bool]])
signatures: public(HashMap[bytes32, uint256])

@external
def create(evidence: bytes32, required: DynArray[address, 8]):
    assert self.records[evidence].creator == empty(address), "evidence already recorded"
    assert len(required) > 0, "name who must countersign"
    self.records[evidence] = Record(creator=msg.sender, created=block.number, required=required)
    log Created(evidence=evidence, creator=msg.sender)

@pure
@external
def digest(evidence: bytes32) -> bytes32:
    return keccak256(concat(b"strand-evidence:", evidence))

@external
def countersign(evidence: bytes32, v: uint256, r: bytes32, s: bytes32):
    record: Record = self.records[evidence]
    assert record.creator != empty(address), "no such evidence"
    signer: address = ecrecover(keccak256(concat(b"strand-evidence:", evidence)), v, r, s)
    assert signer in record.required, "not a required signer"
    assert not self.signedBy[evidence][signer], "already countersigned"
    self.signedBy[evidence][signer] = True
    self.signatures[evidence] += 1
    log Countersigned(evidence=evidence, signer=signer)

@view
@external
def record(evidence: bytes32) -> (address, uint256, DynArray[address, 8]):
    record: Record = self.records[evidence]
    return record.creator, record.created, record.required

@view
@external
def complete(evidence: bytes32) -> bool:
    record: Record = self.records[evidence]
    return record.creator != empty(address) and self.signatures[evidence] == len(record.required)
