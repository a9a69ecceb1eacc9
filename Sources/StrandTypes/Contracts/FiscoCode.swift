/// The codes FISCO's system contracts return as `int256`, with their meaning in words.
public enum FiscoCode: Int64, CaseIterable, Sendable, Error {
    case success = 1
    /// The node already had the role asked for: nothing changed.
    case unchanged = 0
    case permissionDenied = -50000
    case committeeMemberExists = -52000
    case committeeMemberNotFound = -52001
    case invalidCommitteeRequest = -52002
    case invalidThreshold = -52003
    case operatorCannotBeMember = -52004
    case memberCannotBeOperator = -52005
    case operatorExists = -52006
    case operatorNotFound = -52007
    case notAnExternalAccount = -52009
    case accountAlreadyAvailable = -52010
    case accountFrozen = -52011
    case tableExists = -50001
    case tableNameTooLong = -50002
    case fieldNameTooLong = -50003
    case keyTooLong = -50005
    case duplicateField = -50007
    case invalidField = -50008
    case tableNotFound = -50100
    case invalidAddress = -50102
    case alreadyGranted = -51000
    case grantNotFound = -51001
    case invalidNodeID = -51100
    case lastSealer = -51101
    case nodeNotFound = -51103
    case sealerMustBeObserver = -51104
    case contractFrozen = -51900
    case contractAvailable = -51901
    case managerExists = -51902
    case notAContract = -51903
    case noSuchAccount = -51904
    case notAManager = -51905
    case cnsVersionExists = -51200
    case cnsVersionTooLong = -51201
    case invalidConfiguration = -51300
    case badEntry = -51500
    case badCondition = -51501
    case undefinedOperator = -51502

    public var meaning: String {
        switch self {
        case .success: "done"
        case .unchanged: "nothing changed yet: the node already has that role, or the vote awaits others"
        case .permissionDenied: "permission denied: the sender is not a governor, or lacks the table's grant"
        case .committeeMemberExists: "that account is a committee member already"
        case .committeeMemberNotFound: "that account is no committee member"
        case .invalidCommitteeRequest: "not so: a weight is at least 1, and the last member stays"
        case .invalidThreshold: "a threshold is a percentage from 0 to 99"
        case .operatorCannotBeMember: "an operator cannot join the committee: revoke it as operator first"
        case .memberCannotBeOperator: "a committee member cannot be an operator"
        case .operatorExists: "that account is an operator already"
        case .operatorNotFound: "that account is no operator"
        case .notAnExternalAccount: "that address holds a contract, not an account"
        case .accountAlreadyAvailable: "that account is not frozen"
        case .accountFrozen: "that account is frozen already"
        case .tableExists: "a table of that name exists"
        case .tableNameTooLong: "a table name has at most 48 characters"
        case .fieldNameTooLong: "a field name has at most 64 characters"
        case .keyTooLong: "a key has at most 255 bytes"
        case .duplicateField: "a field is named twice"
        case .invalidField: "a table or field name of letters, digits, _, $ and @ only, and fields the table has"
        case .tableNotFound: "no such table"
        case .invalidAddress: "not an address"
        case .badEntry: "the entry is not a JSON object of field to value"
        case .badCondition: "the condition is not a JSON object of field to {operator: value}"
        case .undefinedOperator: "a condition's operator is none of eq, ne, gt, ge, lt, le"
        case .alreadyGranted: "that account holds that grant already"
        case .grantNotFound: "that account holds no such grant"
        case .invalidNodeID: "invalid node ID (128 hex digits)"
        case .lastSealer: "the last sealer cannot be removed or demoted"
        case .nodeNotFound: "the node is neither a sealer nor an observer"
        case .sealerMustBeObserver: "a node becomes a sealer only from observer: add it as an observer first"
        case .contractFrozen: "that contract is frozen already"
        case .contractAvailable: "that contract is not frozen"
        case .managerExists: "that account manages that contract already"
        case .notAContract: "that address holds no contract"
        case .noSuchAccount: "nothing lives at that address"
        case .notAManager: "permission denied: the sender neither manages that contract nor sits on the committee"
        case .cnsVersionExists: "that contract name and version are registered already"
        case .cnsVersionTooLong: "a CNS version has at most 40 characters"
        case .invalidConfiguration: "invalid key or value (tx_count_limit 1…2147483647, tx_gas_limit 100000…2147483647, consensus_timeout 3…600 s)"
        }
    }
}
