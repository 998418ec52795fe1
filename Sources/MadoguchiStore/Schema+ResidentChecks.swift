extension Schema {
    /// v18 (issue 13, item 5): `resident` rebuilt with the same rules, cheaper to check, so that a city of 1.5 million
    /// loads in about a minute.
    ///
    /// - The check digits of the 個人番号 (番号法施行令 §8; weights 6 5 4 3 2 7 6 5 4 3 2) and of the 住民票コード (住基法
    ///   §7 ⑬; weights 5 4 3 2 7 6 5 4 3 2) are the same rule as in v1: 11 − (Σ digit × weight) mod 11, and 0 when
    ///   the remainder is 0 or 1. v1 wrote the sum twice, each digit cut out by `substr` and cast: 48 string
    ///   operations a row, half of the table's insert time. Here, once the text is known to be all digits, the value
    ///   is read as one integer and each digit is taken by division; `(11 − r) mod 11 mod 10` is the rule's `CASE` in
    ///   one expression (r = 0 gives 0, r = 1 gives 10 → 0, r ≥ 2 gives 11 − r).
    /// - The two numbers' uniqueness moves from column constraints to named unique indexes (`resident_individualNumber`,
    ///   `resident_residentRecordCode`): the same rule, but an index a bulk load can build once, sorted, at its end
    ///   (``RegistryRepository/bulkLoad(_:)`` checks it before the commit).
    ///
    /// Every other column, rule and index is as before. SQLite cannot alter a CHECK, so the table is copied, as v8 did
    /// for `certificate`; an existing city's rows are checked again by the new rules on the way.
    ///
    /// Frozen text: this migration never changes once shipped.
    static let residentChecksSQL = """
        CREATE TABLE resident_v18 (
          id INTEGER PRIMARY KEY,
          householdId INTEGER NOT NULL REFERENCES household(id),
          familyName TEXT NOT NULL CHECK (familyName <> ''),
          givenName TEXT NOT NULL CHECK (givenName <> ''),
          familyNameKana TEXT NOT NULL CHECK (familyNameKana <> ''),
          givenNameKana TEXT NOT NULL CHECK (givenNameKana <> ''),
          formerFamilyName TEXT,
          formerFamilyNameKana TEXT CHECK (formerFamilyNameKana IS NULL OR formerFamilyName IS NOT NULL),
          searchName TEXT NOT NULL,
          searchKana TEXT NOT NULL,
          birthDate TEXT NOT NULL CHECK (birthDate = date(birthDate)),
          sex TEXT NOT NULL CHECK (sex IN ('male', 'female')),
          relationship TEXT NOT NULL CHECK (relationship IN ('householder', 'wife', 'husband', 'child', 'father',
            'mother', 'grandchild', 'grandfather', 'grandmother', 'elderBrother', 'elderSister', 'youngerBrother',
            'youngerSister', 'childsWife', 'childsHusband', 'wifesFather', 'wifesMother', 'husbandsFather',
            'husbandsMother', 'cohabitant', 'relative')),
          permanentDomicile TEXT,
          domicileHead TEXT CHECK ((permanentDomicile IS NULL) = (domicileHead IS NULL)),
          becameResidentOn TEXT NOT NULL CHECK (becameResidentOn = date(becameResidentOn) AND becameResidentOn >= birthDate),
          addressSetOn TEXT NOT NULL CHECK (addressSetOn = date(addressSetOn) AND addressSetOn >= birthDate),
          notifiedOn TEXT NOT NULL CHECK (notifiedOn = date(notifiedOn) AND notifiedOn >= birthDate),
          previousAddress TEXT,
          individualNumber TEXT NOT NULL CHECK (length(individualNumber) = 12 AND individualNumber NOT GLOB '*[^0-9]*'
            AND (11 - (CAST(individualNumber AS INTEGER) / 100000000000 % 10 * 6
              + CAST(individualNumber AS INTEGER) / 10000000000 % 10 * 5
              + CAST(individualNumber AS INTEGER) / 1000000000 % 10 * 4
              + CAST(individualNumber AS INTEGER) / 100000000 % 10 * 3
              + CAST(individualNumber AS INTEGER) / 10000000 % 10 * 2
              + CAST(individualNumber AS INTEGER) / 1000000 % 10 * 7
              + CAST(individualNumber AS INTEGER) / 100000 % 10 * 6
              + CAST(individualNumber AS INTEGER) / 10000 % 10 * 5
              + CAST(individualNumber AS INTEGER) / 1000 % 10 * 4
              + CAST(individualNumber AS INTEGER) / 100 % 10 * 3
              + CAST(individualNumber AS INTEGER) / 10 % 10 * 2) % 11) % 11 % 10
              = CAST(individualNumber AS INTEGER) % 10),
          residentRecordCode TEXT NOT NULL CHECK (length(residentRecordCode) = 11 AND residentRecordCode NOT GLOB '*[^0-9]*'
            AND (11 - (CAST(residentRecordCode AS INTEGER) / 10000000000 % 10 * 5
              + CAST(residentRecordCode AS INTEGER) / 1000000000 % 10 * 4
              + CAST(residentRecordCode AS INTEGER) / 100000000 % 10 * 3
              + CAST(residentRecordCode AS INTEGER) / 10000000 % 10 * 2
              + CAST(residentRecordCode AS INTEGER) / 1000000 % 10 * 7
              + CAST(residentRecordCode AS INTEGER) / 100000 % 10 * 6
              + CAST(residentRecordCode AS INTEGER) / 10000 % 10 * 5
              + CAST(residentRecordCode AS INTEGER) / 1000 % 10 * 4
              + CAST(residentRecordCode AS INTEGER) / 100 % 10 * 3
              + CAST(residentRecordCode AS INTEGER) / 10 % 10 * 2) % 11) % 11 % 10
              = CAST(residentRecordCode AS INTEGER) % 10),
          removedOn TEXT CHECK (removedOn IS NULL OR (removedOn = date(removedOn) AND removedOn >= birthDate)),
          removalReason TEXT CHECK ((removalReason IS NULL) = (removedOn IS NULL)
            AND (removalReason IS NULL OR removalReason IN ('movedOut', 'died', 'officialDeletion'))),
          removalDestination TEXT CHECK (removalDestination IS NULL OR removedOn IS NOT NULL)
        );
        INSERT INTO resident_v18 (id, householdId, familyName, givenName, familyNameKana, givenNameKana, formerFamilyName,
          formerFamilyNameKana, searchName, searchKana, birthDate, sex, relationship, permanentDomicile, domicileHead,
          becameResidentOn, addressSetOn, notifiedOn, previousAddress, individualNumber, residentRecordCode, removedOn,
          removalReason, removalDestination)
        SELECT id, householdId, familyName, givenName, familyNameKana, givenNameKana, formerFamilyName,
          formerFamilyNameKana, searchName, searchKana, birthDate, sex, relationship, permanentDomicile, domicileHead,
          becameResidentOn, addressSetOn, notifiedOn, previousAddress, individualNumber, residentRecordCode, removedOn,
          removalReason, removalDestination FROM resident;
        DROP TABLE resident;
        ALTER TABLE resident_v18 RENAME TO resident;
        CREATE UNIQUE INDEX resident_individualNumber ON resident(individualNumber);
        CREATE UNIQUE INDEX resident_residentRecordCode ON resident(residentRecordCode);
        CREATE INDEX resident_household ON resident(householdId);
        CREATE INDEX resident_searchName ON resident(searchName, birthDate);
        CREATE INDEX resident_searchKana ON resident(searchKana, birthDate);
        CREATE INDEX resident_givenKana ON resident(givenNameKana, birthDate);
        CREATE INDEX resident_birthDate ON resident(birthDate);
        CREATE UNIQUE INDEX resident_one_householder ON resident(householdId)
          WHERE relationship = 'householder' AND removedOn IS NULL;
        """
}
