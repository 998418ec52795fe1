import Foundation
import MadoguchiDomain
import MadoguchiStore

/// Survey responses from a CSV (UTF-8 or CP932): a header of `回答者ID` (or `respondent`) and question codes,
/// then one row per respondent, each answer the option's text or its number; blank is 無回答.
/// All rows or none: a bad row is reported with its line and nothing is recorded.
public struct SurveyCSVImporter: Sendable {
    public init() {}

    /// The file's rows, read and shaped, nothing recorded: each respondent's answers with its line.
    public func rows(_ bytes: [UInt8], encoding: TextEncoding? = nil) throws -> [SurveyResponseRow] {
        let (text, _) = try TextEncoding.decode(bytes, as: encoding)
        let records = try CSVReader.records(text).filter { !$0.fields.allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty } }
        guard let header = records.first else {
            throw MadoguchiError(.surveyInvalid, ja: "CSVが空です", en: "The CSV is empty")
        }
        let columns = header.fields.map { JapaneseText.normalized($0) }
        guard let respondentColumn = columns.firstIndex(where: { ["回答者ID", "回答者", "respondent"].contains($0) }) else {
            throw MadoguchiError(.surveyInvalid, ja: "1行目に「回答者ID」の列がありません", en: "Line 1 has no 回答者ID (respondent) column")
        }
        return try records.dropFirst().map { record in
            guard record.fields.count == columns.count else {
                throw MadoguchiError(
                    .surveyInvalid, ja: "\(record.line)行目の列の数（\(record.fields.count)）が見出し（\(columns.count)）と違います",
                    en: "Line \(record.line) has \(record.fields.count) fields for \(columns.count) columns")
            }
            var answers: [String: String] = [:]
            for (i, code) in columns.enumerated() where i != respondentColumn { answers[code] = record.fields[i] }
            return SurveyResponseRow(line: record.line, respondent: JapaneseText.normalized(record.fields[respondentColumn]), answers: answers)
        }
    }

    /// Reads the file and records every row in one transaction. Returns how many respondents.
    public func run(_ bytes: [UInt8], surveyId: String, into store: any LiveIndicatorStore, encoding: TextEncoding? = nil) async throws -> Int {
        try await store.answer(surveyId: surveyId, rows: try rows(bytes, encoding: encoding))
    }
}
