# pragma version ^0.4.0
# Writes a fresh slot only when block.timestamp moved since the last write, as a Uniswap V2
# pair updates its price accumulators: its gas depends on the block it lands in.

last: public(uint256)
count: public(uint256)
seen: public(HashMap[uint256, uint256])

@external
def poke():
    if block.timestamp != self.last:
        self.last = block.timestamp
        self.seen[self.count] = block.timestamp
        self.count += 1
