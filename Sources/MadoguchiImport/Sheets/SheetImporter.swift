import Foundation
import MadoguchiDomain

/// Reads evaluation sheets in the layouts the city has them in: the program sheet's TSV export,
/// the 施策進行管理・評価票 text copy, and the canonical JSON form. UTF-8 or CP932.
public struct SheetImporter: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        /// 行財政改革 program sheet, tab-separated (seed 000)
        case programTSV = "program-tsv"
        /// 施策進行管理・評価票, text copy (seed 002)
        case measureText = "measure-text"
        /// ``CanonicalSheetJSON``
        case canonicalJSON = "json"
    }

    /// The grade scale of program sheets, which print no legend of their own.
    public var programScale: GradeScale

    public init(programScale: GradeScale = .abc) {
        self.programScale = programScale
    }

    /// Reads one sheet from a file's bytes.
    public func read(_ bytes: [UInt8], encoding: TextEncoding? = nil) throws -> (EvaluationSheet, Format) {
        let (text, _) = try TextEncoding.decode(bytes, as: encoding)
        let format = try Self.detect(text)
        switch format {
        case .canonicalJSON: return (try CanonicalSheetJSON.decode(Data(text.utf8)), format)
        case .programTSV: return (try ProgramSheetReader(scale: programScale).read(text), format)
        case .measureText: return (try MeasureSheetReader().read(text), format)
        }
    }

    /// Which layout a text is in, from what it says rather than its file name.
    public static func detect(_ text: String) throws -> Format {
        let start = text.drop { $0.isWhitespace || $0 == "\u{FEFF}" }
        if start.hasPrefix("{") { return .canonicalJSON }
        let lines = text.split(whereSeparator: \.isNewline).prefix(40)
        if lines.contains(where: { $0.contains("\t") && ($0.contains("プログラム名") || $0.hasPrefix("方針\t")) }) {
            return .programTSV
        }
        if lines.contains(where: { $0.contains("<基本情報>") || $0.contains("施策進行管理・評価票") }) {
            return .measureText
        }
        throw MadoguchiError(
            .sheetUnreadable,
            ja: "1行目を読めません: 評価票の形式が分かりません（プログラムのTSV、施策進行管理・評価票のテキスト、正規JSONのどれでもありません）",
            en: "Cannot read line 1: not a program TSV, a 施策進行管理・評価票 text or canonical sheet JSON")
    }
}
