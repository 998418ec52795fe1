import GRDB

extension Schema {
    /// v8 (issue 10): 広域交付. A certificate this city prints from another city's records has no 住民票 here: its
    /// subject is named by the keeping city's code and reference instead. `certificate` is rebuilt for that (SQLite
    /// cannot drop a NOT NULL), and the keeping side records every query another city sends (who asked, from where).
    ///
    /// Frozen text: this migration never changes once shipped, and its vocabulary checks name the values of its day.
    static let wideAreaSQL = """
        CREATE TABLE certificate_v8 (
          id TEXT PRIMARY KEY NOT NULL CHECK (length(id) >= 16),
          kind TEXT NOT NULL CHECK (kind IN ('residentRecordCopy', 'residentRecordExtract', 'removedRecord',
            'sealRegistrationCertificate', 'taxCertificate', 'familyRegisterFull', 'familyRegisterIndividual',
            'familyRegisterAnnex')),
          subjectId INTEGER REFERENCES resident(id),
          -- 広域交付: the city whose records it was printed from, and its reference for the person
          keepingCityCode TEXT CHECK (keepingCityCode IS NULL OR (length(keepingCityCode) = 6 AND keepingCityCode NOT GLOB '*[^0-9]*')),
          keepingSubject TEXT CHECK (keepingSubject IS NULL OR keepingSubject <> ''),
          channel TEXT NOT NULL CHECK (channel IN ('counter', 'kiosk', 'automaticMachine', 'postOffice', 'post', 'online')),
          facilityId TEXT REFERENCES facility(id),
          requesterClass TEXT NOT NULL CHECK (requesterClass IN ('self', 'householdMember', 'proxy', 'thirdParty',
            'professional', 'government')),
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
          token TEXT NOT NULL CHECK (length(token) > 0),
          -- Either a person here, or another city's record: never both, never neither.
          CHECK ((subjectId IS NULL) = (keepingCityCode IS NOT NULL)),
          CHECK ((keepingCityCode IS NULL) = (keepingSubject IS NULL))
        );
        INSERT INTO certificate_v8 (id, kind, subjectId, channel, facilityId, requesterClass, requester, options, content,
          contentDigest, copies, feeYen, issuedAt, status, supersededBy, ledgerSequence, token)
        SELECT id, kind, subjectId, channel, facilityId, requesterClass, requester, options, content, contentDigest, copies,
          feeYen, issuedAt, status, supersededBy, ledgerSequence, token FROM certificate;
        DROP TABLE certificate;
        ALTER TABLE certificate_v8 RENAME TO certificate;
        CREATE INDEX certificate_subject ON certificate(subjectId);

        -- What another city asked of this city's records (広域交付), answered or refused: append-only.
        CREATE TABLE wideAreaRequest (
          id INTEGER PRIMARY KEY,
          at TEXT NOT NULL,
          fromCity TEXT NOT NULL CHECK (length(fromCity) = 6 AND fromCity NOT GLOB '*[^0-9]*'),
          requestId TEXT NOT NULL CHECK (length(requestId) BETWEEN 8 AND 200),
          facilityId TEXT,
          actor TEXT,
          kind TEXT NOT NULL,
          subjectId INTEGER REFERENCES resident(id),
          requesterClass TEXT NOT NULL,
          requesterName TEXT,
          outcome TEXT NOT NULL CHECK (outcome IN ('answered', 'refused')),
          refusals TEXT NOT NULL DEFAULT '',
          contentDigest TEXT,
          CHECK ((outcome = 'answered') = (contentDigest IS NOT NULL))
        );
        CREATE INDEX wideAreaRequest_subject ON wideAreaRequest(subjectId);
        CREATE TRIGGER wideAreaRequest_no_update BEFORE UPDATE ON wideAreaRequest
        BEGIN SELECT RAISE(ABORT, 'the record of wide-area requests is append-only'); END;
        CREATE TRIGGER wideAreaRequest_no_delete BEFORE DELETE ON wideAreaRequest
        BEGIN SELECT RAISE(ABORT, 'the record of wide-area requests is append-only'); END;
        """
}
