import Foundation
import MadoguchiDomain

/// The PostgreSQL schema, as history: frozen SQL texts applied in order, each in its own transaction, recorded in
/// `schemaMigration`. Identifiers are the SQLite schema's (unquoted, so PostgreSQL folds them to lower case, which the
/// shared SQL never notices); booleans are integers and times are ISO 8601 text, as on SQLite, so one SQL text serves
/// both engines. What SQLite checks with triggers and `RAISE(ABORT …)` PostgreSQL checks with PL/pgSQL triggers that
/// raise SQLSTATE 23000, which maps to the same `store.constraint`.
///
/// Migrations move the PostgreSQL half forward slice by slice (ADR 0010); until a slice ships, its text may still
/// change. Shipped ones are pinned by `MigrationHistoryTests` like SQLite's.
enum PostgresSchema {
    static let migrations: [Schema.Migration] = [
        Schema.Migration("p1-ledger", ledgerSQL),
        Schema.Migration("p2-window", windowSQL),
    ]

    /// The hash-chained ledger, append-only and chained by the database itself: an UPDATE, DELETE or TRUNCATE
    /// is refused, and an INSERT that does not extend the chain is refused, whoever sends it.
    static let ledgerSQL = #"""
        CREATE FUNCTION madoguchi_json_valid(t text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
        BEGIN
          PERFORM t::jsonb;
          RETURN true;
        EXCEPTION WHEN others THEN
          RETURN false;
        END $$;

        CREATE TABLE ledgerEntry (
          sequence BIGINT PRIMARY KEY CHECK (sequence >= 1),
          previousHash TEXT NOT NULL CHECK (previousHash ~ '^[0-9a-f]{64}$'),
          hash TEXT NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
          payload TEXT NOT NULL CHECK (madoguchi_json_valid(payload)),
          action TEXT NOT NULL CHECK (action IN ('issue', 'refuse', 'void', 'reprint')),
          documentId TEXT,
          subjectId BIGINT NOT NULL,
          at TEXT NOT NULL
        );
        CREATE INDEX ledgerEntry_document ON ledgerEntry(documentId);
        CREATE INDEX ledgerEntry_subject ON ledgerEntry(subjectId);

        CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'the ledger is append-only' USING ERRCODE = 'integrity_constraint_violation';
        END $$;
        CREATE TRIGGER ledgerEntry_no_change BEFORE UPDATE OR DELETE ON ledgerEntry
          FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
        CREATE TRIGGER ledgerEntry_no_truncate BEFORE TRUNCATE ON ledgerEntry
          FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();

        CREATE FUNCTION ledger_chain() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.sequence <> coalesce((SELECT max(sequence) FROM ledgerEntry), 0) + 1
             OR NEW.previousHash <> coalesce((SELECT hash FROM ledgerEntry ORDER BY sequence DESC LIMIT 1),
                                             '0000000000000000000000000000000000000000000000000000000000000000') THEN
            RAISE EXCEPTION 'ledger entries must extend the chain' USING ERRCODE = 'integrity_constraint_violation';
          END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER ledgerEntry_chain BEFORE INSERT ON ledgerEntry
          FOR EACH ROW EXECUTE FUNCTION ledger_chain();
        """#

    /// What the window's use cases read and write (issuance, store sessions, 広域交付, counter procedures): the registry,
    /// certificates, signing keys, idempotency keys, cards as far as a session needs them, and the counter's own records,
    /// with SQLite's checks (check digits, dates, vocabularies of their day) and its append-only records.
    static let windowSQL = #"""
        CREATE FUNCTION madoguchi_is_date(t text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
        BEGIN
          RETURN t ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' AND to_char(t::date, 'YYYY-MM-DD') = t;
        EXCEPTION WHEN others THEN
          RETURN false;
        END $$;

        -- The check digit of a 個人番号 (weights 6,5,4,3,2,7,6,5,4,3,2) or a 住民票コード (5,4,3,2,7,6,5,4,3,2).
        CREATE FUNCTION madoguchi_check_digit_valid(t text, weights int[]) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
        DECLARE
          total int := 0;
          r int;
        BEGIN
          IF t !~ '^[0-9]+$' OR length(t) <> array_length(weights, 1) + 1 THEN RETURN false; END IF;
          FOR i IN 1 .. array_length(weights, 1) LOOP
            total := total + substr(t, i, 1)::int * weights[i];
          END LOOP;
          r := total % 11;
          RETURN (CASE WHEN r <= 1 THEN 0 ELSE 11 - r END) = substr(t, length(t), 1)::int;
        END $$;

        CREATE FUNCTION madoguchi_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'integrity_constraint_violation';
        END $$;

        CREATE TABLE meta (
          key TEXT PRIMARY KEY NOT NULL,
          value TEXT NOT NULL
        );

        CREATE TABLE household (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          prefecture TEXT NOT NULL CHECK (prefecture <> ''),
          municipality TEXT NOT NULL CHECK (municipality <> ''),
          ward TEXT NOT NULL,
          town TEXT NOT NULL CHECK (town <> ''),
          block TEXT NOT NULL CHECK (block <> ''),
          building TEXT,
          formedOn TEXT NOT NULL CHECK (madoguchi_is_date(formedOn))
        );

        CREATE TABLE resident (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          householdId BIGINT NOT NULL REFERENCES household(id),
          familyName TEXT NOT NULL CHECK (familyName <> ''),
          givenName TEXT NOT NULL CHECK (givenName <> ''),
          familyNameKana TEXT NOT NULL CHECK (familyNameKana <> ''),
          givenNameKana TEXT NOT NULL CHECK (givenNameKana <> ''),
          formerFamilyName TEXT,
          formerFamilyNameKana TEXT CHECK (formerFamilyNameKana IS NULL OR formerFamilyName IS NOT NULL),
          searchName TEXT NOT NULL,
          searchKana TEXT NOT NULL,
          birthDate TEXT NOT NULL CHECK (madoguchi_is_date(birthDate)),
          sex TEXT NOT NULL CHECK (sex IN ('male', 'female')),
          relationship TEXT NOT NULL CHECK (relationship IN ('householder', 'wife', 'husband', 'child', 'father', 'mother',
            'grandchild', 'grandfather', 'grandmother', 'elderBrother', 'elderSister', 'youngerBrother', 'youngerSister',
            'childsWife', 'childsHusband', 'wifesFather', 'wifesMother', 'husbandsFather', 'husbandsMother', 'cohabitant',
            'relative')),
          permanentDomicile TEXT,
          domicileHead TEXT CHECK ((permanentDomicile IS NULL) = (domicileHead IS NULL)),
          becameResidentOn TEXT NOT NULL CHECK (madoguchi_is_date(becameResidentOn) AND becameResidentOn >= birthDate),
          addressSetOn TEXT NOT NULL CHECK (madoguchi_is_date(addressSetOn) AND addressSetOn >= birthDate),
          notifiedOn TEXT NOT NULL CHECK (madoguchi_is_date(notifiedOn) AND notifiedOn >= birthDate),
          previousAddress TEXT,
          individualNumber TEXT NOT NULL UNIQUE CHECK (madoguchi_check_digit_valid(individualNumber, ARRAY[6,5,4,3,2,7,6,5,4,3,2])),
          residentRecordCode TEXT NOT NULL UNIQUE CHECK (madoguchi_check_digit_valid(residentRecordCode, ARRAY[5,4,3,2,7,6,5,4,3,2])),
          removedOn TEXT CHECK (removedOn IS NULL OR (madoguchi_is_date(removedOn) AND removedOn >= birthDate)),
          removalReason TEXT CHECK ((removalReason IS NULL) = (removedOn IS NULL)
            AND (removalReason IS NULL OR removalReason IN ('movedOut', 'died', 'officialDeletion'))),
          removalDestination TEXT CHECK (removalDestination IS NULL OR removedOn IS NOT NULL)
        );
        CREATE INDEX resident_household ON resident(householdId);
        CREATE INDEX resident_searchName ON resident(searchName, birthDate);
        CREATE INDEX resident_searchKana ON resident(searchKana, birthDate);
        CREATE INDEX resident_givenKana ON resident(givenNameKana, birthDate);
        CREATE INDEX resident_birthDate ON resident(birthDate);
        CREATE UNIQUE INDEX resident_one_householder ON resident(householdId)
          WHERE relationship = 'householder' AND removedOn IS NULL;

        CREATE TABLE residentMovement (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          residentId BIGINT NOT NULL REFERENCES resident(id),
          kind TEXT NOT NULL CHECK (kind IN ('birth', 'moveIn', 'moveWithin', 'moveOutNotified', 'moveOut', 'death')),
          occurredOn TEXT NOT NULL CHECK (madoguchi_is_date(occurredOn)),
          notifiedOn TEXT NOT NULL CHECK (madoguchi_is_date(notifiedOn)),
          fromAddress TEXT,
          toAddress TEXT
        );
        CREATE INDEX residentMovement_resident ON residentMovement(residentId);

        CREATE TABLE sealRegistration (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          residentId BIGINT NOT NULL REFERENCES resident(id),
          registrationNumber TEXT NOT NULL UNIQUE CHECK (registrationNumber <> ''),
          registeredOn TEXT NOT NULL CHECK (madoguchi_is_date(registeredOn)),
          sealImage BYTEA NOT NULL CHECK (length(sealImage) > 0),
          sealImageType TEXT NOT NULL CHECK (sealImageType IN ('image/svg+xml', 'image/png')),
          abolishedOn TEXT CHECK (abolishedOn IS NULL OR (madoguchi_is_date(abolishedOn) AND abolishedOn >= registeredOn))
        );
        CREATE UNIQUE INDEX sealRegistration_one_active ON sealRegistration(residentId) WHERE abolishedOn IS NULL;

        CREATE TABLE taxAssessment (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          residentId BIGINT NOT NULL REFERENCES resident(id),
          fiscalYear BIGINT NOT NULL CHECK (fiscalYear >= 1873),
          grossIncome BIGINT NOT NULL CHECK (grossIncome >= 0),
          totalIncome BIGINT NOT NULL CHECK (totalIncome >= 0 AND totalIncome <= grossIncome),
          taxableIncome BIGINT NOT NULL CHECK (taxableIncome >= 0 AND taxableIncome <= totalIncome),
          municipalTax BIGINT NOT NULL CHECK (municipalTax >= 0),
          prefecturalTax BIGINT NOT NULL CHECK (prefecturalTax >= 0),
          UNIQUE (residentId, fiscalYear)
        );

        CREATE TABLE familyRegister (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          permanentDomicile TEXT NOT NULL CHECK (permanentDomicile <> ''),
          headName TEXT NOT NULL CHECK (headName <> ''),
          createdOn TEXT NOT NULL CHECK (madoguchi_is_date(createdOn))
        );
        CREATE INDEX familyRegister_domicile ON familyRegister(permanentDomicile);

        CREATE TABLE familyRegisterMember (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          familyRegisterId BIGINT NOT NULL REFERENCES familyRegister(id),
          residentId BIGINT REFERENCES resident(id),
          familyName TEXT NOT NULL CHECK (familyName <> ''),
          givenName TEXT NOT NULL CHECK (givenName <> ''),
          familyNameKana TEXT NOT NULL,
          givenNameKana TEXT NOT NULL,
          birthDate TEXT NOT NULL CHECK (madoguchi_is_date(birthDate)),
          sex TEXT NOT NULL CHECK (sex IN ('male', 'female')),
          relationship TEXT NOT NULL CHECK (relationship <> ''),
          fatherName TEXT,
          motherName TEXT,
          leftOn TEXT CHECK (leftOn IS NULL OR (madoguchi_is_date(leftOn) AND leftOn >= birthDate))
        );
        CREATE INDEX familyRegisterMember_register ON familyRegisterMember(familyRegisterId);
        CREATE INDEX familyRegisterMember_resident ON familyRegisterMember(residentId);

        CREATE TABLE familyRegisterEvent (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          familyRegisterId BIGINT NOT NULL REFERENCES familyRegister(id),
          memberId BIGINT REFERENCES familyRegisterMember(id),
          kind TEXT NOT NULL CHECK (kind IN ('creation', 'birth', 'marriage', 'divorce', 'adoption', 'death', 'transfer')),
          occurredOn TEXT NOT NULL CHECK (madoguchi_is_date(occurredOn)),
          detail TEXT NOT NULL
        );
        CREATE INDEX familyRegisterEvent_register ON familyRegisterEvent(familyRegisterId);

        CREATE TABLE familyRegisterAnnexEntry (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          memberId BIGINT NOT NULL REFERENCES familyRegisterMember(id),
          address TEXT NOT NULL CHECK (address <> ''),
          since TEXT NOT NULL CHECK (madoguchi_is_date(since))
        );
        CREATE INDEX familyRegisterAnnexEntry_member ON familyRegisterAnnexEntry(memberId);

        CREATE TABLE supportMeasure (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          subjectId BIGINT NOT NULL REFERENCES resident(id),
          otherPartyName TEXT NOT NULL CHECK (otherPartyName <> ''),
          otherPartyBirthDate TEXT CHECK (otherPartyBirthDate IS NULL OR madoguchi_is_date(otherPartyBirthDate)),
          otherPartyResidentId BIGINT REFERENCES resident(id)
            CHECK (otherPartyResidentId IS NULL OR otherPartyResidentId <> subjectId),
          termStart TEXT NOT NULL CHECK (madoguchi_is_date(termStart)),
          termEnd TEXT NOT NULL CHECK (madoguchi_is_date(termEnd) AND termEnd >= termStart),
          state TEXT NOT NULL DEFAULT 'decided' CHECK (state IN ('applied', 'decided', 'ended')),
          endedOn TEXT CHECK (endedOn IS NULL OR madoguchi_is_date(endedOn)),
          honsekiCity TEXT CHECK (honsekiCity IS NULL OR honsekiCity ~ '^[0-9]{6}$'),
          forwardPending BIGINT NOT NULL DEFAULT 0 CHECK (forwardPending IN (0, 1))
        );
        CREATE INDEX supportMeasure_subject ON supportMeasure(subjectId);
        CREATE INDEX supportMeasure_otherParty ON supportMeasure(otherPartyResidentId);

        CREATE TABLE holderNotificationRegistration (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          residentId BIGINT NOT NULL REFERENCES resident(id),
          registeredOn TEXT NOT NULL CHECK (madoguchi_is_date(registeredOn)),
          endedOn TEXT CHECK (endedOn IS NULL OR (madoguchi_is_date(endedOn) AND endedOn >= registeredOn))
        );
        CREATE UNIQUE INDEX holderNotification_one_active ON holderNotificationRegistration(residentId) WHERE endedOn IS NULL;

        CREATE TABLE facility (
          id TEXT PRIMARY KEY NOT NULL CHECK (id ~ '^[a-z0-9-]+$'),
          kind TEXT NOT NULL CHECK (kind IN ('wardOffice', 'branchOffice', 'subBranchOffice', 'serviceCorner', 'liaisonOffice')),
          name TEXT NOT NULL CHECK (name <> ''),
          ward TEXT NOT NULL,
          prefecture TEXT NOT NULL,
          municipality TEXT NOT NULL,
          addressWard TEXT NOT NULL,
          town TEXT NOT NULL,
          block TEXT NOT NULL,
          building TEXT,
          openedOn TEXT NOT NULL CHECK (madoguchi_is_date(openedOn)),
          closedOn TEXT CHECK (closedOn IS NULL OR (madoguchi_is_date(closedOn) AND closedOn > openedOn))
        );

        CREATE TABLE certificate (
          id TEXT PRIMARY KEY NOT NULL CHECK (length(id) >= 16),
          kind TEXT NOT NULL CHECK (kind IN ('residentRecordCopy', 'residentRecordExtract', 'removedRecord',
            'sealRegistrationCertificate', 'taxCertificate', 'familyRegisterFull', 'familyRegisterIndividual',
            'familyRegisterAnnex')),
          subjectId BIGINT REFERENCES resident(id),
          keepingCityCode TEXT CHECK (keepingCityCode IS NULL OR keepingCityCode ~ '^[0-9]{6}$'),
          keepingSubject TEXT CHECK (keepingSubject IS NULL OR keepingSubject <> ''),
          channel TEXT NOT NULL CHECK (channel IN ('counter', 'kiosk', 'automaticMachine', 'postOffice', 'post', 'online')),
          facilityId TEXT REFERENCES facility(id),
          requesterClass TEXT NOT NULL CHECK (requesterClass IN ('self', 'householdMember', 'proxy', 'thirdParty',
            'professional', 'government')),
          requester TEXT NOT NULL CHECK (madoguchi_json_valid(requester)),
          options TEXT NOT NULL CHECK (madoguchi_json_valid(options)),
          content TEXT NOT NULL CHECK (madoguchi_json_valid(content)),
          contentDigest TEXT NOT NULL CHECK (contentDigest ~ '^[0-9a-f]{64}$'),
          copies BIGINT NOT NULL CHECK (copies BETWEEN 1 AND 10),
          feeYen BIGINT NOT NULL CHECK (feeYen >= 0),
          issuedAt TEXT NOT NULL,
          status TEXT NOT NULL DEFAULT 'issued' CHECK (status IN ('issued', 'voided', 'superseded')),
          supersededBy TEXT REFERENCES certificate(id),
          ledgerSequence BIGINT NOT NULL UNIQUE REFERENCES ledgerEntry(sequence),
          token TEXT NOT NULL CHECK (length(token) > 0),
          CHECK ((subjectId IS NULL) = (keepingCityCode IS NOT NULL)),
          CHECK ((keepingCityCode IS NULL) = (keepingSubject IS NULL))
        );
        CREATE INDEX certificate_subject ON certificate(subjectId);

        CREATE TABLE signingKey (
          kid TEXT PRIMARY KEY NOT NULL CHECK (length(kid) >= 8),
          privateKey BYTEA NOT NULL,
          publicJWK TEXT NOT NULL CHECK (madoguchi_json_valid(publicJWK)),
          createdAt TEXT NOT NULL,
          retiredAt TEXT
        );
        CREATE UNIQUE INDEX signingKey_one_active ON signingKey((retiredAt IS NULL)) WHERE retiredAt IS NULL;

        CREATE TABLE idempotencyKey (
          key TEXT PRIMARY KEY NOT NULL CHECK (length(key) BETWEEN 8 AND 200),
          requestDigest TEXT NOT NULL CHECK (requestDigest ~ '^[0-9a-f]{64}$'),
          ledgerSequence BIGINT NOT NULL REFERENCES ledgerEntry(sequence),
          createdAt TEXT NOT NULL
        );

        CREATE TABLE holderNotification (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          residentId BIGINT NOT NULL REFERENCES resident(id),
          certificateId TEXT NOT NULL REFERENCES certificate(id),
          requesterClass TEXT NOT NULL,
          createdAt TEXT NOT NULL,
          sentAt TEXT
        );

        CREATE TABLE cardAuthority (
          id BIGINT PRIMARY KEY CHECK (id = 1),
          certificate BYTEA NOT NULL,
          privateKey BYTEA NOT NULL,
          createdAt TEXT NOT NULL
        );

        CREATE TABLE card (
          serial TEXT PRIMARY KEY NOT NULL CHECK (length(serial) BETWEEN 8 AND 20),
          residentId BIGINT NOT NULL REFERENCES resident(id),
          certificate BYTEA NOT NULL,
          issuedAt TEXT NOT NULL,
          notAfter TEXT NOT NULL CHECK (madoguchi_is_date(notAfter)),
          revokedAt TEXT,
          revocationReason TEXT CHECK ((revocationReason IS NULL) = (revokedAt IS NULL)
            AND (revocationReason IS NULL OR revocationReason IN ('unspecified', 'keyCompromise', 'caCompromise',
              'affiliationChanged', 'superseded', 'cessationOfOperation', 'certificateHold', 'removeFromCRL',
              'privilegeWithdrawn', 'aaCompromise'))),
          medium TEXT NOT NULL DEFAULT 'card' CHECK (medium IN ('card', 'smartphone'))
        );
        CREATE INDEX card_resident ON card(residentId);

        CREATE TABLE kioskSession (
          requestId TEXT PRIMARY KEY NOT NULL CHECK (length(requestId) BETWEEN 8 AND 100),
          chain TEXT NOT NULL CHECK (length(chain) BETWEEN 1 AND 100),
          store TEXT NOT NULL CHECK (length(store) BETWEEN 1 AND 100),
          challenge BYTEA NOT NULL CHECK (length(challenge) = 32),
          state TEXT NOT NULL CHECK (state IN ('started', 'authenticated', 'issued', 'completed', 'refused', 'aborted')),
          createdAt TEXT NOT NULL,
          updatedAt TEXT NOT NULL,
          expiresAtMs BIGINT NOT NULL,
          cardSerial TEXT,
          residentId BIGINT REFERENCES resident(id),
          kind TEXT,
          copies BIGINT CHECK (copies IS NULL OR copies BETWEEN 1 AND 10),
          feeYen BIGINT CHECK (feeYen IS NULL OR feeYen >= 0),
          documentId TEXT UNIQUE REFERENCES certificate(id),
          refusals TEXT,
          abortReason TEXT,
          completedAt TEXT CHECK ((completedAt IS NOT NULL) = (state = 'completed')),
          secretHash TEXT CHECK (secretHash IS NULL OR length(secretHash) = 64),
          medium TEXT CHECK (medium IS NULL OR medium IN ('card', 'smartphone')),
          CHECK (state IN ('started', 'aborted') OR (cardSerial IS NOT NULL AND residentId IS NOT NULL)),
          CHECK (NOT (state IN ('issued', 'completed')) OR documentId IS NOT NULL)
        );
        CREATE INDEX kioskSession_open ON kioskSession(expiresAtMs) WHERE state IN ('started', 'authenticated', 'issued');
        CREATE INDEX kioskSession_completed ON kioskSession(completedAt) WHERE completedAt IS NOT NULL;

        CREATE TABLE honsekiRegistration (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          residentId BIGINT NOT NULL REFERENCES resident(id),
          cardSerial TEXT NOT NULL CHECK (length(cardSerial) BETWEEN 8 AND 20),
          cardCertificate BYTEA NOT NULL UNIQUE,
          cardCityCode TEXT NOT NULL CHECK (length(cardCityCode) = 6),
          authority BYTEA NOT NULL,
          registeredAt TEXT NOT NULL,
          endedAt TEXT
        );
        CREATE INDEX honsekiRegistration_resident ON honsekiRegistration(residentId);

        CREATE TABLE wideAreaRequest (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          at TEXT NOT NULL,
          fromCity TEXT NOT NULL CHECK (fromCity ~ '^[0-9]{6}$'),
          requestId TEXT NOT NULL CHECK (length(requestId) BETWEEN 8 AND 200),
          facilityId TEXT,
          actor TEXT,
          kind TEXT NOT NULL,
          subjectId BIGINT REFERENCES resident(id),
          requesterClass TEXT NOT NULL,
          requesterName TEXT,
          outcome TEXT NOT NULL CHECK (outcome IN ('answered', 'refused')),
          refusals TEXT NOT NULL DEFAULT '',
          contentDigest TEXT,
          CHECK ((outcome = 'answered') = (contentDigest IS NOT NULL))
        );
        CREATE INDEX wideAreaRequest_subject ON wideAreaRequest(subjectId);
        CREATE TRIGGER wideAreaRequest_append_only BEFORE UPDATE OR DELETE ON wideAreaRequest
          FOR EACH ROW EXECUTE FUNCTION madoguchi_append_only('the record of wide-area requests is append-only');

        CREATE TABLE registryProcedure (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          at TEXT NOT NULL,
          procedure TEXT NOT NULL CHECK (procedure IN ('supportMeasureApplied', 'supportMeasureDecided', 'supportMeasureExtended',
            'supportMeasureEnded', 'sealRegistered', 'sealAbolished', 'holderNotificationRegistered', 'holderNotificationEnded')),
          residentId BIGINT NOT NULL REFERENCES resident(id),
          actor TEXT NOT NULL CHECK (actor <> ''),
          facilityId TEXT REFERENCES facility(id),
          detail TEXT NOT NULL CHECK (madoguchi_json_valid(detail))
        );
        CREATE INDEX registryProcedure_resident ON registryProcedure(residentId);
        CREATE TRIGGER registryProcedure_append_only BEFORE UPDATE OR DELETE ON registryProcedure
          FOR EACH ROW EXECUTE FUNCTION madoguchi_append_only('the record of counter procedures is append-only');

        CREATE TABLE forwardedSupportMeasure (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          fromCity TEXT NOT NULL CHECK (fromCity ~ '^[0-9]{6}$'),
          reference TEXT NOT NULL CHECK (reference <> ''),
          registerMemberId BIGINT NOT NULL REFERENCES familyRegisterMember(id),
          otherPartyName TEXT NOT NULL CHECK (otherPartyName <> ''),
          otherPartyBirthDate TEXT CHECK (otherPartyBirthDate IS NULL OR madoguchi_is_date(otherPartyBirthDate)),
          state TEXT NOT NULL CHECK (state IN ('applied', 'decided', 'ended')),
          termStart TEXT NOT NULL CHECK (madoguchi_is_date(termStart)),
          termEnd TEXT NOT NULL CHECK (madoguchi_is_date(termEnd) AND termEnd >= termStart),
          updatedAt TEXT NOT NULL,
          UNIQUE (fromCity, reference)
        );
        CREATE INDEX forwardedSupportMeasure_member ON forwardedSupportMeasure(registerMemberId);

        CREATE TABLE forwardedSupportMeasureLog (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          at TEXT NOT NULL,
          fromCity TEXT NOT NULL,
          reference TEXT NOT NULL,
          registerMemberId BIGINT REFERENCES familyRegisterMember(id),
          outcome TEXT NOT NULL CHECK (outcome IN ('kept', 'refused')),
          detail TEXT NOT NULL CHECK (madoguchi_json_valid(detail))
        );
        CREATE TRIGGER forwardedSupportMeasureLog_append_only BEFORE UPDATE OR DELETE ON forwardedSupportMeasureLog
          FOR EACH ROW EXECUTE FUNCTION madoguchi_append_only('the record of forwarded measures is append-only');
        """#

    /// Brings a database up to date. Two servers starting at once do not both migrate: the first holds an advisory
    /// lock until its migration commits, and the second then finds it applied.
    static func migrate(_ engine: PostgresEngine) throws {
        try engine.transaction { session in
            // Even `IF NOT EXISTS` races in the catalogue: the lock first.
            try session.execute("SELECT pg_advisory_xact_lock(?)", [.integer(Self.migrationLock)])
            try session.execute("CREATE TABLE IF NOT EXISTS schemaMigration (id TEXT PRIMARY KEY, appliedAt TEXT NOT NULL)", [])
        }
        for migration in migrations {
            try engine.transaction { session in
                try session.execute("SELECT pg_advisory_xact_lock(?)", [.integer(Self.migrationLock)])
                guard try session.row("SELECT 1 AS applied FROM schemaMigration WHERE id = ?", migration.id) == nil else { return }
                for statement in statements(migration.sql) { try session.execute(statement, []) }
                try session.execute(
                    "INSERT INTO schemaMigration (id, appliedAt) VALUES (?, ?)", migration.id, LedgerRecord.timestamp(Date()))
            }
        }
    }

    static func applied(_ engine: PostgresEngine) throws -> [String] {
        try engine.transaction(readOnly: true) { session in
            try session.rows("SELECT id FROM schemaMigration ORDER BY appliedAt, id", []).map { try $0.text("id") }
        }
    }

    /// The advisory lock key that serialises migrations (any fixed number; the ledger has its own).
    static let migrationLock: Int64 = 0x6D61_646F_0001

    /// A migration's statements one by one (PostgresNIO sends one statement per query). Splits on `;` outside quotes,
    /// dollar-quoted bodies and comments.
    static func statements(_ sql: String) -> [String] {
        var out: [String] = []
        var current = ""
        var inQuote = false
        var inDollar = false
        var inComment = false
        var previous: Character = " "
        for c in sql {
            if inComment {
                if c == "\n" { inComment = false }
                current.append(c)
            } else if inQuote {
                if c == "'" { inQuote = false }
                current.append(c)
            } else if inDollar {
                current.append(c)
                if c == "$" && previous == "$" { inDollar = false; previous = " "; continue }
            } else if c == "-" && previous == "-" {
                inComment = true
                current.append(c)
            } else if c == "'" {
                inQuote = true
                current.append(c)
            } else if c == "$" && previous == "$" {
                inDollar = true
                current.append(c)
                previous = " "
                continue
            } else if c == ";" {
                let statement = current.trimmingCharacters(in: .whitespacesAndNewlines)
                if !statement.isEmpty { out.append(statement) }
                current = ""
            } else {
                current.append(c)
            }
            previous = c
        }
        let last = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !last.isEmpty { out.append(last) }
        return out
    }
}
