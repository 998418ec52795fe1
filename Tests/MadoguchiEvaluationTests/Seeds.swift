import Foundation
import MadoguchiDomain
import MadoguchiImport

/// The two seed sheets, shipped in `data/sheets/` byte for byte.
enum Seeds {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("data/sheets")
    static var programURL: URL { directory.appendingPathComponent("program-P1-1-3.tsv") }
    static var measureURL: URL { directory.appendingPathComponent("measure-72302000.txt") }

    static func bytes(_ url: URL) -> [UInt8] { [UInt8](FileManager.default.contents(atPath: url.path)!) }
    static func text(_ url: URL) -> String { String(decoding: bytes(url), as: UTF8.self) }

    static func program() throws -> EvaluationSheet { try SheetImporter().read(bytes(programURL)).0 }
    static func measure() throws -> EvaluationSheet { try SheetImporter().read(bytes(measureURL)).0 }
}

func fy(_ y: Int) -> FiscalYear { FiscalYear(y) }
func num(_ s: String) -> SheetFigure { .number(SheetNumber(s)!) }
