import Foundation
import MadoguchiDomain
import MadoguchiStore

/// Where the generator puts a household's records: straight into the registry's writer, or into a plan that another
/// thread writes (``RegistryPlan``).
protocol RegistrySink {
    @discardableResult mutating func insert(_ h: Household) throws -> Int64
    @discardableResult mutating func insert(_ r: Resident) throws -> Int64
    @discardableResult mutating func insert(_ m: ResidentMovement) throws -> Int64
    @discardableResult mutating func insert(_ s: SealRegistration) throws -> Int64
    @discardableResult mutating func insert(_ t: TaxAssessment) throws -> Int64
    @discardableResult mutating func insert(_ f: FamilyRegister) throws -> Int64
    @discardableResult mutating func insert(_ m: FamilyRegisterMember) throws -> Int64
    @discardableResult mutating func insert(_ e: FamilyRegisterEvent) throws -> Int64
    @discardableResult mutating func insert(_ a: FamilyRegisterAnnexEntry) throws -> Int64
    @discardableResult mutating func insert(_ s: SupportMeasure) throws -> Int64
    @discardableResult mutating func insert(_ h: HolderNotificationRegistration) throws -> Int64
    mutating func remove(_ record: RemovedRecord) throws
}

extension RegistryWriter: RegistrySink {}

/// The registry's tables a generated household writes to.
enum RegistryTable: Int, CaseIterable, Sendable {
    case household, resident, movement, seal, tax, register, member, event, annex, support, holder

    var name: String {
        switch self {
        case .household: "household"
        case .resident: "resident"
        case .movement: "residentMovement"
        case .seal: "sealRegistration"
        case .tax: "taxAssessment"
        case .register: "familyRegister"
        case .member: "familyRegisterMember"
        case .event: "familyRegisterEvent"
        case .annex: "familyRegisterAnnexEntry"
        case .support: "supportMeasure"
        case .holder: "holderNotificationRegistration"
        }
    }
}

/// The next row id of each registry table. A SQLite table whose key is `INTEGER PRIMARY KEY` gives a new row the
/// largest id plus one, so inside one write transaction the ids of rows written in order can be known in advance.
struct NextRowIds: Sendable, Equatable {
    private var ids: [Int64]

    /// The ids the next rows will get, read inside the load's transaction.
    init(_ w: RegistryWriter) throws {
        ids = try RegistryTable.allCases.map { try w.nextRowId($0.name) }
    }

    subscript(_ table: RegistryTable) -> Int64 {
        get { ids[table.rawValue] }
        set { ids[table.rawValue] = newValue }
    }

    /// The next id of `table`, counted as used.
    mutating func take(_ table: RegistryTable) -> Int64 {
        defer { self[table] += 1 }
        return self[table]
    }
}

/// A batch of households' records in the order they are to be written, each insert answered with the id the row
/// will get. The writer checks every id it is actually given against the plan's, so a wrong guess stops the load
/// (and rolls it back) instead of linking rows to the wrong person.
///
/// The records are checked and turned into rows on the writing thread: making the rows on the generator's thread
/// instead was slower (25 s against 20 s for 200,000 persons), as the writer then freed memory the other thread had
/// allocated.
struct RegistryPlan: RegistrySink, Sendable {
    enum Record: Sendable {
        case household(Household), resident(Resident), movement(ResidentMovement), seal(SealRegistration)
        case tax(TaxAssessment), register(FamilyRegister), member(FamilyRegisterMember), event(FamilyRegisterEvent)
        case annex(FamilyRegisterAnnexEntry), support(SupportMeasure), holder(HolderNotificationRegistration)
        case remove(RemovedRecord)
    }

    var records: [Record] = []
    var next: NextRowIds

    init(next: NextRowIds) { self.next = next }

    private mutating func add(_ record: Record, _ table: RegistryTable) -> Int64 {
        records.append(record)
        return next.take(table)
    }

    mutating func insert(_ h: Household) -> Int64 { add(.household(h), .household) }
    mutating func insert(_ r: Resident) -> Int64 { add(.resident(r), .resident) }
    mutating func insert(_ m: ResidentMovement) -> Int64 { add(.movement(m), .movement) }
    mutating func insert(_ s: SealRegistration) -> Int64 { add(.seal(s), .seal) }
    mutating func insert(_ t: TaxAssessment) -> Int64 { add(.tax(t), .tax) }
    mutating func insert(_ f: FamilyRegister) -> Int64 { add(.register(f), .register) }
    mutating func insert(_ m: FamilyRegisterMember) -> Int64 { add(.member(m), .member) }
    mutating func insert(_ e: FamilyRegisterEvent) -> Int64 { add(.event(e), .event) }
    mutating func insert(_ a: FamilyRegisterAnnexEntry) -> Int64 { add(.annex(a), .annex) }
    mutating func insert(_ s: SupportMeasure) -> Int64 { add(.support(s), .support) }
    mutating func insert(_ h: HolderNotificationRegistration) -> Int64 { add(.holder(h), .holder) }
    mutating func remove(_ record: RemovedRecord) { records.append(.remove(record)) }

    /// Writes the records in order; `expected` follows the ids the plan handed out.
    func write(to w: RegistryWriter, expected: inout NextRowIds) throws {
        for record in records {
            let row: RegistryRow
            let table: RegistryTable
            switch record {
            case .household(let h): (row, table) = (RegistryWriter.row(h), .household)
            case .resident(let r): (row, table) = (try RegistryWriter.row(r), .resident)
            case .movement(let m): (row, table) = (RegistryWriter.row(m), .movement)
            case .seal(let s): (row, table) = (RegistryWriter.row(s), .seal)
            case .tax(let t): (row, table) = (RegistryWriter.row(t), .tax)
            case .register(let f): (row, table) = (RegistryWriter.row(f), .register)
            case .member(let m): (row, table) = (RegistryWriter.row(m), .member)
            case .event(let e): (row, table) = (RegistryWriter.row(e), .event)
            case .annex(let a): (row, table) = (RegistryWriter.row(a), .annex)
            case .support(let s): (row, table) = (RegistryWriter.row(s), .support)
            case .holder(let h): (row, table) = (RegistryWriter.row(h), .holder)
            case .remove(let removed):
                try w.remove(removed)
                continue
            }
            let id = try w.insert(row)
            guard id == expected.take(table) else {
                throw MadoguchiError(
                    .bulkLoadOutOfStep, ja: "一括登録の行番号が計画と一致しません（\(table.name) \(id)）",
                    en: "A bulk load's row id \(id) in \(table.name) is not the one planned")
            }
        }
    }
}

/// Hands batches from one thread to another, holding at most `capacity` of them; either side can stop the other.
final class Handoff<Item: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Item] = []
    private var finished = false
    private var cancelled = false
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    /// Waits for room; false when the taker has stopped.
    func put(_ item: Item) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// No more items will come.
    func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// The taker stops: a waiting `put` returns false.
    func cancel() {
        condition.lock()
        cancelled = true
        items.removeAll()
        condition.broadcast()
        condition.unlock()
    }

    /// The next item, waiting for it; nil when the giver has finished and everything was taken.
    func take() -> Item? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !finished { condition.wait() }
        guard !items.isEmpty else { return nil }
        condition.broadcast()
        return items.removeFirst()
    }
}

extension MadoguchiError.Code {
    public static let bulkLoadOutOfStep = Self("demo.bulkLoadOutOfStep")
}
