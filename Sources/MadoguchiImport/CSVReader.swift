import MadoguchiDomain

/// One CSV record with the line it starts on (1-based, the header is line 1).
public struct CSVRecord: Sendable, Hashable {
    public var line: Int
    public var fields: [String]
}

/// RFC 4180 CSV: quoted fields with "" escapes and embedded newlines, CRLF or LF line ends.
public enum CSVReader {
    /// The records of `text`, numbered from `firstLine` (a piece of a longer file starts further down).
    public static func records(_ text: String, firstLine: Int = 1) throws -> [CSVRecord] {
        var records: [CSVRecord] = []
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var line = firstLine
        var recordLine = firstLine
        var fieldStarted = false
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func endRecord() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty) {
                records.append(CSVRecord(line: recordLine, fields: fields))
            }
            fields = []
            field = ""
            fieldStarted = false
        }
        while let c = pending ?? iterator.next() {
            pending = nil
            if inQuotes {
                if c == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.unicodeScalars.append("\"") } else {
                            inQuotes = false
                            pending = next
                        }
                    } else {
                        inQuotes = false
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"" where !fieldStarted:
                inQuotes = true
                fieldStarted = true
            case "\"":
                throw MadoguchiError(
                    .csvMalformed, ja: "\(line)行目: 引用符の位置が正しくありません", en: "Line \(line): misplaced quote")
            case ",":
                fields.append(field)
                field = ""
                fieldStarted = false
            case "\r":
                continue
            case "\n":
                endRecord()
                line += 1
                recordLine = line
            default:
                field.unicodeScalars.append(c)
                fieldStarted = true
            }
        }
        if inQuotes {
            throw MadoguchiError(
                .csvMalformed, ja: "\(recordLine)行目: 引用符が閉じられていません", en: "Line \(recordLine): unclosed quote")
        }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        return records
    }
}
