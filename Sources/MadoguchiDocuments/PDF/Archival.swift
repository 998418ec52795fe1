import Foundation

/// What makes our files PDF/A-2b (ISO 19005-2, level B: the page looks the same in years): the output intent, an sRGB
/// ICC profile every device colour on the page is understood in, and the XMP metadata stream that says which part and
/// level the file claims and repeats the information dictionary. Fonts are embedded as subsets by `DirectCanvas`, the
/// file has an identifier and no encryption, JavaScript or embedded files.
enum Archival {
    /// The file's claim and description, as XMP (ISO 16684-1) in an unfiltered metadata stream (ISO 19005-2 §6.6.2.1):
    /// dc:title, xmp:CreatorTool and pdf:Producer as the information dictionary's Title, Creator and Producer;
    /// pdfaid:part 2, conformance B.
    static func xmp(title: String, creator: String, producer: String) -> [UInt8] {
        func escape(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }
        let text = """
            <?xpacket begin="\u{FEFF}" id="W5M0MpCehiHzreSzNTczkc9d"?>
            <x:xmpmeta xmlns:x="adobe:ns:meta/">
             <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
              <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
               <dc:title><rdf:Alt><rdf:li xml:lang="x-default">\(escape(title))</rdf:li></rdf:Alt></dc:title>
               <dc:format>application/pdf</dc:format>
               <xmp:CreatorTool>\(escape(creator))</xmp:CreatorTool>
               <pdf:Producer>\(escape(producer))</pdf:Producer>
               <pdfaid:part>2</pdfaid:part>
               <pdfaid:conformance>B</pdfaid:conformance>
              </rdf:Description>
             </rdf:RDF>
            </x:xmpmeta>
            <?xpacket end="w"?>
            """
        return Array(text.utf8)
    }

    /// The output condition the file is made for.
    static let outputCondition = "sRGB IEC61966-2.1"

    /// The profile as every file carries it, deflated once per process.
    static let sRGBProfileDeflated = PDFFile.deflate(sRGBProfile, level: 9)

    /// An ICC version 2.1 display profile of sRGB (IEC 61966-2-1), made here rather than copied from a package: the sRGB
    /// primaries adapted to D50 (the values the ICC publishes for sRGB), D50 white, and sRGB's own tone curve sampled
    /// at 1,024 points for each channel.
    static let sRGBProfile: [UInt8] = {
        func u32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        func u16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }
        func s15(_ v: Double) -> [UInt8] { u32(UInt32(bitPattern: Int32((v * 65_536).rounded()))) }
        func sig(_ s: String) -> [UInt8] { Array(s.utf8) }
        func xyz(_ x: Double, _ y: Double, _ z: Double) -> [UInt8] { sig("XYZ ") + u32(0) + s15(x) + s15(y) + s15(z) }
        func padded(_ b: [UInt8]) -> [UInt8] { b + [UInt8](repeating: 0, count: (4 - b.count % 4) % 4) }

        let description = "sRGB IEC61966-2.1 (Madoguchi)"
        // textDescriptionType: ASCII with its NUL, then empty Unicode and ScriptCode parts (67 bytes of the latter).
        let desc = sig("desc") + u32(0) + u32(UInt32(description.utf8.count + 1)) + sig(description) + [0]
            + u32(0) + u32(0) + u16(0) + [0] + [UInt8](repeating: 0, count: 67)
        let cprt = sig("text") + u32(0) + sig("No copyright, use freely") + [0]
        var curve = sig("curv") + u32(0) + u32(1024)
        for i in 0..<1024 {
            let v = Double(i) / 1023
            let linear = v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4)
            curve += u16(UInt16((linear * 65_535).rounded()))
        }
        let tags: [(String, [UInt8])] = [
            ("desc", desc), ("cprt", cprt), ("wtpt", xyz(0.9642, 1.0, 0.8249)),
            ("rXYZ", xyz(0.4361, 0.2225, 0.0139)), ("gXYZ", xyz(0.3851, 0.7169, 0.0971)), ("bXYZ", xyz(0.1431, 0.0606, 0.7141)),
            ("rTRC", curve),
        ]
        // The three tone curves share one element.
        let table: [(String, Int)] = [("desc", 0), ("cprt", 1), ("wtpt", 2), ("rXYZ", 3), ("gXYZ", 4), ("bXYZ", 5), ("rTRC", 6), ("gTRC", 6), ("bTRC", 6)]
        var offset = 128 + 4 + 12 * table.count
        var placed: [(offset: Int, size: Int)] = []
        var data: [UInt8] = []
        for (_, element) in tags {
            placed.append((offset, element.count))
            data += padded(element)
            offset += padded(element).count
        }
        var directory = u32(UInt32(table.count))
        for (name, index) in table { directory += sig(name) + u32(UInt32(placed[index].offset)) + u32(UInt32(placed[index].size)) }
        let size = 128 + directory.count + data.count
        var header = u32(UInt32(size)) + u32(0) + [0x02, 0x10, 0, 0] + sig("mntr") + sig("RGB ") + sig("XYZ ")
        header += u16(2026) + u16(1) + u16(1) + u16(0) + u16(0) + u16(0)  // date and time of creation
        header += sig("acsp") + u32(0) + u32(0) + u32(0) + u32(0) + [UInt8](repeating: 0, count: 8) + u32(0)
        header += s15(0.9642) + s15(1.0) + s15(0.8249)  // the PCS illuminant, D50
        header += u32(0) + [UInt8](repeating: 0, count: 16) + [UInt8](repeating: 0, count: 28)
        precondition(header.count == 128)
        return header + directory + data
    }()
}
