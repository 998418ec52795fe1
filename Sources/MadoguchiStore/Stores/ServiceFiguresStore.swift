import Foundation
import MadoguchiDomain

/// What the reorganisation what-if reads and keeps (issue 14, item 8): each place's certificates and costs by fiscal
/// year, and how many residents live in each 町丁目.
public protocol ServiceFiguresStore: Sendable {
    /// The figures of a fiscal year, facilities by id, then the store channel.
    func figures(fiscalYear: FiscalYear) async throws -> [AnnualServiceFigures]
    /// The fiscal years with figures, oldest first.
    func figureYears() async throws -> [FiscalYear]
    /// Records figures, all or nothing; a place's year recorded again is replaced. An unknown facility is
    /// `facility.unknown`; figures that cannot be are `reorganisation.figuresInvalid`.
    func record(_ figures: [AnnualServiceFigures], source: String, at: Date) async throws
    /// Residents on the registry now (not removed), by the 町丁目 of their household.
    func residentsByTown() async throws -> [TownKey: Int]
}

struct SQLServiceFiguresStore: ServiceFiguresStore {
    let database: MadoguchiDatabase

    func figures(fiscalYear: FiscalYear) async throws -> [AnnualServiceFigures] {
        try await database.sqlRead { db in
            try db.rows(
                """
                SELECT fiscalYear, facilityId, certificates, staffYen, premisesYen, perCertificateYen FROM serviceAnnualFigures
                WHERE fiscalYear = ? ORDER BY facilityId IS NULL, facilityId
                """, fiscalYear.startYear
            ).map(ServiceFigureRows.figures)
        }
    }

    func figureYears() async throws -> [FiscalYear] {
        try await database.sqlRead { db in
            try db.rows("SELECT DISTINCT fiscalYear FROM serviceAnnualFigures ORDER BY fiscalYear").map { FiscalYear(Int(try $0.int("fiscalYear"))) }
        }
    }

    func record(_ figures: [AnnualServiceFigures], source: String, at: Date) async throws {
        try await database.sqlWrite { db in try ServiceFigureRows.record(db, figures, source: source, at: at) }
    }

    func residentsByTown() async throws -> [TownKey: Int] {
        try await database.sqlRead { db in
            var out: [TownKey: Int] = [:]
            for r in try db.rows(
                """
                SELECT h.ward AS ward, h.town AS town, count(*) AS residents FROM resident r JOIN household h ON h.id = r.householdId
                WHERE r.removedOn IS NULL GROUP BY h.ward, h.town
                """)
            {
                out[TownKey(ward: try r.text("ward"), town: try r.text("town"))] = Int(try r.int("residents"))
            }
            return out
        }
    }
}

enum ServiceFigureRows {
    static func figures(_ r: SQLRow) throws -> AnnualServiceFigures {
        AnnualServiceFigures(
            fiscalYear: FiscalYear(Int(try r.int("fiscalYear"))), facilityId: try r.optionalText("facilityId"),
            certificates: Int(try r.int("certificates")), staffYen: Int(try r.int("staffYen")), premisesYen: Int(try r.int("premisesYen")),
            perCertificateYen: Int(try r.int("perCertificateYen")))
    }

    static func record(_ db: any SQLSession, _ figures: [AnnualServiceFigures], source: String, at: Date) throws {
        guard !source.allSatisfy(\.isWhitespace), source.count <= 200 else {
            throw MadoguchiError(.serviceFiguresInvalid, ja: "実績の出典（200字以内）が必要です", en: "The figures need their source (200 characters at most)")
        }
        let recorded = LedgerRecord.timestamp(at)
        for f in figures {
            let f = try f.validated()
            if let id = f.facilityId { _ = try FacilityRows.existing(db, id) }
            try db.enqueue(
                "DELETE FROM serviceAnnualFigures WHERE fiscalYear = ? AND coalesce(facilityId, '') = ?", f.fiscalYear.startYear,
                f.facilityId ?? "")
            try db.enqueue(
                """
                INSERT INTO serviceAnnualFigures (fiscalYear, facilityId, certificates, staffYen, premisesYen, perCertificateYen, source, recordedAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, f.fiscalYear.startYear, f.facilityId, f.certificates, f.staffYen, f.premisesYen, f.perCertificateYen, source, recorded)
        }
    }
}

extension MadoguchiDatabase {
    /// Each place's certificates and costs by year, and residents by 町丁目.
    public var serviceFigures: any ServiceFiguresStore { SQLServiceFiguresStore(database: self) }
}
