import CQREncode

/// A QR code as inline SVG (libqrencode, error correction M, a quiet zone of 4 modules): for pages, where a phone
/// scans it off a screen or a printed ticket.
public enum QRSVG {
    /// The SVG of `text`, `pixels` wide, labelled for screen readers; nil when the text does not fit a QR code.
    public static func svg(_ text: String, label: String, pixels: Int = 168) -> String? {
        guard let code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else { return nil }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        var path = ""
        for y in 0..<width {
            for x in 0..<width where code.pointee.data[y * width + x] & 1 == 1 {
                path += "M\(x + 4) \(y + 4)h1v1h-1z"
            }
        }
        let side = width + 8
        return """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(side) \(side)" width="\(pixels)" height="\(pixels)" \
            role="img" aria-label="\(HTMLText.escape(label))" shape-rendering="crispEdges">\
            <rect width="\(side)" height="\(side)" fill="#fff"/><path d="\(path)" fill="#000"/></svg>
            """
    }
}
