import GRDB

extension Schema {
    /// v24 (issue 14, item 8): each place's certificates and costs for a fiscal year, which the reorganisation what-if
    /// weighs: a facility's (its windows' staff, its premises, a commission per certificate where someone issues on the
    /// city's behalf) or, with no facility, the store channel's (its fixed yearly charges and the commission per copy).
    /// One row a place a year; recording it again replaces it.
    ///
    /// Frozen text: this migration never changes once shipped.
    static let serviceFiguresSQL = """
        CREATE TABLE serviceAnnualFigures (
          fiscalYear INTEGER NOT NULL CHECK (typeof(fiscalYear) = 'integer' AND fiscalYear BETWEEN 1950 AND 2100),
          facilityId TEXT REFERENCES facility(id),
          certificates INTEGER NOT NULL CHECK (typeof(certificates) = 'integer' AND certificates >= 0),
          staffYen INTEGER NOT NULL CHECK (typeof(staffYen) = 'integer' AND staffYen >= 0),
          premisesYen INTEGER NOT NULL CHECK (typeof(premisesYen) = 'integer' AND premisesYen >= 0),
          perCertificateYen INTEGER NOT NULL CHECK (typeof(perCertificateYen) = 'integer' AND perCertificateYen >= 0),
          source TEXT NOT NULL CHECK (source <> '' AND length(source) <= 200),
          recordedAt TEXT NOT NULL
        );
        CREATE UNIQUE INDEX serviceAnnualFigures_place ON serviceAnnualFigures(fiscalYear, coalesce(facilityId, ''));
        """
}
