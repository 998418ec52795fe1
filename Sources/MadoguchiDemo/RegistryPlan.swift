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

/// A batch of households' records in the order they are to be written, packed and checked on the generator's
/// thread (``RegistryBatch``), each insert answered with the id the row will get. The writer checks every id it is
/// actually given against the plan's, so a wrong guess stops the load (and rolls it back) instead of linking rows to
/// the wrong person.
struct RegistryPlan: RegistrySink, Sendable {
    var batch: RegistryBatch
    var next: NextRowIds

    init(next: NextRowIds, capacity: Int = 0) {
        self.next = next
        batch = RegistryBatch(capacity: capacity)
    }

    mutating func insert(_ h: Household) -> Int64 { batch.append(h); return next.take(.household) }
    mutating func insert(_ r: Resident) throws -> Int64 { try batch.append(r); return next.take(.resident) }
    mutating func insert(_ m: ResidentMovement) -> Int64 { batch.append(m); return next.take(.movement) }
    mutating func insert(_ s: SealRegistration) -> Int64 { batch.append(s); return next.take(.seal) }
    mutating func insert(_ t: TaxAssessment) -> Int64 { batch.append(t); return next.take(.tax) }
    mutating func insert(_ f: FamilyRegister) -> Int64 { batch.append(f); return next.take(.register) }
    mutating func insert(_ m: FamilyRegisterMember) -> Int64 { batch.append(m); return next.take(.member) }
    mutating func insert(_ e: FamilyRegisterEvent) -> Int64 { batch.append(e); return next.take(.event) }
    mutating func insert(_ a: FamilyRegisterAnnexEntry) -> Int64 { batch.append(a); return next.take(.annex) }
    mutating func insert(_ s: SupportMeasure) -> Int64 { batch.append(s); return next.take(.support) }
    mutating func insert(_ h: HolderNotificationRegistration) -> Int64 { batch.append(h); return next.take(.holder) }
    mutating func remove(_ record: RemovedRecord) { batch.remove(record) }

    /// Writes the records in order; `expected` follows the ids the plan handed out.
    func write(to w: RegistryWriter, expected: inout NextRowIds) throws {
        try w.write(batch, expected: &expected)
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
