import Foundation
import MadoguchiDomain

/// The PostgreSQL schema, as history: frozen SQL texts applied in order, each in its own transaction, recorded in
/// `schemaMigration`. Identifiers are the SQLite schema's (unquoted, so PostgreSQL folds them to lower case, which the
/// shared SQL never notices); booleans are integers and times are ISO 8601 text, as on SQLite, so one SQL text serves
/// both engines. What SQLite checks with triggers and `RAISE(ABORT …)` PostgreSQL checks with PL/pgSQL triggers that
/// raise SQLSTATE 23000, which maps to the same `store.constraint`.
///
/// Every migration here has shipped and is frozen: `MigrationHistoryTests` pins each one's SQL, checks that a database
/// upgraded from any of them has the schema of a fresh one, and that today's vocabularies are accepted. A change is a
/// new migration.
enum PostgresSchema {
    static let migrations: [Schema.Migration] = [
        Schema.Migration("p1-ledger", ledgerSQL),
        Schema.Migration("p2-window", windowSQL),
        Schema.Migration("p3-office", officeSQL),
        Schema.Migration("p4-counts", countsSQL),
        Schema.Migration("p5-facility-network", facilityNetworkSQL),
        Schema.Migration("p6-opening-hours", openingHoursSQL),
        Schema.Migration("p7-town-locations", townLocationsSQL),
        Schema.Migration("p8-counter-queues", counterQueuesSQL),
        Schema.Migration("p9-arrival-history", arrivalHistorySQL),
        Schema.Migration("p10-service-figures", serviceFiguresSQL),
        Schema.Migration("p11-document-keys", documentKeysSQL),
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

    /// The back office on PostgreSQL: staff accounts, sessions, credentials and their append-only events; the access
    /// log, hash-chained and append-only like the ledger; residents' card sign-in; the evaluation sheets and their
    /// review; the live indicators' sources, with the issuance counts the ledger keeps as it goes (a trigger, as on
    /// SQLite). The registry's search keys compare in code-point order (`COLLATE "C"`), as SQLite compares them, so that
    /// a prefix search is a range on the index whatever the database's locale.
    static let officeSQL = #"""
        ALTER TABLE resident ALTER COLUMN searchName TYPE TEXT COLLATE "C";
        ALTER TABLE resident ALTER COLUMN searchKana TYPE TEXT COLLATE "C";
        ALTER TABLE resident ALTER COLUMN givenNameKana TYPE TEXT COLLATE "C";

        -- The length of a JSON array in a text column; -1 when it is not one.
        CREATE FUNCTION madoguchi_json_array_length(t text) RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$
        BEGIN
          IF jsonb_typeof(t::jsonb) <> 'array' THEN RETURN -1; END IF;
          RETURN jsonb_array_length(t::jsonb);
        EXCEPTION WHEN others THEN
          RETURN -1;
        END $$;

        CREATE TABLE staffAccount (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          login TEXT NOT NULL UNIQUE CHECK (length(login) BETWEEN 3 AND 40 AND login ~ '^[a-z0-9._-]+$'),
          displayName TEXT NOT NULL CHECK (displayName <> ''),
          roles TEXT NOT NULL CHECK (madoguchi_json_array_length(roles) >= 1),
          facilityId TEXT REFERENCES facility(id),
          passwordHash TEXT NOT NULL CHECK (passwordHash ~ '^scrypt[$]'),
          failedSignIns BIGINT NOT NULL DEFAULT 0 CHECK (failedSignIns >= 0),
          lockedUntil TEXT,
          disabledAt TEXT,
          createdAt TEXT NOT NULL,
          passwordChangedAt TEXT NOT NULL
        );

        CREATE TABLE staffSession (
          tokenHash TEXT PRIMARY KEY NOT NULL CHECK (length(tokenHash) = 64),
          accountId BIGINT NOT NULL REFERENCES staffAccount(id),
          csrfToken TEXT NOT NULL CHECK (length(csrfToken) >= 32),
          createdAt TEXT NOT NULL,
          lastSeenAt TEXT NOT NULL,
          expiresAt TEXT NOT NULL,
          endedAt TEXT,
          purpose TEXT CHECK (purpose IS NULL OR purpose IN ('certificate', 'notification', 'consultation', 'supportMeasure', 'inquiry', 'audit'))
        );
        CREATE INDEX staffSession_account ON staffSession(accountId);

        CREATE TABLE staffCredential (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          tokenHash TEXT NOT NULL UNIQUE CHECK (length(tokenHash) = 64),
          label TEXT NOT NULL CHECK (label <> ''),
          accountId BIGINT REFERENCES staffAccount(id),
          roles TEXT NOT NULL CHECK (madoguchi_json_array_length(roles) >= 1),
          facilityId TEXT REFERENCES facility(id),
          createdAt TEXT NOT NULL,
          revokedAt TEXT
        );

        CREATE TABLE staffEvent (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          at TEXT NOT NULL,
          accountId BIGINT REFERENCES staffAccount(id),
          login TEXT NOT NULL,
          event TEXT NOT NULL CHECK (event IN ('created', 'signedIn', 'signInFailed', 'lockedOut', 'signedOut', 'disabled', 'enabled',
            'passwordReset', 'credentialIssued', 'credentialRevoked')),
          actor TEXT NOT NULL,
          detail TEXT NOT NULL DEFAULT '{}' CHECK (madoguchi_json_valid(detail))
        );
        CREATE TRIGGER staffEvent_append_only BEFORE UPDATE OR DELETE ON staffEvent
          FOR EACH ROW EXECUTE FUNCTION madoguchi_append_only('the record of staff events is append-only');
        CREATE TRIGGER staffEvent_no_truncate BEFORE TRUNCATE ON staffEvent
          FOR EACH STATEMENT EXECUTE FUNCTION madoguchi_append_only('the record of staff events is append-only');

        CREATE TABLE accessEntry (
          sequence BIGINT PRIMARY KEY CHECK (sequence >= 1),
          previousHash TEXT NOT NULL CHECK (previousHash ~ '^[0-9a-f]{64}$'),
          hash TEXT NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
          payload TEXT NOT NULL CHECK (madoguchi_json_valid(payload)),
          at TEXT NOT NULL,
          actor TEXT NOT NULL CHECK (actor <> ''),
          facilityId TEXT,
          action TEXT NOT NULL CHECK (action IN ('search', 'detail', 'procedures', 'preview', 'issue', 'certificate', 'document',
            'reprint', 'export')),
          purpose TEXT NOT NULL CHECK (purpose IN ('certificate', 'notification', 'consultation', 'supportMeasure', 'inquiry', 'audit')),
          flagged BIGINT NOT NULL CHECK (flagged IN (0, 1))
        );
        CREATE INDEX accessEntry_at ON accessEntry(at);
        CREATE INDEX accessEntry_actor ON accessEntry(actor, at);
        CREATE INDEX accessEntry_flagged ON accessEntry(at) WHERE flagged = 1;
        CREATE TRIGGER accessEntry_append_only BEFORE UPDATE OR DELETE ON accessEntry
          FOR EACH ROW EXECUTE FUNCTION madoguchi_append_only('the access log is append-only');
        CREATE TRIGGER accessEntry_no_truncate BEFORE TRUNCATE ON accessEntry
          FOR EACH STATEMENT EXECUTE FUNCTION madoguchi_append_only('the access log is append-only');
        CREATE FUNCTION access_chain() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.sequence <> coalesce((SELECT max(sequence) FROM accessEntry), 0) + 1
             OR NEW.previousHash <> coalesce((SELECT hash FROM accessEntry ORDER BY sequence DESC LIMIT 1),
                                             '0000000000000000000000000000000000000000000000000000000000000000') THEN
            RAISE EXCEPTION 'access entries must extend the chain' USING ERRCODE = 'integrity_constraint_violation';
          END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER accessEntry_chain BEFORE INSERT ON accessEntry
          FOR EACH ROW EXECUTE FUNCTION access_chain();

        CREATE TABLE accessSubject (
          residentId BIGINT NOT NULL,
          sequence BIGINT NOT NULL REFERENCES accessEntry(sequence),
          PRIMARY KEY (residentId, sequence)
        );
        CREATE INDEX accessSubject_sequence ON accessSubject(sequence);
        CREATE TRIGGER accessSubject_append_only BEFORE UPDATE OR DELETE ON accessSubject
          FOR EACH ROW EXECUTE FUNCTION madoguchi_append_only('the access log is append-only');
        CREATE TRIGGER accessSubject_no_truncate BEFORE TRUNCATE ON accessSubject
          FOR EACH STATEMENT EXECUTE FUNCTION madoguchi_append_only('the access log is append-only');
        CREATE FUNCTION access_subject_latest() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.sequence IS DISTINCT FROM (SELECT max(sequence) FROM accessEntry) THEN
            RAISE EXCEPTION 'an entry names its people when it is written' USING ERRCODE = 'integrity_constraint_violation';
          END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER accessSubject_latest BEFORE INSERT ON accessSubject
          FOR EACH ROW EXECUTE FUNCTION access_subject_latest();

        CREATE TABLE residentChallenge (
          id TEXT PRIMARY KEY NOT NULL CHECK (length(id) >= 16),
          challenge BYTEA NOT NULL CHECK (length(challenge) = 32),
          expiresAt TEXT NOT NULL,
          usedAt TEXT
        );
        CREATE TABLE residentSession (
          tokenHash TEXT PRIMARY KEY NOT NULL CHECK (length(tokenHash) = 64),
          residentId BIGINT NOT NULL REFERENCES resident(id),
          cardSerial TEXT NOT NULL,
          createdAt TEXT NOT NULL,
          expiresAt TEXT NOT NULL,
          endedAt TEXT
        );

        CREATE TABLE planNode (
          code TEXT PRIMARY KEY NOT NULL CHECK (code ~ '^[A-Za-z0-9-]+$'),
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
          version BIGINT NOT NULL CHECK (version >= 1),
          publishedVersion BIGINT CHECK (publishedVersion BETWEEN 1 AND version),
          updatedAt TEXT NOT NULL,
          updatedBy TEXT NOT NULL CHECK (updatedBy <> '')
        );

        CREATE TABLE sheetRevision (
          code TEXT NOT NULL REFERENCES evaluationSheet(code) DEFERRABLE INITIALLY DEFERRED,
          version BIGINT NOT NULL CHECK (version >= 1),
          content TEXT NOT NULL CHECK (madoguchi_json_valid(content)),
          source TEXT NOT NULL CHECK (source IN ('import', 'edit')),
          author TEXT NOT NULL CHECK (author <> ''),
          note TEXT,
          at TEXT NOT NULL,
          PRIMARY KEY (code, version)
        );

        CREATE TABLE sheetReview (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          code TEXT NOT NULL,
          version BIGINT NOT NULL,
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

        -- Copies issued per fiscal year and place (a facility kind, or channel:<channel>, with :smartphone for a store's
        -- copies issued with a phone's certificate). The ledger feeds the rows of source 'ledger' in the transaction of
        -- each issue and void; other sources are counts from before the ledger.
        CREATE TABLE issuanceCount (
          fiscalYear BIGINT NOT NULL CHECK (fiscalYear BETWEEN 1873 AND 2999),
          place TEXT NOT NULL CHECK (place IN ('wardOffice', 'branchOffice', 'subBranchOffice', 'serviceCorner', 'liaisonOffice') OR place ~ '^channel:.'),
          source TEXT NOT NULL CHECK (source <> ''),
          copies BIGINT NOT NULL CHECK (copies >= 0),
          PRIMARY KEY (fiscalYear, place, source)
        );
        CREATE FUNCTION madoguchi_fiscal_year(at text) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
          SELECT substr(at, 1, 4)::bigint - CASE WHEN substr(at, 6, 2)::int < 4 THEN 1 ELSE 0 END
        $$;
        CREATE FUNCTION madoguchi_count_place(payload text) RETURNS text LANGUAGE sql STABLE AS $$
          SELECT coalesce((SELECT f.kind FROM facility f WHERE f.id = payload::jsonb ->> 'facilityId'),
                          'channel:' || (payload::jsonb ->> 'channel')
                            || CASE WHEN payload::jsonb ->> 'medium' = 'smartphone' THEN ':smartphone' ELSE '' END)
        $$;
        CREATE FUNCTION ledger_counts() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
          issued record;
        BEGIN
          IF NEW.action = 'issue' THEN
            INSERT INTO issuanceCount (fiscalYear, place, source, copies)
            VALUES (madoguchi_fiscal_year(NEW.at), madoguchi_count_place(NEW.payload), 'ledger', (NEW.payload::jsonb ->> 'copies')::bigint)
            ON CONFLICT (fiscalYear, place, source) DO UPDATE SET copies = issuanceCount.copies + excluded.copies;
          ELSIF NEW.action = 'void' AND NOT EXISTS (
            SELECT 1 FROM ledgerEntry v WHERE v.action = 'void' AND v.documentId = NEW.documentId AND v.sequence < NEW.sequence) THEN
            SELECT i.at, i.payload INTO issued FROM ledgerEntry i WHERE i.action = 'issue' AND i.documentId = NEW.documentId;
            IF FOUND THEN
              UPDATE issuanceCount SET copies = copies - (issued.payload::jsonb ->> 'copies')::bigint
              WHERE source = 'ledger' AND fiscalYear = madoguchi_fiscal_year(issued.at) AND place = madoguchi_count_place(issued.payload);
            END IF;
          END IF;
          RETURN NULL;
        END $$;
        CREATE TRIGGER ledgerEntry_counts AFTER INSERT ON ledgerEntry
          FOR EACH ROW EXECUTE FUNCTION ledger_counts();
        -- What the ledger already holds.
        INSERT INTO issuanceCount (fiscalYear, place, source, copies)
        SELECT madoguchi_fiscal_year(e.at) AS fy, madoguchi_count_place(e.payload) AS place, 'ledger', sum((e.payload::jsonb ->> 'copies')::bigint)
        FROM ledgerEntry e
        WHERE e.action = 'issue' AND NOT EXISTS (SELECT 1 FROM ledgerEntry v WHERE v.action = 'void' AND v.documentId = e.documentId)
        GROUP BY 1, 2;

        CREATE TABLE regionalActivity (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          staff TEXT NOT NULL CHECK (trim(staff) <> ''),
          center TEXT NOT NULL CHECK (trim(center) <> ''),
          date TEXT NOT NULL CHECK (madoguchi_is_date(date)),
          kind TEXT NOT NULL CHECK (trim(kind) <> ''),
          participants BIGINT NOT NULL CHECK (participants BETWEEN 0 AND 100000),
          note TEXT,
          recordedAt TEXT NOT NULL,
          recordedBy TEXT NOT NULL CHECK (recordedBy <> '')
        );
        CREATE INDEX regionalActivityByDate ON regionalActivity(date);

        CREATE TABLE survey (
          id TEXT PRIMARY KEY NOT NULL CHECK (id ~ '^[A-Za-z0-9-]+$'),
          title TEXT NOT NULL CHECK (trim(title) <> ''),
          fiscalYear BIGINT NOT NULL CHECK (fiscalYear BETWEEN 1873 AND 2999)
        );
        CREATE TABLE surveyQuestion (
          surveyId TEXT NOT NULL REFERENCES survey(id),
          code TEXT NOT NULL CHECK (code <> ''),
          text TEXT NOT NULL,
          options TEXT NOT NULL CHECK (madoguchi_json_array_length(options) >= 2),
          satisfied TEXT NOT NULL CHECK (madoguchi_json_array_length(satisfied) >= 1),
          position BIGINT NOT NULL,
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
        CREATE FUNCTION survey_answer_option() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NOT EXISTS (SELECT 1 FROM surveyQuestion q, jsonb_array_elements_text(q.options::jsonb) o(value)
                         WHERE q.surveyId = NEW.surveyId AND q.code = NEW.question AND o.value = NEW.answer) THEN
            RAISE EXCEPTION 'the answer is not one of the question''s options' USING ERRCODE = 'integrity_constraint_violation';
          END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER surveyAnswer_option BEFORE INSERT ON surveyAnswer
          FOR EACH ROW EXECUTE FUNCTION survey_answer_option();
        """#

    /// The ledger's count trigger, cheaper: it runs inside the ledger's lock, so its time is every issuance's. The
    /// payload is parsed once instead of four times, and the place and fiscal year are computed in the function
    /// itself: a SQL-language function that is not inlined is planned again at every call. Counts as before. The place
    /// is written out here rather than by calling `madoguchi_count_place` rewritten in PL/pgSQL: that was measured too,
    /// and its call cost twice as much (386–502 µs against 236–241 µs on a slow hour). The void branch is p3's, unchanged.
    static let countsSQL = #"""
        CREATE OR REPLACE FUNCTION ledger_counts() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
          issued record;
          doc jsonb;
          facility_kind text;
        BEGIN
          IF NEW.action = 'issue' THEN
            doc := NEW.payload::jsonb;
            SELECT f.kind INTO facility_kind FROM facility f WHERE f.id = doc ->> 'facilityId';
            INSERT INTO issuanceCount (fiscalYear, place, source, copies)
            VALUES (substr(NEW.at, 1, 4)::bigint - CASE WHEN substr(NEW.at, 6, 2)::int < 4 THEN 1 ELSE 0 END,
                    coalesce(facility_kind, 'channel:' || (doc ->> 'channel')
                      || CASE WHEN doc ->> 'medium' = 'smartphone' THEN ':smartphone' ELSE '' END),
                    'ledger', (doc ->> 'copies')::bigint)
            ON CONFLICT (fiscalYear, place, source) DO UPDATE SET copies = issuanceCount.copies + excluded.copies;
          ELSIF NEW.action = 'void' AND NOT EXISTS (
            SELECT 1 FROM ledgerEntry v WHERE v.action = 'void' AND v.documentId = NEW.documentId AND v.sequence < NEW.sequence) THEN
            SELECT i.at, i.payload INTO issued FROM ledgerEntry i WHERE i.action = 'issue' AND i.documentId = NEW.documentId;
            IF FOUND THEN
              UPDATE issuanceCount SET copies = copies - (issued.payload::jsonb ->> 'copies')::bigint
              WHERE source = 'ledger' AND fiscalYear = madoguchi_fiscal_year(issued.at) AND place = madoguchi_count_place(issued.payload);
            END IF;
          END IF;
          RETURN NULL;
        END $$;
        """#

    /// SQLite's v19 on PostgreSQL: three more facility kinds, in `facility` and in the ledger's counts by place (each
    /// CHECK replaced in place), and the append-only, effective-dated history of the network.
    static let facilityNetworkSQL = #"""
        ALTER TABLE facility DROP CONSTRAINT facility_kind_check;
        ALTER TABLE facility ADD CONSTRAINT facility_kind_check CHECK (kind IN ('wardOffice', 'branchOffice', 'subBranchOffice',
          'serviceCorner', 'liaisonOffice', 'communityCenter', 'automaticMachine', 'postOffice'));
        ALTER TABLE issuanceCount DROP CONSTRAINT issuancecount_place_check;
        ALTER TABLE issuanceCount ADD CONSTRAINT issuancecount_place_check CHECK (place IN ('wardOffice', 'branchOffice',
          'subBranchOffice', 'serviceCorner', 'liaisonOffice', 'communityCenter', 'automaticMachine', 'postOffice')
          OR place ~ '^channel:.');

        CREATE TABLE facilityEvent (
          id BIGSERIAL PRIMARY KEY,
          facilityId TEXT NOT NULL REFERENCES facility(id),
          change TEXT NOT NULL CHECK (change IN ('opened', 'converted', 'mannedWindowClosed', 'relocated', 'menuChanged', 'closed')),
          effectiveOn TEXT NOT NULL CHECK (madoguchi_is_date(effectiveOn)),
          decisionDocument TEXT NOT NULL CHECK (decisionDocument <> ''),
          decidedOn TEXT NOT NULL CHECK (madoguchi_is_date(decidedOn) AND decidedOn <= effectiveOn),
          kind TEXT CHECK (kind IS NULL OR kind IN ('wardOffice', 'branchOffice', 'subBranchOffice', 'serviceCorner',
            'liaisonOffice', 'communityCenter', 'automaticMachine', 'postOffice')),
          name TEXT CHECK (name IS NULL OR name <> ''),
          ward TEXT,
          address TEXT CHECK (address IS NULL OR madoguchi_json_valid(address)),
          menu TEXT CHECK (menu IS NULL OR (madoguchi_json_valid(menu) AND left(ltrim(menu), 1) = '[')),
          recordedAt TEXT NOT NULL,
          recordedBy TEXT NOT NULL CHECK (recordedBy <> ''),
          UNIQUE (facilityId, effectiveOn)
        );
        CREATE TRIGGER facilityEvent_append_only BEFORE UPDATE OR DELETE ON facilityEvent
          FOR EACH ROW EXECUTE FUNCTION madoguchi_append_only('the facility network''s history is append-only');
        CREATE TRIGGER facilityEvent_no_truncate BEFORE TRUNCATE ON facilityEvent
          FOR EACH STATEMENT EXECUTE FUNCTION madoguchi_append_only('the facility network''s history is append-only');
        """#

    /// SQLite's v20 on PostgreSQL: opening hours per facility and one-off days, append-only.
    static let openingHoursSQL = #"""
        CREATE TABLE facilityHours (
          id BIGSERIAL PRIMARY KEY,
          facilityId TEXT NOT NULL REFERENCES facility(id),
          effectiveOn TEXT NOT NULL CHECK (madoguchi_is_date(effectiveOn)),
          schedule TEXT NOT NULL CHECK (madoguchi_json_valid(schedule) AND left(ltrim(schedule), 1) = '{'),
          decisionDocument TEXT NOT NULL CHECK (decisionDocument <> ''),
          decidedOn TEXT NOT NULL CHECK (madoguchi_is_date(decidedOn) AND decidedOn <= effectiveOn),
          recordedAt TEXT NOT NULL,
          recordedBy TEXT NOT NULL CHECK (recordedBy <> ''),
          UNIQUE (facilityId, effectiveOn)
        );
        CREATE TRIGGER facilityHours_append_only BEFORE UPDATE OR DELETE ON facilityHours
          FOR EACH ROW EXECUTE FUNCTION madoguchi_append_only('opening hours are append-only');
        CREATE TRIGGER facilityHours_no_truncate BEFORE TRUNCATE ON facilityHours
          FOR EACH STATEMENT EXECUTE FUNCTION madoguchi_append_only('opening hours are append-only');

        CREATE TABLE facilityDay (
          id BIGSERIAL PRIMARY KEY,
          facilityId TEXT NOT NULL REFERENCES facility(id),
          day TEXT NOT NULL CHECK (madoguchi_is_date(day)),
          spans TEXT NOT NULL CHECK (madoguchi_json_valid(spans) AND left(ltrim(spans), 1) = '['),
          reason TEXT NOT NULL CHECK (reason <> ''),
          recordedAt TEXT NOT NULL,
          recordedBy TEXT NOT NULL CHECK (recordedBy <> '')
        );
        CREATE INDEX facilityDay_facility ON facilityDay(facilityId, day);
        CREATE TRIGGER facilityDay_append_only BEFORE UPDATE OR DELETE ON facilityDay
          FOR EACH ROW EXECUTE FUNCTION madoguchi_append_only('opening hours are append-only');
        CREATE TRIGGER facilityDay_no_truncate BEFORE TRUNCATE ON facilityDay
          FOR EACH STATEMENT EXECUTE FUNCTION madoguchi_append_only('opening hours are append-only');
        """#

    /// SQLite's v21 on PostgreSQL: where each 町丁目 is.
    static let townLocationsSQL = #"""
        CREATE TABLE townLocation (
          ward TEXT NOT NULL,
          town TEXT NOT NULL CHECK (town <> ''),
          latitude DOUBLE PRECISION NOT NULL CHECK (latitude BETWEEN 20 AND 46),
          longitude DOUBLE PRECISION NOT NULL CHECK (longitude BETWEEN 122 AND 154),
          PRIMARY KEY (ward, town)
        );
        """#

    /// SQLite's v22 on PostgreSQL: windows, tickets and their history, the per-day lock and the mail outbox.
    static let counterQueuesSQL = #"""
        CREATE TABLE queueWindow (
          facilityId TEXT NOT NULL REFERENCES facility(id),
          id TEXT NOT NULL CHECK (id <> '' AND length(id) <= 8),
          skills TEXT NOT NULL CHECK (madoguchi_json_valid(skills) AND left(ltrim(skills), 1) = '[' AND skills <> '[]'),
          openedBy TEXT CHECK (openedBy IS NULL OR openedBy <> ''),
          PRIMARY KEY (facilityId, id)
        );
        CREATE TABLE queueWindowLog (
          id BIGSERIAL PRIMARY KEY,
          facilityId TEXT NOT NULL,
          windowId TEXT NOT NULL,
          change TEXT NOT NULL CHECK (change IN ('configured', 'opened', 'closed')),
          skills TEXT NOT NULL CHECK (madoguchi_json_valid(skills)),
          at TEXT NOT NULL,
          actor TEXT NOT NULL CHECK (actor <> ''),
          FOREIGN KEY (facilityId, windowId) REFERENCES queueWindow(facilityId, id)
        );
        CREATE TRIGGER queueWindowLog_append_only BEFORE UPDATE OR DELETE ON queueWindowLog
          FOR EACH ROW EXECUTE FUNCTION madoguchi_append_only('the window log is append-only');
        CREATE TRIGGER queueWindowLog_no_truncate BEFORE TRUNCATE ON queueWindowLog
          FOR EACH STATEMENT EXECUTE FUNCTION madoguchi_append_only('the window log is append-only');

        CREATE TABLE queueTicket (
          id TEXT PRIMARY KEY CHECK (length(id) = 26),
          facilityId TEXT NOT NULL REFERENCES facility(id),
          day TEXT NOT NULL CHECK (madoguchi_is_date(day)),
          letter TEXT NOT NULL CHECK (length(letter) = 1),
          sequence BIGINT NOT NULL CHECK (sequence >= 1),
          number TEXT NOT NULL CHECK (number <> ''),
          route TEXT NOT NULL CHECK (madoguchi_json_valid(route) AND left(ltrim(route), 1) = '[' AND route <> '[]'),
          step BIGINT NOT NULL CHECK (step >= 0),
          state TEXT NOT NULL CHECK (state IN ('reserved', 'waiting', 'called', 'serving', 'parked', 'done', 'noShow', 'cancelled')),
          channel TEXT NOT NULL CHECK (channel IN ('entrance', 'web', 'reservation')),
          slot TEXT,
          issuedAt TEXT NOT NULL,
          queuedAt TEXT NOT NULL,
          windowId TEXT,
          calledAt TEXT,
          startedAt TEXT,
          estimatedWaitMinutes BIGINT NOT NULL CHECK (estimatedWaitMinutes >= 0),
          language TEXT NOT NULL CHECK (language IN ('ja', 'en')),
          email TEXT CHECK (email IS NULL OR email LIKE '%_@_%'),
          nearAlerted BIGINT NOT NULL CHECK (nearAlerted IN (0, 1)),
          CHECK ((channel = 'reservation') = (slot IS NOT NULL)),
          UNIQUE (facilityId, day, letter, sequence)
        );
        CREATE INDEX queueTicket_day ON queueTicket(facilityId, day, state);

        CREATE TABLE queueEvent (
          id BIGSERIAL PRIMARY KEY,
          ticketId TEXT NOT NULL REFERENCES queueTicket(id),
          kind TEXT NOT NULL CHECK (kind IN ('issued', 'reserved', 'checkedIn', 'called', 'recalled', 'started', 'parked',
            'resumed', 'transferred', 'stepDone', 'finished', 'noShow', 'cancelled')),
          step BIGINT NOT NULL CHECK (step >= 0),
          procedure TEXT NOT NULL,
          windowId TEXT,
          at TEXT NOT NULL,
          actor TEXT NOT NULL CHECK (actor <> ''),
          serviceSeconds DOUBLE PRECISION CHECK (serviceSeconds IS NULL OR (kind = 'stepDone' AND serviceSeconds >= 0))
        );
        CREATE INDEX queueEvent_ticket ON queueEvent(ticketId, id);
        CREATE TRIGGER queueEvent_append_only BEFORE UPDATE OR DELETE ON queueEvent
          FOR EACH ROW EXECUTE FUNCTION madoguchi_append_only('a ticket''s history is append-only');
        CREATE TRIGGER queueEvent_no_truncate BEFORE TRUNCATE ON queueEvent
          FOR EACH STATEMENT EXECUTE FUNCTION madoguchi_append_only('a ticket''s history is append-only');

        CREATE TABLE queueDayLock (
          facilityId TEXT NOT NULL,
          day TEXT NOT NULL CHECK (madoguchi_is_date(day)),
          changes BIGINT NOT NULL CHECK (changes >= 1),
          PRIMARY KEY (facilityId, day)
        );

        CREATE TABLE mailOutbox (
          id BIGSERIAL PRIMARY KEY,
          ticketId TEXT REFERENCES queueTicket(id),
          recipient TEXT NOT NULL CHECK (recipient LIKE '%_@_%'),
          subject TEXT NOT NULL CHECK (subject <> ''),
          body TEXT NOT NULL,
          createdAt TEXT NOT NULL,
          sentAt TEXT,
          attempts BIGINT NOT NULL CHECK (attempts >= 0),
          lastError TEXT
        );
        CREATE INDEX mailOutbox_pending ON mailOutbox(sentAt, id);
        """#

    /// Brings a database up to date. Two servers starting at once do not both migrate: the first holds an advisory
    /// lock until its migration commits, and the second then finds it applied.
    static func migrate(_ engine: PostgresEngine, upTo last: String? = nil) throws {
        try engine.transaction { session in
            // Even `IF NOT EXISTS` races in the catalogue: the lock first.
            try session.execute("SELECT pg_advisory_xact_lock(?)", [.integer(Self.migrationLock)])
            try session.execute("CREATE TABLE IF NOT EXISTS schemaMigration (id TEXT PRIMARY KEY, appliedAt TEXT NOT NULL)", [])
        }
        let wanted = last.flatMap { id in migrations.firstIndex { $0.id == id } }.map { Array(migrations[...$0]) } ?? migrations
        for migration in wanted {
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

    /// Ticket counts by hour from before the city's own tickets (see `Schema.arrivalHistorySQL`).
    static let arrivalHistorySQL = #"""
        CREATE TABLE queueArrivalHistory (
          facilityId TEXT NOT NULL REFERENCES facility(id),
          day TEXT NOT NULL CHECK (madoguchi_is_date(day)),
          hourly TEXT NOT NULL CHECK (hourly ~ '^\[[0-9]+(,[0-9]+){23}\]$'),
          source TEXT NOT NULL CHECK (source <> '' AND length(source) <= 200),
          recordedAt TEXT NOT NULL,
          PRIMARY KEY (facilityId, day)
        );
        """#

    /// A place's certificates and costs for a fiscal year (see `Schema.serviceFiguresSQL`).
    static let serviceFiguresSQL = #"""
        CREATE TABLE serviceAnnualFigures (
          fiscalYear INTEGER NOT NULL CHECK (fiscalYear BETWEEN 1950 AND 2100),
          facilityId TEXT REFERENCES facility(id),
          certificates BIGINT NOT NULL CHECK (certificates >= 0),
          staffYen BIGINT NOT NULL CHECK (staffYen >= 0),
          premisesYen BIGINT NOT NULL CHECK (premisesYen >= 0),
          perCertificateYen BIGINT NOT NULL CHECK (perCertificateYen >= 0),
          source TEXT NOT NULL CHECK (source <> '' AND length(source) <= 200),
          recordedAt TEXT NOT NULL
        );
        CREATE UNIQUE INDEX serviceAnnualFigures_place ON serviceAnnualFigures(fiscalYear, (coalesce(facilityId, '')));
        """#

    /// The document authority, signing and timestamping keys (see `Schema.documentKeysSQL`).
    static let documentKeysSQL = #"""
        CREATE TABLE documentKey (
          serial TEXT PRIMARY KEY NOT NULL CHECK (length(serial) BETWEEN 2 AND 42),
          purpose TEXT NOT NULL CHECK (purpose IN ('authority', 'signing', 'timestamping')),
          certificate BYTEA NOT NULL CHECK (length(certificate) > 0),
          privateKey BYTEA NOT NULL CHECK (substr(privateKey, 1, 3) = '\x4d4b31'::bytea),
          createdAt TEXT NOT NULL,
          retiredAt TEXT
        );
        CREATE UNIQUE INDEX documentKey_one_current ON documentKey(purpose) WHERE retiredAt IS NULL;
        """#
}
