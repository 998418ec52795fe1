import Foundation

/// How a person stands to a 戸籍, read from the city's own registers (戸籍法 §10①, 住基法 §20①): recorded in it, or
/// the spouse or a lineal relative of someone who is. A person is followed from one register to another by their
/// 住民票 (the same `residentId`); someone who never lived here cannot be followed, and the requester then shows the
/// tie with 戸籍 certificates of their own (`Requester.kinshipDocuments`).
public enum RegisterKinship {
    /// A member's place in their register.
    public enum Role: Sendable, Hashable {
        /// 筆頭者, 夫, 妻: the couple (or the single head) whose register it is
        case head
        /// 長男, 二女, 養子 …: a child of the head couple
        case child
        case other
    }

    /// Reads a register's 続柄.
    public static func role(_ relationship: String) -> Role {
        let text = relationship.trimmingCharacters(in: .whitespaces)
        if ["筆頭者", "夫", "妻"].contains(text) { return .head }
        if let last = text.last, ["男", "女", "子"].contains(last) { return .child }
        return .other
    }

    /// The tie of `person` to `register`, or nil when the registers show none.
    /// - Parameters:
    ///   - rowsOfPerson: every register row, in any register, of a resident
    ///   - rowsOfRegister: every row of a register
    ///   - generations: how far up and down lineal relatives are followed
    public static func tie(
        of person: Int64, to register: Int64, rowsOfPerson: (Int64) throws -> [FamilyRegisterMember],
        rowsOfRegister: (Int64) throws -> [FamilyRegisterMember], generations: Int = 4
    ) rethrows -> RegisterTie? {
        let recorded = Set(try rowsOfRegister(register).compactMap(\.residentId))
        if recorded.contains(person) { return .recorded }
        let own = try rowsOfPerson(person)
        // 配偶者: the other head of a register the person heads, neither having left it.
        for row in own where role(row.relationship) == .head && row.leftOn == nil {
            for other in try rowsOfRegister(row.familyRegisterId)
            where other.id != row.id && role(other.relationship) == .head && other.leftOn == nil {
                if let id = other.residentId, recorded.contains(id) { return .spouse }
            }
        }
        // 直系: parents are the heads of the register a child was born into; children are the child rows of a
        // register a person heads.
        func follow(from start: Int64, up: Bool) throws -> Bool {
            var frontier: Set<Int64> = [start]
            var seen = frontier
            for _ in 0..<generations where !frontier.isEmpty {
                var next = Set<Int64>()
                for p in frontier {
                    for row in try rowsOfPerson(p) where role(row.relationship) == (up ? .child : .head) {
                        for relative in try rowsOfRegister(row.familyRegisterId)
                        where relative.id != row.id && role(relative.relationship) == (up ? .head : .child) {
                            guard let id = relative.residentId else { continue }
                            if recorded.contains(id) { return true }
                            if seen.insert(id).inserted { next.insert(id) }
                        }
                    }
                }
                frontier = next
            }
            return false
        }
        if try follow(from: person, up: true) { return .linealDescendant }
        if try follow(from: person, up: false) { return .linealAscendant }
        return nil
    }
}
