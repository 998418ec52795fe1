/// A domain error: a stable machine code plus a message in Japanese and English.
///
/// Errors are values. They meet HTTP (status codes) and the terminal (exit codes) only at the
/// edges, where the code is mapped in one place. Tests compare errors by ``code``.
public struct MadoguchiError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, documented identifier such as `calendar.era.outOfRange`.
    public struct Code: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }
    }

    public let code: Code
    /// 日本語のメッセージ
    public let ja: String
    /// English message
    public let en: String

    public init(_ code: Code, ja: String, en: String) {
        self.code = code
        self.ja = ja
        self.en = en
    }

    public var description: String { "\(code.rawValue): \(ja) / \(en)" }
}

extension MadoguchiError.Code {
    // Calendar
    public static let invalidDate = Self("calendar.date.invalid")
    public static let dateBeforeSupportedRange = Self("calendar.date.beforeSupportedRange")
    public static let eraOutOfRange = Self("calendar.era.outOfRange")
    public static let unknownEra = Self("calendar.era.unknown")
    public static let fiscalYearUnreadable = Self("calendar.fiscalYear.unreadable")
    public static let fiscalYearNeedsEra = Self("calendar.fiscalYear.needsEra")
    public static let fiscalYearInconsistent = Self("calendar.fiscalYear.inconsistent")
    // Registry
    public static let invalidIndividualNumber = Self("registry.individualNumber.invalid")
    public static let invalidResidentRecordCode = Self("registry.residentRecordCode.invalid")
    public static let invalidResident = Self("registry.resident.invalid")
    public static let notFound = Self("registry.notFound")
}
