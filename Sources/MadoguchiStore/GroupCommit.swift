import Foundation
import GRDB

/// Commits the async write transactions that queue up behind the one SQLite writer together: one `BEGIN … COMMIT`
/// for the batch, each transaction in a savepoint of its own.
///
/// Every write transaction still stands alone: a body that throws is rolled back to its savepoint and its caller gets
/// the error, while the others in the batch go on; a body sees what the bodies before it in the batch wrote (as it
/// would have, run after them), and nobody outside the writer sees any of it before the batch commits. A caller is
/// answered only after the commit, so nothing is reported written that is not; a commit that fails fails every body
/// of its batch, none of which is then written (their callers retry, with their idempotency keys where they have
/// them). What is shared is the commit's cost: the pages that every issuance changes (the ledger's head, the last
/// leaf of each append-only index) go to the log once a batch instead of once a transaction, and the queue hop,
/// `BEGIN` and `COMMIT` once a batch.
///
/// A lone transaction (nothing else waiting) runs exactly as before, without a savepoint.
final class GroupCommit: @unchecked Sendable {
    let writer: any DatabaseWriter
    /// The most transactions in one commit: bounds how long the first of a batch waits for the others' work.
    let limit: Int
    private let lock = NSLock()
    private var pending: [Job] = []
    private var draining = false
    private var committed = (batches: 0, transactions: 0)
    private var submitted = 0

    init(writer: any DatabaseWriter, limit: Int = 32) {
        self.writer = writer
        self.limit = max(1, limit)
    }

    /// The group commit a SQLite writer gets: at most `MADOGUCHI_GROUP_COMMIT` transactions a commit (32 when unset);
    /// 1 turns it off (every async write is its own transaction on GRDB's writer, as before; for comparison).
    static func configured(writer: any DatabaseWriter, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> GroupCommit?
    {
        let limit = environment["MADOGUCHI_GROUP_COMMIT"].flatMap { Int($0) } ?? 32
        return limit > 1 ? GroupCommit(writer: writer, limit: limit) : nil
    }

    /// Batches committed and the transactions in them, since the start.
    var counts: (batches: Int, transactions: Int) { lock.withLock { committed } }

    /// Transactions submitted since the start, and those of them not yet taken into a batch.
    var queue: (submitted: Int, waiting: Int) { lock.withLock { (submitted, pending.count) } }

    /// Runs `body` in the next batch and returns its value once the batch is committed.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let box = Box<T>()
        return try await withCheckedThrowingContinuation { continuation in
            let job = Job(
                body: { db in box.value = try body(db) },
                resume: { outcome in
                    switch outcome {
                    case .success:
                        guard let value = box.value else {
                            return continuation.resume(throwing: DatabaseError(resultCode: .SQLITE_INTERNAL))
                        }
                        continuation.resume(returning: value)
                    case .failure(let error): continuation.resume(throwing: error)
                    }
                })
            let start = lock.withLock {
                pending.append(job)
                submitted += 1
                if draining { return false }
                draining = true
                return true
            }
            if start { Task { await self.drain() } }
        }
    }

    /// Commits batches until nothing waits.
    private func drain() async {
        while true {
            let batch: [Job] = lock.withLock {
                let taken = Array(pending.prefix(limit))
                pending.removeFirst(taken.count)
                if taken.isEmpty { draining = false }
                return taken
            }
            if batch.isEmpty { return }
            let outcomes: [Result<Void, any Error>]
            do {
                outcomes = try await writer.writeWithoutTransaction { db in Self.commit(batch, in: db) }
            } catch {
                outcomes = batch.map { _ in .failure(error) }
            }
            lock.withLock {
                committed.batches += 1
                committed.transactions += batch.count
            }
            for (job, outcome) in zip(batch, outcomes) { job.resume(outcome) }
        }
    }

    /// One transaction around the batch, a savepoint around each body when there are several.
    static func commit(_ batch: [Job], in db: Database) -> [Result<Void, any Error>] {
        if batch.count == 1 {
            do {
                try db.inTransaction {
                    try batch[0].body(db)
                    return .commit
                }
                return [.success(())]
            } catch {
                return [.failure(error)]
            }
        }
        var outcomes: [Result<Void, any Error>] = []
        do {
            try db.inTransaction {
                for job in batch {
                    do {
                        try db.inSavepoint {
                            try job.body(db)
                            return .commit
                        }
                        outcomes.append(.success(()))
                    } catch {
                        // SQLite itself ended the transaction (a full disk, an I/O error): the batch is lost.
                        guard db.isInsideTransaction else { throw error }
                        outcomes.append(.failure(error))
                    }
                }
                return .commit
            }
        } catch {
            // Nothing of the batch is written: the bodies that had failed keep their own error, the rest get this one.
            return batch.indices.map { i in
                if i < outcomes.count, case .failure = outcomes[i] { return outcomes[i] }
                return .failure(error)
            }
        }
        return outcomes
    }

    final class Job: @unchecked Sendable {
        let body: (Database) throws -> Void
        let resume: (Result<Void, any Error>) -> Void
        init(body: @escaping (Database) throws -> Void, resume: @escaping (Result<Void, any Error>) -> Void) {
            self.body = body
            self.resume = resume
        }
    }

    /// A body's value, written on the writer's queue and read after the commit.
    private final class Box<T>: @unchecked Sendable {
        var value: T?
    }
}
