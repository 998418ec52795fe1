import CCairo
import Foundation
import MadoguchiDomain

/// Renders a certificate's content as an A4 PDF, after the layouts of the 住民記録システム標準仕様書:
/// 個人票 (one person a sheet, portrait) or 世帯連記式 (up to four persons a sheet), with the
/// certification sentence, the 和暦 date, the mayor's name and seal, the serial number and the
/// anti-copy background on every page.
public struct CertificateRenderer: Sendable {
    public init() {}

    /// What the content alone cannot carry.
    public struct Extras: Sendable {
        /// The registered 印影 (SVG) for a seal certificate
        public var sealImage: [UInt8]?
        public var sealImageType: String?
        /// The signed token printed as the QR code
        public var qrText: String?
        /// The anti-copy 地紋 (off only for benchmarks and plain-paper proofs)
        public var background: Bool

        public init(sealImage: [UInt8]? = nil, sealImageType: String? = nil, qrText: String? = nil, background: Bool = true) {
            self.sealImage = sealImage
            self.sealImageType = sealImageType
            self.qrText = qrText
            self.background = background
        }
    }

    /// A labelled row of the form; `names` rows print in IPAmj明朝.
    struct Row {
        var label: String
        var value: String
        var names = false
        /// Taller rows hold an image (the 印影)
        var minHeight = 22.0
    }

    /// A block of rows that stays on one page (one person, one address …).
    struct Block {
        var heading: String?
        var rows: [Row]
    }

    static let margin = 42.0
    static let labelWidth = 112.0
    static let bodyTop = 128.0
    /// Where the body ends on the last page (the footer and QR code below)
    static let bodyBottom = PDFCanvas.height - 250
    /// Where the body ends on other pages
    static let pageBottom = PDFCanvas.height - 60

    public func render(_ content: CertificateContent, extras: Extras = Extras()) throws -> [UInt8] {
        let canvas = try DirectCanvas(title: "\(content.title) \(content.serialNumber)")
        if content.layout == .householdSheet && content.kind.isResidentRecord {
            try renderHouseholdSheets(content, canvas, extras: extras)
        } else {
            var blocks = blocks(content)
            if let note = Self.wideAreaNote(content) { blocks.append(Block(heading: nil, rows: [Row(label: "広域交付", value: note)])) }
            try renderBlocks(content, blocks, canvas, extras: extras)
        }
        return try canvas.finish()
    }

    /// 広域交付: whose records the paper was made from, and under which article.
    static func wideAreaNote(_ c: CertificateContent) -> String? {
        guard let city = c.keptBy else { return nil }
        return c.kind.isFamilyRegister
            ? "本籍地 \(city) の戸籍により作成（戸籍法第120条の2）" : "住所地 \(city) の住民基本台帳により作成（住民基本台帳法第12条の4）"
    }

    // MARK: - Content as blocks

    func wareki(_ d: CivilDate) -> String { (try? JapaneseDate(d).description) ?? d.description }

    func yen(_ n: Int) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out + "円"
    }

    func personRows(_ p: PrintedPerson) -> [Row] {
        var rows = [
            Row(label: "氏名", value: "\(p.name)\n（\(p.kana)）", names: true),
            Row(label: "生年月日・性別", value: "\(p.birthDateJapanese)生　\(p.sex)"),
        ]
        if let v = p.relationship { rows.append(Row(label: "続柄", value: v)) }
        if let v = p.formerFamilyName { rows.append(Row(label: "旧氏", value: v, names: true)) }
        if let v = p.becameResidentOn { rows.append(Row(label: "住民となった年月日", value: v)) }
        if let v = p.addressSetOn { rows.append(Row(label: "住所を定めた年月日", value: v + (p.notifiedOn.map { "　（\($0)届出）" } ?? ""))) }
        if let v = p.previousAddress { rows.append(Row(label: "従前の住所", value: v)) }
        if let v = p.permanentDomicile { rows.append(Row(label: "本籍", value: v)) }
        if let v = p.domicileHead { rows.append(Row(label: "筆頭者", value: v, names: true)) }
        if let v = p.individualNumber { rows.append(Row(label: "個人番号", value: v)) }
        if let v = p.residentRecordCode { rows.append(Row(label: "住民票コード", value: v)) }
        return rows
    }

    func blocks(_ c: CertificateContent) -> [Block] {
        switch c.kind {
        case .residentRecordCopy, .residentRecordExtract, .removedRecord:
            var head = [Row(label: "住所", value: c.address ?? "")]
            if let h = c.householder { head.append(Row(label: "世帯主", value: h, names: true)) }
            var blocks = [Block(heading: nil, rows: head)]
            for (i, p) in c.persons.enumerated() {
                blocks.append(Block(heading: c.persons.count > 1 ? "（\(i + 1)）" : nil, rows: personRows(p)))
            }
            if let r = c.removal {
                var rows = [Row(label: "消除事由", value: r.reason), Row(label: "消除日", value: r.removedOn)]
                if let d = r.destination { rows.append(Row(label: "転出先", value: d)) }
                blocks.append(Block(heading: nil, rows: rows))
            }
            return blocks
        case .sealRegistrationCertificate:
            let p = c.persons.first
            return [Block(heading: nil, rows: [
                Row(label: "印影", value: "", minHeight: 74),
                Row(label: "登録番号", value: c.seal?.registrationNumber ?? ""),
                Row(label: "登録年月日", value: c.seal?.registeredOn ?? ""),
                Row(label: "氏名", value: p.map { "\($0.name)\n（\($0.kana)）" } ?? "", names: true),
                Row(label: "生年月日", value: p.map { "\($0.birthDateJapanese)生" } ?? ""),
                Row(label: "住所", value: c.address ?? ""),
            ])]
        case .taxCertificate:
            let p = c.persons.first
            let t = c.tax
            return [
                Block(heading: nil, rows: [
                    Row(label: "住所", value: c.address ?? ""),
                    Row(label: "氏名", value: p.map { "\($0.name)\n（\($0.kana)）" } ?? "", names: true),
                    Row(label: "生年月日", value: p.map { "\($0.birthDateJapanese)生" } ?? ""),
                ]),
                Block(heading: "\(t?.fiscalYear ?? "")（\(t?.incomeYear ?? "")の所得）", rows: [
                    Row(label: "収入金額", value: t.map { yen($0.grossIncome) } ?? ""),
                    Row(label: "合計所得金額", value: t.map { yen($0.totalIncome) } ?? ""),
                    Row(label: "課税標準額", value: t.map { yen($0.taxableIncome) } ?? ""),
                    Row(label: "市民税額", value: t.map { yen($0.municipalTax) } ?? ""),
                    Row(label: "県民税額", value: t.map { yen($0.prefecturalTax) } ?? ""),
                ]),
            ]
        case .familyRegisterAnnex:
            var blocks: [Block] = []
            if let r = c.register {
                blocks.append(Block(heading: nil, rows: [
                    Row(label: "本籍", value: r.permanentDomicile), Row(label: "筆頭者", value: r.headName, names: true),
                ]))
            }
            for a in c.annex ?? [] {
                var rows = [Row(label: "氏名", value: a.name, names: true)]
                if let birth = a.birthDateJapanese { rows.append(Row(label: "生年月日・性別", value: "\(birth)生　\(a.sex ?? "")")) }
                rows += [Row(label: "住所", value: a.address), Row(label: "住所を定めた年月日", value: a.since)]
                blocks.append(Block(heading: nil, rows: rows))
            }
            return blocks
        case .familyRegisterFull, .familyRegisterIndividual:
            let r = c.register
            var blocks = [Block(heading: nil, rows: [
                Row(label: "本籍", value: r?.permanentDomicile ?? ""),
                Row(label: "氏名", value: r?.headName ?? "", names: true),
                Row(label: "戸籍事項", value: ([("編製　" + (r?.createdOn ?? ""))] + (r?.events ?? [])).joined(separator: "\n")),
            ])]
            for p in c.persons {
                let mark = p.leftRegisterOn.map { "【除籍】（\($0)）\n" } ?? ""
                var rows = [Row(label: "戸籍に記録されている者", value: "\(mark)【名】\(p.name)\n（\(p.kana)）", names: true),
                            Row(label: "生年月日", value: p.birthDateJapanese)]
                if let father = p.father { rows.append(Row(label: "父", value: father, names: true)) }
                if let mother = p.mother { rows.append(Row(label: "母", value: mother, names: true)) }
                if let rel = p.relationship { rows.append(Row(label: "続柄", value: rel)) }
                if let events = p.events, !events.isEmpty { rows.append(Row(label: "身分事項", value: events.joined(separator: "\n"))) }
                blocks.append(Block(heading: nil, rows: rows))
            }
            return blocks
        }
    }

    // MARK: - Pages

    func rowHeight(_ row: Row, _ canvas: DirectCanvas, width: Double) -> Double {
        max(row.minHeight, canvas.measure(row.value, size: 10.5, font: row.names ? .mj : .mincho, width: width - 12) + 10)
    }

    func renderBlocks(_ c: CertificateContent, _ blocks: [Block], _ canvas: DirectCanvas, extras: Extras) throws {
        let x = Self.margin
        let width = PDFCanvas.width - 2 * Self.margin
        let valueWidth = width - Self.labelWidth
        // Paginate: a block that does not fit starts a new page; only the last page keeps room for the footer.
        func height(_ block: Block) -> Double {
            block.rows.reduce(block.heading == nil ? 6 : 22) { $0 + rowHeight($1, canvas, width: valueWidth) }
        }
        var pages: [[Block]] = [[]]
        var y = Self.bodyTop
        for block in blocks {
            let h = height(block)
            if y + h > Self.pageBottom && !pages[pages.count - 1].isEmpty {
                pages.append([])
                y = Self.bodyTop
            }
            pages[pages.count - 1].append(block)
            y += h
        }
        var moved: [Block] = []
        while pages[pages.count - 1].reduce(Self.bodyTop, { $0 + height($1) }) > Self.bodyBottom {
            moved.insert(pages[pages.count - 1].removeLast(), at: 0)
            if pages[pages.count - 1].isEmpty { break }
        }
        if !moved.isEmpty {
            if pages[pages.count - 1].isEmpty { pages[pages.count - 1] = moved } else { pages.append(moved) }
        }
        for (n, page) in pages.enumerated() {
            if n > 0 { canvas.newPage() }
            header(c, canvas, page: n + 1, of: pages.count, background: extras.background)
            var y = Self.bodyTop
            for block in page {
                if let heading = block.heading {
                    canvas.text(heading, x: x, y: y + 3, size: 10, font: .gothic)
                    y += 16
                }
                for row in block.rows {
                    let h = rowHeight(row, canvas, width: valueWidth)
                    canvas.rect(x, y, Self.labelWidth, h)
                    canvas.rect(x + Self.labelWidth, y, valueWidth, h)
                    canvas.text(row.label, x: x + 5, y: y + 6, size: 9, font: .gothic, width: Self.labelWidth - 10)
                    canvas.text(row.value, x: x + Self.labelWidth + 6, y: y + 5, size: 10.5, font: row.names ? .mj : .mincho,
                                width: valueWidth - 12)
                    if row.label == "印影", let image = extras.sealImage, extras.sealImageType == "image/svg+xml" {
                        try canvas.svg(image, x: x + Self.labelWidth + 8, y: y + 5, size: h - 10)
                    }
                    y += h
                }
                y += 6
            }
            if n == pages.count - 1 { try footer(c, canvas, extras: extras) }
        }
    }

    /// 世帯連記式: a label column and up to four person columns a sheet.
    func renderHouseholdSheets(_ c: CertificateContent, _ canvas: DirectCanvas, extras: Extras) throws {
        let groups = stride(from: 0, to: max(1, c.persons.count), by: 4).map {
            Array(c.persons[$0..<min($0 + 4, c.persons.count)])
        }
        let x = Self.margin
        let width = PDFCanvas.width - 2 * Self.margin
        let labelWidth = 92.0
        let columnWidth = (width - labelWidth) / 4
        for (n, group) in groups.enumerated() {
            if n > 0 { canvas.newPage() }
            header(c, canvas, page: n + 1, of: groups.count, background: extras.background)
            var y = Self.bodyTop
            var head = [Row(label: "住所", value: c.address ?? ""), Row(label: "世帯主", value: c.householder ?? "", names: true)]
            if let note = Self.wideAreaNote(c) { head.append(Row(label: "広域交付", value: note)) }
            for row in head {
                let h = rowHeight(row, canvas, width: width - labelWidth)
                canvas.rect(x, y, labelWidth, h)
                canvas.rect(x + labelWidth, y, width - labelWidth, h)
                canvas.text(row.label, x: x + 5, y: y + 6, size: 9, font: .gothic)
                canvas.text(row.value, x: x + labelWidth + 6, y: y + 5, size: 10.5, font: row.names ? .mj : .mincho,
                            width: width - labelWidth - 12)
                y += h
            }
            y += 8
            let columns = group.map(personRows)
            let labels = columns.first?.map(\.label) ?? []
            for (i, label) in labels.enumerated() {
                let cells = columns.map { i < $0.count ? $0[i] : Row(label: label, value: "") }
                let h = cells.map { max(22, canvas.measure($0.value, size: 9, font: $0.names ? .mj : .mincho, width: columnWidth - 8) + 10) }
                    .max() ?? 22
                canvas.rect(x, y, labelWidth, h)
                canvas.text(label, x: x + 4, y: y + 6, size: 8, font: .gothic, width: labelWidth - 8)
                for column in 0..<4 {
                    let cx = x + labelWidth + Double(column) * columnWidth
                    canvas.rect(cx, y, columnWidth, h)
                    if column < cells.count {
                        canvas.text(cells[column].value, x: cx + 4, y: y + 5, size: 9, font: cells[column].names ? .mj : .mincho,
                                    width: columnWidth - 8)
                    }
                }
                y += h
            }
            if n == groups.count - 1 { try footer(c, canvas, extras: extras) }
        }
    }

    func header(_ c: CertificateContent, _ canvas: DirectCanvas, page: Int, of pages: Int, background: Bool) {
        if background { canvas.copyProtectionBackground() }
        canvas.text(c.serialNumber, x: Self.margin, y: 40, size: 9, font: .mincho, width: PDFCanvas.width - 2 * Self.margin, align: .right)
        canvas.text(c.title, x: Self.margin, y: 62, size: 22, font: .gothic, width: PDFCanvas.width - 2 * Self.margin, align: .center,
                    bold: true)
        if pages > 1 {
            canvas.text("\(page) / \(pages)", x: Self.margin, y: PDFCanvas.height - 36, size: 9, font: .mincho,
                        width: PDFCanvas.width - 2 * Self.margin, align: .center)
        }
    }

    /// 認証文, date, mayor and the city seal, and the QR code that lets anyone check the paper.
    func footer(_ c: CertificateContent, _ canvas: DirectCanvas, extras: Extras) throws {
        let x = Self.margin
        let width = PDFCanvas.width - 2 * Self.margin
        var y = Self.bodyBottom + 24
        y += canvas.text(c.certification, x: x + 10, y: y, size: 11, font: .mincho, width: width - 20) + 14
        canvas.text(c.issuedOnJapanese, x: x + 30, y: y, size: 11, font: .mincho)
        y += 30
        canvas.text(c.mayor, x: x, y: y + 14, size: 14, font: .mincho, width: width - 90, align: .right)
        citySeal(canvas, x: PDFCanvas.width - Self.margin - 76, y: y - 6, size: 58, city: c.cityName)
        if let token = extras.qrText {
            let size = 118.0
            let top = PDFCanvas.height - 40 - size
            try canvas.qr(token, x: x, y: top, size: size)
            canvas.text(
                "この証明書が本物であることは、二次元コードを読み取り\n\(c.cityName)の証明書確認ページ（/verify）で確認できます。\n"
                    + "The QR code verifies this certificate at /verify.",
                x: x + size + 8, y: top + size - 40, size: 7.5, font: .gothic, width: 230)
        }
    }

    /// The mayor's seal: a red square with 〇〇市長之印 in two columns, drawn fresh on every page.
    func citySeal(_ canvas: DirectCanvas, x: Double, y: Double, size: Double, city: String) {
        let characters = Array(city + "長之印")
        canvas.color(0.78, 0.12, 0.14)
        canvas.rect(x, y, size, size, lineWidth: 2.4)
        canvas.rect(x + 3, y + 3, size - 6, size - 6, lineWidth: 0.8)
        let rows = (characters.count + 1) / 2
        let cell = (size - 10) / Double(rows)
        for (i, ch) in characters.enumerated() {
            // Read top to bottom, right column first.
            let column = i / rows
            let row = i % rows
            canvas.text(String(ch), x: x + size - 5 - Double(column + 1) * (size - 10) / 2, y: y + 5 + Double(row) * cell,
                        size: cell * 0.86, font: .mincho, width: (size - 10) / 2, align: .center, bold: true)
        }
        canvas.color(0, 0, 0)
    }
}
