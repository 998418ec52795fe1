import GRDB
import MadoguchiDomain

/// The database schema as a list of migrations. Migrations are history: once shipped, never edited; a change is
/// a new migration appended at the end. Each is frozen SQL text, never built from today's Swift types: a
/// vocabulary check (`kind IN ('…')`) names the values of its day, and a new value (a certificate kind, a facility
/// kind) is a later migration that rebuilds the table, as v8 did for `certificate` (SQLite cannot alter a CHECK).
/// `MigrationHistoryTests` holds the texts' hashes, compares upgraded schemas with a fresh one and checks that
/// every value of today's vocabularies is accepted.
enum Schema {
    /// A shipped migration: its identifier and its SQL text.
    struct Migration: Sendable {
        let id: String
        let sql: String
        init(_ id: String, _ sql: String) {
            self.id = id
            self.sql = sql
        }
    }

    /// Every migration in order. The SQL of a shipped one is frozen: `MigrationHistoryTests` holds each text's
    /// SHA-256, so an edit fails the suite. A change is a new migration at the end.
    static let migrations: [Migration] = [
        Migration("v1-registry", registrySQL),
        Migration("v2-issuance", issuanceSQL),
        Migration("v3-cards", cardsSQL),
        Migration("v4-kiosk", kioskSQL),
        Migration("v5-honseki", honsekiSQL),
        Migration("v6-sheets", sheetsSQL),
        Migration("v7-live-sources", liveSourcesSQL),
        Migration("v8-wide-area", wideAreaSQL),
        Migration("v9-counter-records", counterRecordsSQL),
        Migration("v10-forwarded-measures", forwardedSQL),
        Migration("v11-staff", staffSQL),
        Migration("v12-access-log", accessSQL),
        Migration("v13-resident-view", residentViewSQL),
        Migration("v14-kiosk-channel", kioskChannelSQL),
        Migration("v15-keys-at-rest", keysAtRestSQL),
        Migration("v16-smartphone", smartphoneSQL),
        Migration("v17-medium-counts", mediumCountsSQL),
        Migration("v18-resident-checks", residentChecksSQL),
        Migration("v19-facility-network", facilityNetworkSQL),
        Migration("v20-opening-hours", openingHoursSQL),
        Migration("v21-town-locations", townLocationsSQL),
        Migration("v22-counter-queues", counterQueuesSQL),
        Migration("v23-arrival-history", arrivalHistorySQL),
        Migration("v24-service-figures", serviceFiguresSQL),
        Migration("v25-document-keys", documentKeysSQL),
    ]

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in migrations {
            migrator.registerMigration(migration.id) { db in try db.execute(sql: migration.sql) }
        }
        return migrator
    }

    static let registrySQL = #"""
        CREATE TABLE meta (
          key TEXT PRIMARY KEY NOT NULL,
          value TEXT NOT NULL
        );

        CREATE TABLE household (
          id INTEGER PRIMARY KEY,
          prefecture TEXT NOT NULL CHECK (prefecture <> ''),
          municipality TEXT NOT NULL CHECK (municipality <> ''),
          ward TEXT NOT NULL,
          town TEXT NOT NULL CHECK (town <> ''),
          block TEXT NOT NULL CHECK (block <> ''),
          building TEXT,
          formedOn TEXT NOT NULL CHECK (formedOn = date(formedOn))
        );

        CREATE TABLE resident (
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
          relationship TEXT NOT NULL CHECK (relationship IN ('householder', 'wife', 'husband', 'child', 'father', 'mother', 'grandchild', 'grandfather', 'grandmother', 'elderBrother', 'elderSister', 'youngerBrother', 'youngerSister', 'childsWife', 'childsHusband', 'wifesFather', 'wifesMother', 'husbandsFather', 'husbandsMother', 'cohabitant', 'relative')),
          permanentDomicile TEXT,
          domicileHead TEXT CHECK ((permanentDomicile IS NULL) = (domicileHead IS NULL)),
          becameResidentOn TEXT NOT NULL CHECK (becameResidentOn = date(becameResidentOn) AND becameResidentOn >= birthDate),
          addressSetOn TEXT NOT NULL CHECK (addressSetOn = date(addressSetOn) AND addressSetOn >= birthDate),
          notifiedOn TEXT NOT NULL CHECK (notifiedOn = date(notifiedOn) AND notifiedOn >= birthDate),
          previousAddress TEXT,
          individualNumber TEXT NOT NULL UNIQUE CHECK (length(individualNumber) = 12 AND individualNumber NOT GLOB '*[^0-9]*'
            AND (CASE WHEN (CAST(substr(individualNumber, 1, 1) AS INTEGER) * 6 + CAST(substr(individualNumber, 2, 1) AS INTEGER) * 5 + CAST(substr(individualNumber, 3, 1) AS INTEGER) * 4 + CAST(substr(individualNumber, 4, 1) AS INTEGER) * 3 + CAST(substr(individualNumber, 5, 1) AS INTEGER) * 2 + CAST(substr(individualNumber, 6, 1) AS INTEGER) * 7 + CAST(substr(individualNumber, 7, 1) AS INTEGER) * 6 + CAST(substr(individualNumber, 8, 1) AS INTEGER) * 5 + CAST(substr(individualNumber, 9, 1) AS INTEGER) * 4 + CAST(substr(individualNumber, 10, 1) AS INTEGER) * 3 + CAST(substr(individualNumber, 11, 1) AS INTEGER) * 2) % 11 <= 1 THEN 0 ELSE 11 - (CAST(substr(individualNumber, 1, 1) AS INTEGER) * 6 + CAST(substr(individualNumber, 2, 1) AS INTEGER) * 5 + CAST(substr(individualNumber, 3, 1) AS INTEGER) * 4 + CAST(substr(individualNumber, 4, 1) AS INTEGER) * 3 + CAST(substr(individualNumber, 5, 1) AS INTEGER) * 2 + CAST(substr(individualNumber, 6, 1) AS INTEGER) * 7 + CAST(substr(individualNumber, 7, 1) AS INTEGER) * 6 + CAST(substr(individualNumber, 8, 1) AS INTEGER) * 5 + CAST(substr(individualNumber, 9, 1) AS INTEGER) * 4 + CAST(substr(individualNumber, 10, 1) AS INTEGER) * 3 + CAST(substr(individualNumber, 11, 1) AS INTEGER) * 2) % 11 END) = CAST(substr(individualNumber, 12, 1) AS INTEGER)),
          residentRecordCode TEXT NOT NULL UNIQUE CHECK (length(residentRecordCode) = 11 AND residentRecordCode NOT GLOB '*[^0-9]*'
            AND (CASE WHEN (CAST(substr(residentRecordCode, 1, 1) AS INTEGER) * 5 + CAST(substr(residentRecordCode, 2, 1) AS INTEGER) * 4 + CAST(substr(residentRecordCode, 3, 1) AS INTEGER) * 3 + CAST(substr(residentRecordCode, 4, 1) AS INTEGER) * 2 + CAST(substr(residentRecordCode, 5, 1) AS INTEGER) * 7 + CAST(substr(residentRecordCode, 6, 1) AS INTEGER) * 6 + CAST(substr(residentRecordCode, 7, 1) AS INTEGER) * 5 + CAST(substr(residentRecordCode, 8, 1) AS INTEGER) * 4 + CAST(substr(residentRecordCode, 9, 1) AS INTEGER) * 3 + CAST(substr(residentRecordCode, 10, 1) AS INTEGER) * 2) % 11 <= 1 THEN 0 ELSE 11 - (CAST(substr(residentRecordCode, 1, 1) AS INTEGER) * 5 + CAST(substr(residentRecordCode, 2, 1) AS INTEGER) * 4 + CAST(substr(residentRecordCode, 3, 1) AS INTEGER) * 3 + CAST(substr(residentRecordCode, 4, 1) AS INTEGER) * 2 + CAST(substr(residentRecordCode, 5, 1) AS INTEGER) * 7 + CAST(substr(residentRecordCode, 6, 1) AS INTEGER) * 6 + CAST(substr(residentRecordCode, 7, 1) AS INTEGER) * 5 + CAST(substr(residentRecordCode, 8, 1) AS INTEGER) * 4 + CAST(substr(residentRecordCode, 9, 1) AS INTEGER) * 3 + CAST(substr(residentRecordCode, 10, 1) AS INTEGER) * 2) % 11 END) = CAST(substr(residentRecordCode, 11, 1) AS INTEGER)),
          removedOn TEXT CHECK (removedOn IS NULL OR (removedOn = date(removedOn) AND removedOn >= birthDate)),
          removalReason TEXT CHECK ((removalReason IS NULL) = (removedOn IS NULL)
            AND (removalReason IS NULL OR removalReason IN ('movedOut', 'died', 'officialDeletion'))),
          removalDestination TEXT CHECK (removalDestination IS NULL OR removedOn IS NOT NULL)
        );
        CREATE INDEX resident_household ON resident(householdId);
        -- Search: each key with the birth date, so a prefix search reads rows already in result order.
        CREATE INDEX resident_searchName ON resident(searchName, birthDate);
        CREATE INDEX resident_searchKana ON resident(searchKana, birthDate);
        CREATE INDEX resident_givenKana ON resident(givenNameKana, birthDate);
        CREATE INDEX resident_birthDate ON resident(birthDate);
        -- One living householder per household.
        CREATE UNIQUE INDEX resident_one_householder ON resident(householdId)
          WHERE relationship = 'householder' AND removedOn IS NULL;

        CREATE TABLE residentMovement (
          id INTEGER PRIMARY KEY,
          residentId INTEGER NOT NULL REFERENCES resident(id),
          kind TEXT NOT NULL CHECK (kind IN ('birth', 'moveIn', 'moveWithin', 'moveOutNotified', 'moveOut', 'death')),
          occurredOn TEXT NOT NULL CHECK (occurredOn = date(occurredOn)),
          notifiedOn TEXT NOT NULL CHECK (notifiedOn = date(notifiedOn)),
          fromAddress TEXT,
          toAddress TEXT
        );
        CREATE INDEX residentMovement_resident ON residentMovement(residentId);

        CREATE TABLE sealRegistration (
          id INTEGER PRIMARY KEY,
          residentId INTEGER NOT NULL REFERENCES resident(id),
          registrationNumber TEXT NOT NULL UNIQUE CHECK (registrationNumber <> ''),
          registeredOn TEXT NOT NULL CHECK (registeredOn = date(registeredOn)),
          sealImage BLOB NOT NULL CHECK (length(sealImage) > 0),
          sealImageType TEXT NOT NULL CHECK (sealImageType IN ('image/svg+xml', 'image/png')),
          abolishedOn TEXT CHECK (abolishedOn IS NULL OR (abolishedOn = date(abolishedOn) AND abolishedOn >= registeredOn))
        );
        -- One seal in force per resident.
        CREATE UNIQUE INDEX sealRegistration_one_active ON sealRegistration(residentId) WHERE abolishedOn IS NULL;

        CREATE TABLE taxAssessment (
          id INTEGER PRIMARY KEY,
          residentId INTEGER NOT NULL REFERENCES resident(id),
          fiscalYear INTEGER NOT NULL CHECK (fiscalYear >= 1873),
          grossIncome INTEGER NOT NULL CHECK (grossIncome >= 0),
          totalIncome INTEGER NOT NULL CHECK (totalIncome >= 0 AND totalIncome <= grossIncome),
          taxableIncome INTEGER NOT NULL CHECK (taxableIncome >= 0 AND taxableIncome <= totalIncome),
          municipalTax INTEGER NOT NULL CHECK (municipalTax >= 0),
          prefecturalTax INTEGER NOT NULL CHECK (prefecturalTax >= 0),
          UNIQUE (residentId, fiscalYear)
        );

        CREATE TABLE familyRegister (
          id INTEGER PRIMARY KEY,
          permanentDomicile TEXT NOT NULL CHECK (permanentDomicile <> ''),
          headName TEXT NOT NULL CHECK (headName <> ''),
          createdOn TEXT NOT NULL CHECK (createdOn = date(createdOn))
        );
        CREATE INDEX familyRegister_domicile ON familyRegister(permanentDomicile);

        CREATE TABLE familyRegisterMember (
          id INTEGER PRIMARY KEY,
          familyRegisterId INTEGER NOT NULL REFERENCES familyRegister(id),
          residentId INTEGER REFERENCES resident(id),
          familyName TEXT NOT NULL CHECK (familyName <> ''),
          givenName TEXT NOT NULL CHECK (givenName <> ''),
          familyNameKana TEXT NOT NULL,
          givenNameKana TEXT NOT NULL,
          birthDate TEXT NOT NULL CHECK (birthDate = date(birthDate)),
          sex TEXT NOT NULL CHECK (sex IN ('male', 'female')),
          relationship TEXT NOT NULL CHECK (relationship <> ''),
          fatherName TEXT,
          motherName TEXT,
          leftOn TEXT CHECK (leftOn IS NULL OR (leftOn = date(leftOn) AND leftOn >= birthDate))
        );
        CREATE INDEX familyRegisterMember_register ON familyRegisterMember(familyRegisterId);
        CREATE INDEX familyRegisterMember_resident ON familyRegisterMember(residentId);

        CREATE TABLE familyRegisterEvent (
          id INTEGER PRIMARY KEY,
          familyRegisterId INTEGER NOT NULL REFERENCES familyRegister(id),
          memberId INTEGER REFERENCES familyRegisterMember(id),
          kind TEXT NOT NULL CHECK (kind IN ('creation', 'birth', 'marriage', 'divorce', 'adoption', 'death', 'transfer')),
          occurredOn TEXT NOT NULL CHECK (occurredOn = date(occurredOn)),
          detail TEXT NOT NULL
        );
        CREATE INDEX familyRegisterEvent_register ON familyRegisterEvent(familyRegisterId);

        CREATE TABLE familyRegisterAnnexEntry (
          id INTEGER PRIMARY KEY,
          memberId INTEGER NOT NULL REFERENCES familyRegisterMember(id),
          address TEXT NOT NULL CHECK (address <> ''),
          since TEXT NOT NULL CHECK (since = date(since))
        );
        CREATE INDEX familyRegisterAnnexEntry_member ON familyRegisterAnnexEntry(memberId);

        CREATE TABLE supportMeasure (
          id INTEGER PRIMARY KEY,
          subjectId INTEGER NOT NULL REFERENCES resident(id),
          otherPartyName TEXT NOT NULL CHECK (otherPartyName <> ''),
          otherPartyBirthDate TEXT CHECK (otherPartyBirthDate IS NULL OR otherPartyBirthDate = date(otherPartyBirthDate)),
          otherPartyResidentId INTEGER REFERENCES resident(id)
            CHECK (otherPartyResidentId IS NULL OR otherPartyResidentId <> subjectId),
          termStart TEXT NOT NULL CHECK (termStart = date(termStart)),
          termEnd TEXT NOT NULL CHECK (termEnd = date(termEnd) AND termEnd >= termStart)
        );
        CREATE INDEX supportMeasure_subject ON supportMeasure(subjectId);
        CREATE INDEX supportMeasure_otherParty ON supportMeasure(otherPartyResidentId);

        CREATE TABLE holderNotificationRegistration (
          id INTEGER PRIMARY KEY,
          residentId INTEGER NOT NULL REFERENCES resident(id),
          registeredOn TEXT NOT NULL CHECK (registeredOn = date(registeredOn)),
          endedOn TEXT CHECK (endedOn IS NULL OR (endedOn = date(endedOn) AND endedOn >= registeredOn))
        );
        CREATE UNIQUE INDEX holderNotification_one_active ON holderNotificationRegistration(residentId)
          WHERE endedOn IS NULL;

        CREATE TABLE facility (
          id TEXT PRIMARY KEY NOT NULL CHECK (id <> '' AND id NOT GLOB '*[^a-z0-9-]*'),
          kind TEXT NOT NULL CHECK (kind IN ('wardOffice', 'branchOffice', 'subBranchOffice', 'serviceCorner', 'liaisonOffice')),
          name TEXT NOT NULL CHECK (name <> ''),
          ward TEXT NOT NULL,
          prefecture TEXT NOT NULL,
          municipality TEXT NOT NULL,
          addressWard TEXT NOT NULL,
          town TEXT NOT NULL,
          block TEXT NOT NULL,
          building TEXT,
          openedOn TEXT NOT NULL CHECK (openedOn = date(openedOn)),
          closedOn TEXT CHECK (closedOn IS NULL OR (closedOn = date(closedOn) AND closedOn > openedOn))
        );
        """#

    /// The ledger (append-only, hash-chained), the certificates it speaks of, idempotency keys and
    /// 本人通知 to send.
    static let issuanceSQL = #"""
        CREATE TABLE ledgerEntry (
          sequence INTEGER PRIMARY KEY CHECK (sequence >= 1),
          previousHash TEXT NOT NULL CHECK (length(previousHash) = 64 AND previousHash NOT GLOB '*[^0-9a-f]*'),
          hash TEXT NOT NULL UNIQUE CHECK (length(hash) = 64 AND hash NOT GLOB '*[^0-9a-f]*'),
          payload TEXT NOT NULL CHECK (json_valid(payload)),
          action TEXT NOT NULL CHECK (action IN ('issue', 'refuse', 'void', 'reprint')),
          documentId TEXT,
          subjectId INTEGER NOT NULL,
          at TEXT NOT NULL
        );
        CREATE INDEX ledgerEntry_document ON ledgerEntry(documentId);
        CREATE INDEX ledgerEntry_subject ON ledgerEntry(subjectId);

        -- Append-only: no entry is ever changed or removed.
        CREATE TRIGGER ledgerEntry_no_update BEFORE UPDATE ON ledgerEntry
        BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
        CREATE TRIGGER ledgerEntry_no_delete BEFORE DELETE ON ledgerEntry
        BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
        -- Chained: each entry follows the last one and names its hash.
        CREATE TRIGGER ledgerEntry_chain BEFORE INSERT ON ledgerEntry
        WHEN NEW.sequence <> coalesce((SELECT max(sequence) FROM ledgerEntry), 0) + 1
          OR NEW.previousHash <> coalesce((SELECT hash FROM ledgerEntry ORDER BY sequence DESC LIMIT 1),
                                          '0000000000000000000000000000000000000000000000000000000000000000')
        BEGIN SELECT RAISE(ABORT, 'ledger entries must extend the chain'); END;

        CREATE TABLE certificate (
          id TEXT PRIMARY KEY NOT NULL CHECK (length(id) >= 16),
          kind TEXT NOT NULL CHECK (kind IN ('residentRecordCopy', 'residentRecordExtract', 'removedRecord', 'sealRegistrationCertificate', 'taxCertificate', 'familyRegisterFull', 'familyRegisterIndividual', 'familyRegisterAnnex')),
          subjectId INTEGER NOT NULL REFERENCES resident(id),
          channel TEXT NOT NULL CHECK (channel IN ('counter', 'kiosk', 'automaticMachine', 'postOffice', 'post', 'online')),
          facilityId TEXT REFERENCES facility(id),
          requesterClass TEXT NOT NULL CHECK (requesterClass IN ('self', 'householdMember', 'proxy', 'thirdParty', 'professional', 'government')),
          requester TEXT NOT NULL CHECK (json_valid(requester)),
          options TEXT NOT NULL CHECK (json_valid(options)),
          content TEXT NOT NULL CHECK (json_valid(content)),
          contentDigest TEXT NOT NULL CHECK (length(contentDigest) = 64 AND contentDigest NOT GLOB '*[^0-9a-f]*'),
          copies INTEGER NOT NULL CHECK (copies BETWEEN 1 AND 10),
          feeYen INTEGER NOT NULL CHECK (feeYen >= 0),
          issuedAt TEXT NOT NULL,
          status TEXT NOT NULL DEFAULT 'issued' CHECK (status IN ('issued', 'voided', 'superseded')),
          supersededBy TEXT REFERENCES certificate(id),
          ledgerSequence INTEGER NOT NULL UNIQUE REFERENCES ledgerEntry(sequence),
          -- The compact JWS printed as the QR code
          token TEXT NOT NULL CHECK (length(token) > 0)
        );
        CREATE INDEX certificate_subject ON certificate(subjectId);

        -- Document-signing keys (ES256). Retired keys stay published so older papers still verify.
        CREATE TABLE signingKey (
          kid TEXT PRIMARY KEY NOT NULL CHECK (length(kid) >= 8),
          privateKey BLOB NOT NULL CHECK (length(privateKey) = 32),
          publicJWK TEXT NOT NULL CHECK (json_valid(publicJWK)),
          createdAt TEXT NOT NULL,
          retiredAt TEXT
        );
        CREATE UNIQUE INDEX signingKey_one_active ON signingKey((retiredAt IS NULL)) WHERE retiredAt IS NULL;

        CREATE TABLE idempotencyKey (
          key TEXT PRIMARY KEY NOT NULL CHECK (length(key) BETWEEN 8 AND 200),
          requestDigest TEXT NOT NULL CHECK (length(requestDigest) = 64 AND requestDigest NOT GLOB '*[^0-9a-f]*'),
          ledgerSequence INTEGER NOT NULL REFERENCES ledgerEntry(sequence),
          createdAt TEXT NOT NULL
        );

        CREATE TABLE holderNotification (
          id INTEGER PRIMARY KEY,
          residentId INTEGER NOT NULL REFERENCES resident(id),
          certificateId TEXT NOT NULL REFERENCES certificate(id),
          requesterClass TEXT NOT NULL,
          createdAt TEXT NOT NULL,
          sentAt TEXT
        );
        """#

    /// The card authority and the card certificates it issued (利用者証明用電子証明書).
    static let cardsSQL = #"""
        CREATE TABLE cardAuthority (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          certificate BLOB NOT NULL,
          privateKey BLOB NOT NULL,
          createdAt TEXT NOT NULL
        );

        CREATE TABLE card (
          serial TEXT PRIMARY KEY NOT NULL CHECK (length(serial) BETWEEN 8 AND 20),
          residentId INTEGER NOT NULL REFERENCES resident(id),
          certificate BLOB NOT NULL,
          issuedAt TEXT NOT NULL,
          notAfter TEXT NOT NULL CHECK (notAfter = date(notAfter)),
          revokedAt TEXT,
          revocationReason TEXT CHECK ((revocationReason IS NULL) = (revokedAt IS NULL)
            AND (revocationReason IS NULL OR revocationReason IN ('unspecified', 'keyCompromise', 'caCompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation', 'certificateHold', 'removeFromCRL', 'privilegeWithdrawn', 'aaCompromise')))
        );
        CREATE INDEX card_resident ON card(residentId);
        """#

    /// Store kiosk sessions (コンビニ交付): one row per request id, which binds the card, the request and
    /// the document from the challenge to the print confirmation. A row is never reused.
    static let kioskSQL = #"""
        CREATE TABLE kioskSession (
          requestId TEXT PRIMARY KEY NOT NULL CHECK (length(requestId) BETWEEN 8 AND 100),
          chain TEXT NOT NULL CHECK (length(chain) BETWEEN 1 AND 100),
          store TEXT NOT NULL CHECK (length(store) BETWEEN 1 AND 100),
          challenge BLOB NOT NULL CHECK (length(challenge) = 32),
          state TEXT NOT NULL CHECK (state IN ('started', 'authenticated', 'issued', 'completed', 'refused', 'aborted')),
          createdAt TEXT NOT NULL,
          updatedAt TEXT NOT NULL,
          expiresAtMs INTEGER NOT NULL,
          cardSerial TEXT,
          residentId INTEGER REFERENCES resident(id),
          kind TEXT,
          copies INTEGER CHECK (copies IS NULL OR copies BETWEEN 1 AND 10),
          feeYen INTEGER CHECK (feeYen IS NULL OR feeYen >= 0),
          documentId TEXT UNIQUE REFERENCES certificate(id),
          refusals TEXT,
          abortReason TEXT,
          completedAt TEXT CHECK ((completedAt IS NOT NULL) = (state = 'completed')),
          CHECK (state IN ('started', 'aborted') OR (cardSerial IS NOT NULL AND residentId IS NOT NULL)),
          CHECK ((state IN ('issued', 'completed')) <= (documentId IS NOT NULL))
        );
        CREATE INDEX kioskSession_open ON kioskSession(expiresAtMs) WHERE state IN ('started', 'authenticated', 'issued');
        CREATE INDEX kioskSession_completed ON kioskSession(completedAt) WHERE completedAt IS NOT NULL;
        """#

    /// 本籍地利用登録: a card issued by another city, linked by a clerk to a record here whose 戸籍 this city keeps,
    /// so its holder can print that 戸籍 at stores. The card city's authority is kept to check the card's chain.
    static let honsekiSQL = #"""
        CREATE TABLE honsekiRegistration (
          id INTEGER PRIMARY KEY,
          residentId INTEGER NOT NULL REFERENCES resident(id),
          cardSerial TEXT NOT NULL CHECK (length(cardSerial) BETWEEN 8 AND 20),
          cardCertificate BLOB NOT NULL UNIQUE,
          cardCityCode TEXT NOT NULL CHECK (length(cardCityCode) = 6),
          authority BLOB NOT NULL,
          registeredAt TEXT NOT NULL,
          endedAt TEXT
        );
        CREATE INDEX honsekiRegistration_resident ON honsekiRegistration(residentId);
        """#

    /// Evaluation sheets: the plan tree, each sheet's versions (canonical JSON), and its review steps.
    static let sheetsSQL = #"""
        CREATE TABLE planNode (
          code TEXT PRIMARY KEY NOT NULL CHECK (code <> '' AND code NOT GLOB '*[^A-Za-z0-9-]*'),
          level TEXT NOT NULL CHECK (level IN ('policy', 'field', 'program', 'basicPolicy', 'policyDirection', 'basicMeasure', 'measure', 'project')),
          number TEXT,
          title TEXT NOT NULL CHECK (title <> ''),
          parentCode TEXT REFERENCES planNode(code)
        );
        CREATE INDEX planNodeByParent ON planNode(parentCode);

        CREATE TABLE evaluationSheet (
          code TEXT PRIMARY KEY NOT NULL REFERENCES planNode(code),
          layout TEXT NOT NULL CHECK (layout IN ('program', 'measure')),
          stage TEXT NOT NULL CHECK (stage IN ('draft', 'sectionChief', 'director', 'externalReview', 'published')),
          version INTEGER NOT NULL CHECK (version >= 1),
          publishedVersion INTEGER CHECK (publishedVersion BETWEEN 1 AND version),
          updatedAt TEXT NOT NULL,
          updatedBy TEXT NOT NULL CHECK (updatedBy <> '')
        );

        CREATE TABLE sheetRevision (
          code TEXT NOT NULL REFERENCES evaluationSheet(code) DEFERRABLE INITIALLY DEFERRED,
          version INTEGER NOT NULL CHECK (version >= 1),
          content TEXT NOT NULL CHECK (json_valid(content)),
          source TEXT NOT NULL CHECK (source IN ('import', 'edit')),
          author TEXT NOT NULL CHECK (author <> ''),
          note TEXT,
          at TEXT NOT NULL,
          PRIMARY KEY (code, version)
        );

        CREATE TABLE sheetReview (
          id INTEGER PRIMARY KEY,
          code TEXT NOT NULL,
          version INTEGER NOT NULL,
          action TEXT NOT NULL CHECK (action IN ('submit', 'approve', 'sendBack', 'reopen')),
          fromStage TEXT NOT NULL CHECK (fromStage IN ('draft', 'sectionChief', 'director', 'externalReview', 'published')),
          toStage TEXT NOT NULL CHECK (toStage IN ('draft', 'sectionChief', 'director', 'externalReview', 'published')),
          role TEXT NOT NULL CHECK (role IN ('staff', 'sectionChief', 'director', 'externalReviewer')),
          author TEXT NOT NULL CHECK (author <> ''),
          comment TEXT,
          at TEXT NOT NULL,
          FOREIGN KEY (code, version) REFERENCES sheetRevision(code, version)
        );
        CREATE INDEX sheetReviewByCode ON sheetReview(code, id);
        """#

    /// The fiscal year of a JST timestamp column: 2026-03-31… is 2025.
    static func fiscalYearSQL(_ at: String) -> String {
        "CAST(substr(\(at), 1, 4) AS INTEGER) - (CAST(substr(\(at), 6, 2) AS INTEGER) < 4)"
    }

    /// Where a ledger payload's copies count today (v17): the facility's kind, or `channel:<channel>`, with
    /// `:smartphone` for a store's copies issued with a phone's certificate. For recounting the ledger; the
    /// migrations carry their own frozen text.
    static func placeSQL(_ payload: String) -> String {
        "coalesce((SELECT f.kind FROM facility f WHERE f.id = json_extract(\(payload), '$.facilityId')), "
            + "'channel:' || json_extract(\(payload), '$.channel') "
            + "|| CASE WHEN json_extract(\(payload), '$.medium') = 'smartphone' THEN ':smartphone' ELSE '' END)"
    }

    /// What live indicators are computed from besides the ledger: issuance counts from before the ledger,
    /// the regional-staff activity log, and citizen surveys.
    static let liveSourcesSQL = #"""
        -- Copies issued per fiscal year and place (a facility kind, or channel:<channel> away from a
        -- facility). The ledger feeds the rows of source 'ledger' in the same transaction as each
        -- issue and void; other sources are counts from before the ledger.
        CREATE TABLE issuanceCount (
          fiscalYear INTEGER NOT NULL CHECK (fiscalYear BETWEEN 1873 AND 2999),
          place TEXT NOT NULL CHECK (place IN ('wardOffice', 'branchOffice', 'subBranchOffice', 'serviceCorner', 'liaisonOffice') OR place GLOB 'channel:?*'),
          source TEXT NOT NULL CHECK (source <> ''),
          copies INTEGER NOT NULL CHECK (copies >= 0),
          PRIMARY KEY (fiscalYear, place, source)
        );
        CREATE TRIGGER ledgerEntry_counts_issue AFTER INSERT ON ledgerEntry WHEN NEW.action = 'issue'
        BEGIN
          INSERT INTO issuanceCount (fiscalYear, place, source, copies)
          VALUES (CAST(substr(NEW.at, 1, 4) AS INTEGER) - (CAST(substr(NEW.at, 6, 2) AS INTEGER) < 4), coalesce((SELECT f.kind FROM facility f WHERE f.id = json_extract(NEW.payload, '$.facilityId')), 'channel:' || json_extract(NEW.payload, '$.channel')), 'ledger', json_extract(NEW.payload, '$.copies'))
          ON CONFLICT (fiscalYear, place, source) DO UPDATE SET copies = copies + excluded.copies;
        END;
        CREATE TRIGGER ledgerEntry_counts_void AFTER INSERT ON ledgerEntry
        WHEN NEW.action = 'void' AND NOT EXISTS (
          SELECT 1 FROM ledgerEntry v WHERE v.action = 'void' AND v.documentId = NEW.documentId AND v.sequence < NEW.sequence)
        BEGIN
          UPDATE issuanceCount
          SET copies = copies - (SELECT json_extract(i.payload, '$.copies') FROM ledgerEntry i
                                 WHERE i.action = 'issue' AND i.documentId = NEW.documentId)
          WHERE source = 'ledger' AND (fiscalYear, place) = (
            SELECT CAST(substr(i.at, 1, 4) AS INTEGER) - (CAST(substr(i.at, 6, 2) AS INTEGER) < 4), coalesce((SELECT f.kind FROM facility f WHERE f.id = json_extract(i.payload, '$.facilityId')), 'channel:' || json_extract(i.payload, '$.channel')) FROM ledgerEntry i
            WHERE i.action = 'issue' AND i.documentId = NEW.documentId);
        END;
        -- What the ledger already holds.
        INSERT INTO issuanceCount (fiscalYear, place, source, copies)
        SELECT CAST(substr(e.at, 1, 4) AS INTEGER) - (CAST(substr(e.at, 6, 2) AS INTEGER) < 4) AS fy, coalesce((SELECT f.kind FROM facility f WHERE f.id = json_extract(e.payload, '$.facilityId')), 'channel:' || json_extract(e.payload, '$.channel')) AS place, 'ledger', sum(json_extract(e.payload, '$.copies'))
        FROM ledgerEntry e
        WHERE e.action = 'issue' AND NOT EXISTS (SELECT 1 FROM ledgerEntry v WHERE v.action = 'void' AND v.documentId = e.documentId)
        GROUP BY fy, place;

        CREATE TABLE regionalActivity (
          id INTEGER PRIMARY KEY,
          staff TEXT NOT NULL CHECK (trim(staff) <> ''),
          center TEXT NOT NULL CHECK (trim(center) <> ''),
          date TEXT NOT NULL CHECK (date = date(date)),
          kind TEXT NOT NULL CHECK (trim(kind) <> ''),
          participants INTEGER NOT NULL CHECK (participants BETWEEN 0 AND 100000),
          note TEXT,
          recordedAt TEXT NOT NULL,
          recordedBy TEXT NOT NULL CHECK (recordedBy <> '')
        );
        CREATE INDEX regionalActivityByDate ON regionalActivity(date);

        CREATE TABLE survey (
          id TEXT PRIMARY KEY NOT NULL CHECK (id <> '' AND id NOT GLOB '*[^A-Za-z0-9-]*'),
          title TEXT NOT NULL CHECK (trim(title) <> ''),
          fiscalYear INTEGER NOT NULL CHECK (fiscalYear BETWEEN 1873 AND 2999)
        );
        CREATE TABLE surveyQuestion (
          surveyId TEXT NOT NULL REFERENCES survey(id),
          code TEXT NOT NULL CHECK (code <> ''),
          text TEXT NOT NULL,
          options TEXT NOT NULL CHECK (json_valid(options) AND json_array_length(options) >= 2),
          satisfied TEXT NOT NULL CHECK (json_valid(satisfied) AND json_array_length(satisfied) >= 1),
          position INTEGER NOT NULL,
          PRIMARY KEY (surveyId, code)
        );
        CREATE TABLE surveyResponse (
          surveyId TEXT NOT NULL REFERENCES survey(id),
          respondent TEXT NOT NULL CHECK (respondent <> ''),
          PRIMARY KEY (surveyId, respondent)
        );
        CREATE TABLE surveyAnswer (
          surveyId TEXT NOT NULL,
          respondent TEXT NOT NULL,
          question TEXT NOT NULL,
          answer TEXT NOT NULL,
          PRIMARY KEY (surveyId, respondent, question),
          FOREIGN KEY (surveyId, respondent) REFERENCES surveyResponse(surveyId, respondent),
          FOREIGN KEY (surveyId, question) REFERENCES surveyQuestion(surveyId, code)
        );
        -- An answer is one of its question's options.
        CREATE TRIGGER surveyAnswer_option BEFORE INSERT ON surveyAnswer
        WHEN NOT EXISTS (SELECT 1 FROM surveyQuestion q, json_each(q.options) o
                         WHERE q.surveyId = NEW.surveyId AND q.code = NEW.question AND o.value = NEW.answer)
        BEGIN SELECT RAISE(ABORT, 'the answer is not one of the question''s options'); END;
        """#
}
