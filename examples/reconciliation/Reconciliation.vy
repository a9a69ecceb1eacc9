# pragma version ^0.4.0
# Inter-bank reconciliation (对账): each bank posts its side of a flow as it happens — the flow's
# serial number, the counterparty, debit or credit, amount, currency, value date and a hash of the
# desensitised record. When both sides are in, the contract matches them at once (same amount,
# currency and value date, opposite directions, each naming the other) and says so: Matched, or
# Mismatched with the reason. A day's summary per bank is kept as it goes.

struct Side:
    bank: address
    counterparty: address
    credit: bool
    amount: uint256
    currency: String[3]
    valueDate: uint256
    record: bytes32

struct Summary:
    posted: uint256
    debits: uint256
    credits: uint256
    matched: uint256
    mismatched: uint256

event Matched:
    serial: indexed(bytes32)
    first: indexed(address)
    second: indexed(address)

event Mismatched:
    serial: indexed(bytes32)
    first: indexed(address)
    second: indexed(address)
    reason: String[32]

sides: HashMap[bytes32, HashMap[address, Side]]
summaries: HashMap[address, HashMap[uint256, Summary]]

@internal
def _count(bank: address, day: uint256, matched: bool):
    if matched:
        self.summaries[bank][day].matched += 1
    else:
        self.summaries[bank][day].mismatched += 1

@external
def post(serial: bytes32, counterparty: address, credit: bool, amount: uint256, currency: String[3], valueDate: uint256,
         record: bytes32):
    assert self.sides[serial][msg.sender].bank == empty(address), "this bank posted that flow already"
    assert counterparty != msg.sender, "a flow is between two banks"
    self.sides[serial][msg.sender] = Side(bank=msg.sender, counterparty=counterparty, credit=credit, amount=amount,
                                          currency=currency, valueDate=valueDate, record=record)
    if credit:
        self.summaries[msg.sender][valueDate].credits += amount
    else:
        self.summaries[msg.sender][valueDate].debits += amount
    self.summaries[msg.sender][valueDate].posted += 1
    other: Side = self.sides[serial][counterparty]
    if other.bank == empty(address):
        return
    reason: String[32] = ""
    if other.counterparty != msg.sender:
        reason = "counterparty differs"
    elif other.credit == credit:
        reason = "same direction"
    elif other.amount != amount:
        reason = "amount differs"
    elif other.currency != currency:
        reason = "currency differs"
    elif other.valueDate != valueDate:
        reason = "value date differs"
    matched: bool = len(reason) == 0
    self._count(msg.sender, valueDate, matched)
    self._count(counterparty, other.valueDate, matched)
    if matched:
        log Matched(serial=serial, first=counterparty, second=msg.sender)
    else:
        log Mismatched(serial=serial, first=counterparty, second=msg.sender, reason=reason)

@view
@external
def summary(bank: address, valueDate: uint256) -> (uint256, uint256, uint256, uint256, uint256, uint256):
    """posted, debits, credits, matched, mismatched, and posted flows not (yet) matched."""
    s: Summary = self.summaries[bank][valueDate]
    return s.posted, s.debits, s.credits, s.matched, s.mismatched, s.posted - s.matched
