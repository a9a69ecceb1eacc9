# pragma version ^0.4.0
# FISCO's asset sample on FISCO 2.x's table objects, as its Solidity version uses them (Table.sol):
# accounts and amounts in the table t_asset through TableFactory (0x1001), the same in the key-value
# table t_kv_asset through KVTableFactory (0x1010), and transfer declared to ParallelConfig (0x1006).
# Entry.set is overloaded in Table.sol, which Vyper interfaces cannot say: it is a raw call.

interface TableFactory:
    def createTable(name: String[32], key: String[32], fields: String[64]) -> int256: nonpayable
    def openTable(name: String[32]) -> address: view

interface Table:
    def select(key: String[64], condition: address) -> address: view
    def insert(key: String[64], entry: address) -> int256: nonpayable
    def update(key: String[64], entry: address, condition: address) -> int256: nonpayable
    def remove(key: String[64], condition: address) -> int256: nonpayable
    def newEntry() -> address: view
    def newCondition() -> address: view

interface KVTable:
    def get(key: String[64]) -> (bool, address): view
    def set(key: String[64], entry: address) -> int256: nonpayable
    def newEntry() -> address: view

interface Entries:
    def get(index: int256) -> address: view
    def size() -> int256: view

interface Entry:
    def getUInt(field: String[32]) -> uint256: view
    def getString(field: String[32]) -> String[64]: view

interface ParallelConfig:
    def registerParallelFunctionInternal(target: address, function: String[64], criticalSize: uint256) -> int256: nonpayable

TABLE_FACTORY: constant(address) = 0x0000000000000000000000000000000000001001
KV_TABLE_FACTORY: constant(address) = 0x0000000000000000000000000000000000001010
PARALLEL_CONFIG: constant(address) = 0x0000000000000000000000000000000000001006

event Registered:
    result: int256

@deploy
def __init__():
    extcall TableFactory(TABLE_FACTORY).createTable("t_asset", "account", "asset_value")
    extcall TableFactory(KV_TABLE_FACTORY).createTable("t_kv_asset", "account", "asset_value")

@internal
def _set_uint(entry: address, field: String[32], amount: uint256):
    raw_call(entry, concat(method_id("set(string,uint256)"), abi_encode(field, amount)))

@internal
def _set_string(entry: address, field: String[32], text: String[64]):
    raw_call(entry, concat(method_id("set(string,string)"), abi_encode(field, text)))

@internal
def _eq(condition: address, field: String[32], text: String[64]):
    raw_call(condition, concat(method_id("EQ(string,string)"), abi_encode(field, text)))

@view
@internal
def _asset() -> address:
    return staticcall TableFactory(TABLE_FACTORY).openTable("t_asset")

@external
def enableParallel() -> int256:
    return extcall ParallelConfig(PARALLEL_CONFIG).registerParallelFunctionInternal(self, "transfer(string,string,uint256)", 2)

@external
def register(account: String[64], amount: uint256) -> int256:
    table: address = self._asset()
    entry: address = staticcall Table(table).newEntry()
    self._set_string(entry, "account", account)
    self._set_uint(entry, "asset_value", amount)
    result: int256 = extcall Table(table).insert(account, entry)
    log Registered(result=result)
    return result

@view
@external
def assetOf(account: String[64]) -> (bool, uint256):
    table: address = self._asset()
    found: address = staticcall Table(table).select(account, staticcall Table(table).newCondition())
    if staticcall Entries(found).size() == 0:
        return False, 0
    return True, staticcall Entry(staticcall Entries(found).get(0)).getUInt("asset_value")

@external
def transfer(source: String[64], target: String[64], amount: uint256) -> int256:
    table: address = self._asset()
    before: address = staticcall Table(table).select(source, staticcall Table(table).newCondition())
    other: address = staticcall Table(table).select(target, staticcall Table(table).newCondition())
    assert staticcall Entries(before).size() == 1 and staticcall Entries(other).size() == 1, "no such account"
    have: uint256 = staticcall Entry(staticcall Entries(before).get(0)).getUInt("asset_value")
    assert have >= amount, "insufficient asset"
    gets: uint256 = staticcall Entry(staticcall Entries(other).get(0)).getUInt("asset_value")
    debit: address = staticcall Table(table).newEntry()
    self._set_uint(debit, "asset_value", have - amount)
    condition: address = staticcall Table(table).newCondition()
    self._eq(condition, "account", source)
    extcall Table(table).update(source, debit, condition)
    credit: address = staticcall Table(table).newEntry()
    self._set_uint(credit, "asset_value", gets + amount)
    return extcall Table(table).update(target, credit, staticcall Table(table).newCondition())

@external
def unregister(account: String[64]) -> int256:
    table: address = self._asset()
    return extcall Table(table).remove(account, staticcall Table(table).newCondition())

@external
def kvSet(account: String[64], amount: uint256) -> int256:
    table: address = staticcall TableFactory(KV_TABLE_FACTORY).openTable("t_kv_asset")
    entry: address = staticcall KVTable(table).newEntry()
    self._set_uint(entry, "asset_value", amount)
    return extcall KVTable(table).set(account, entry)

@view
@external
def kvGet(account: String[64]) -> (bool, uint256):
    table: address = staticcall TableFactory(KV_TABLE_FACTORY).openTable("t_kv_asset")
    found: bool = False
    entry: address = empty(address)
    found, entry = staticcall KVTable(table).get(account)
    return found, staticcall Entry(entry).getUInt("asset_value")
