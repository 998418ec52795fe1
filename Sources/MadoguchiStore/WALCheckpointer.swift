import Foundation
import GRDB
import GRDBSQLite

/// Folds the write-ahead log back into the database file mostly on a connection of its own, off the one writer.
///
/// SQLite's default folds it inside the commit that crosses 1,000 frames, on the writing connection: every write
/// behind that commit waits while the pages are copied and synced. An issuance writes about fifty frames, so one
/// issuance in twenty stalled the whole server's writes (`bash Benchmarks/issuance.sh`: with no checkpoints at all
/// the same server issued a quarter more, its cores a third idle before). Here the writer's commit hook only notes the
/// log's length; past `threshold` frames a PASSIVE checkpoint copies the pages on this object's own connection and
/// queue, beside the writer (a PASSIVE checkpoint never blocks a writer or a reader). The log can only start again
/// from its beginning once a checkpoint has caught up with every frame, which a checkpoint beside a busy writer never
/// does; so at the writer's next commit after it, the writer itself folds the few frames written meanwhile, and the
/// log restarts. Past `backstop` frames (the background falling behind) the writer folds the log itself, as SQLite
/// would, so the log stays bounded.
///
/// Durability is unchanged: a commit is in the log either way; the checkpoint only moves pages into the main file.
final class WALCheckpointer: @unchecked Sendable {
    let path: String
    let threshold: CInt
    let backstop: CInt
    private let queue = DispatchQueue(label: "madoguchi.wal-checkpoint")
    private let lock = NSLock()
    /// idle → copying (in the background) → copied (the writer finishes it at its next commit) → idle.
    private enum State { case idle, copying, copied }
    private var state = State.idle
    /// Only touched on `queue`.
    private var connection: OpaquePointer?
    private var completedCount = 0

    init(path: String, threshold: CInt = 1000, backstop: CInt = 20_000) {
        self.path = path
        self.threshold = threshold
        self.backstop = backstop
    }

    deinit {
        if let connection { sqlite3_close_v2(connection) }
    }

    /// Checkpoints that ran on this object's connection.
    var completed: Int { lock.withLock { completedCount } }

    /// Waits for a checkpoint already started to end.
    func drain() { queue.sync {} }

    /// Makes `db`'s commits report to this object instead of checkpointing on `db` (SQLite's automatic checkpoint
    /// is the same hook, so this replaces it). For the writing connection only.
    func install(on db: Database) {
        guard let handle = db.sqliteConnection else { return }
        sqlite3_wal_hook(handle, { context, db, _, frames in
            guard let context else { return SQLITE_OK }
            Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue().committed(db, frames: frames)
            return SQLITE_OK
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    /// After a commit on the writer, with `frames` in the log.
    private func committed(_ db: OpaquePointer?, frames: CInt) {
        enum Step { case none, finish, start }
        let step: Step = lock.withLock {
            switch state {
            case .copied:
                state = .idle
                return .finish
            case .idle where frames >= threshold:
                state = .copying
                return .start
            case .idle, .copying:
                return .none
            }
        }
        switch step {
        case .finish:
            sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
        case .start:
            queue.async {
                let folded = self.checkpoint()
                self.lock.withLock {
                    self.state = folded ? .copied : .idle
                    if folded { self.completedCount += 1 }
                }
            }
        case .none:
            if frames >= backstop { sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil) }
        }
    }

    /// One PASSIVE checkpoint on this object's connection (opened on first use); false if it could not run.
    private func checkpoint() -> Bool {
        if connection == nil {
            var handle: OpaquePointer?
            guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK else {
                sqlite3_close_v2(handle)
                return false
            }
            connection = handle
        }
        return sqlite3_wal_checkpoint_v2(connection, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil) == SQLITE_OK
    }
}
