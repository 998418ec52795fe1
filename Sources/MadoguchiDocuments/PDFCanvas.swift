import CCairo
import CPangoCairo
import CQREncode
import CRsvg
import Foundation

/// A4 PDF drawing over cairo, with all text shaped by Pango (HarfBuzz reads IPAmj明朝's variation-selector
/// table, so IVS names print as registered; cairo's own text call would not).
final class PDFCanvas {
    static let width = 595.28
    static let height = 841.89

    enum Font: String {
        /// Names: MJ characters and their IVS
        case mj = "IPAmjMincho"
        case mincho = "IPAexMincho"
        case gothic = "IPAexGothic"
    }

    enum Align { case left, center, right }

    /// Collects what cairo writes.
    final class Sink {
        var bytes: [UInt8] = []
    }

    private let sink = Sink()
    private let surface: OpaquePointer
    let cr: OpaquePointer

    init(title: String, creator: String = "Madoguchi") {
        let context = Unmanaged.passUnretained(sink).toOpaque()
        surface = cairo_pdf_surface_create_for_stream(
            { closure, data, length in
                let sink = Unmanaged<PDFCanvas.Sink>.fromOpaque(closure!).takeUnretainedValue()
                sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
                return CAIRO_STATUS_SUCCESS
            }, context, Self.width, Self.height)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, creator)
        cr = cairo_create(surface)
    }

    deinit {
        cairo_destroy(cr)
        cairo_surface_destroy(surface)
    }

    /// Finishes the document and returns its bytes.
    func finish() throws -> [UInt8] {
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw DocumentError.rendering(String(cString: cairo_status_to_string(status)))
        }
        return sink.bytes
    }

    func newPage() { cairo_show_page(cr) }

    func color(_ r: Double, _ g: Double, _ b: Double, _ a: Double = 1) { cairo_set_source_rgba(cr, r, g, b, a) }

    /// A Pango layout at 72 dpi (1 pt = 1 unit), wrapped to `width` when given.
    private func layout(_ text: String, size: Double, font: Font, width: Double?, align: Align, bold: Bool) -> OpaquePointer {
        let layout = pango_cairo_create_layout(cr)!
        pango_cairo_context_set_resolution(pango_layout_get_context(layout), 72)
        pango_layout_context_changed(layout)
        let description = pango_font_description_new()!
        pango_font_description_set_family(description, font.rawValue)
        pango_font_description_set_absolute_size(description, size * Double(PANGO_SCALE))
        if bold { pango_font_description_set_weight(description, PANGO_WEIGHT_BOLD) }
        pango_layout_set_font_description(layout, description)
        pango_font_description_free(description)
        pango_layout_set_text(layout, text, -1)
        if let width {
            pango_layout_set_width(layout, Int32(width * Double(PANGO_SCALE)))
            pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
        }
        switch align {
        case .left: pango_layout_set_alignment(layout, PANGO_ALIGN_LEFT)
        case .center: pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER)
        case .right: pango_layout_set_alignment(layout, PANGO_ALIGN_RIGHT)
        }
        return layout
    }

    /// Draws text with its top-left at (x, y); returns the height used.
    @discardableResult
    func text(
        _ text: String, x: Double, y: Double, size: Double, font: Font = .mincho, width: Double? = nil,
        align: Align = .left, bold: Bool = false
    ) -> Double {
        let l = layout(text, size: size, font: font, width: width, align: align, bold: bold)
        defer { g_object_unref(UnsafeMutableRawPointer(l)) }
        cairo_move_to(cr, x, y)
        pango_cairo_show_layout(cr, l)
        var w: Int32 = 0
        var h: Int32 = 0
        pango_layout_get_pixel_size(l, &w, &h)
        return Double(h)
    }

    /// The height `text` would take.
    func measure(_ text: String, size: Double, font: Font = .mincho, width: Double?) -> Double {
        let l = layout(text, size: size, font: font, width: width, align: .left, bold: false)
        defer { g_object_unref(UnsafeMutableRawPointer(l)) }
        var w: Int32 = 0
        var h: Int32 = 0
        pango_layout_get_pixel_size(l, &w, &h)
        return Double(h)
    }

    /// Adds the outline of text to the current path (for clipping).
    func textPath(_ text: String, x: Double, y: Double, size: Double, font: Font) {
        let l = layout(text, size: size, font: font, width: nil, align: .left, bold: true)
        defer { g_object_unref(UnsafeMutableRawPointer(l)) }
        cairo_move_to(cr, x, y)
        pango_cairo_layout_path(cr, l)
    }

    func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, lineWidth: Double = 0.6) {
        cairo_set_line_width(cr, lineWidth)
        cairo_rectangle(cr, x, y, w, h)
        cairo_stroke(cr)
    }

    /// Fills a rectangle with a grey level (0 black, 1 white) and restores black.
    func fill(_ x: Double, _ y: Double, _ w: Double, _ h: Double, gray: Double) {
        cairo_set_source_rgb(cr, gray, gray, gray)
        cairo_rectangle(cr, x, y, w, h)
        cairo_fill(cr)
        cairo_set_source_rgb(cr, 0, 0, 0)
    }

    func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, lineWidth: Double = 0.6) {
        cairo_set_line_width(cr, lineWidth)
        cairo_move_to(cr, x1, y1)
        cairo_line_to(cr, x2, y2)
        cairo_stroke(cr)
    }

    /// Draws an SVG (a registered 印影) scaled into a box.
    func svg(_ bytes: [UInt8], x: Double, y: Double, size: Double) throws {
        try svg(bytes, x: x, y: y, width: size, height: size)
    }

    /// Draws an SVG fitted into a box, keeping its aspect ratio.
    func svg(_ bytes: [UInt8], x: Double, y: Double, width: Double, height: Double) throws {
        try Self.draw(svg: bytes, on: cr, in: RsvgRectangle(x: x, y: y, width: width, height: height))
    }

    /// Draws an SVG with librsvg on a cairo context, fitted into `viewport`; an SVG it cannot read is an error.
    static func draw(svg bytes: [UInt8], on cr: OpaquePointer, in viewport: RsvgRectangle) throws {
        var error: UnsafeMutablePointer<GError>?
        guard let handle = bytes.withUnsafeBufferPointer({ rsvg_handle_new_from_data($0.baseAddress, gsize($0.count), &error) })
        else {
            let message = error.map { String(cString: $0.pointee.message) } ?? "unreadable SVG"
            if let error { g_error_free(error) }
            throw DocumentError.rendering("seal image: \(message)")
        }
        defer { g_object_unref(UnsafeMutableRawPointer(handle)) }
        var viewport = viewport
        guard rsvg_handle_render_document(handle, cr, &viewport, &error) != 0 else {
            let message = error.map { String(cString: $0.pointee.message) } ?? "cannot render"
            if let error { g_error_free(error) }
            throw DocumentError.rendering("seal image: \(message)")
        }
    }

    /// A QR code (libqrencode, error correction M), `size` points wide with its quiet zone, embedded as a
    /// one-pixel-per-module image drawn without interpolation: crisp at any resolution, a few hundred bytes,
    /// and far cheaper than thousands of rectangles.
    func qr(_ text: String, x: Double, y: Double, size: Double) throws {
        guard let code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else {
            throw DocumentError.rendering("QR code: the text does not fit")
        }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        // 8 pixels a module: a rasteriser that shrinks the image averages pixels, so module edges come out
        // anti-aliased as vector squares would (readable at 150 dpi), while the file stays small.
        let scale = 8
        let modules = width + 8  // 4 modules of quiet zone each side
        let side = Int32(modules * scale)
        guard let image = cairo_image_surface_create(CAIRO_FORMAT_RGB24, side, side) else {
            throw DocumentError.rendering("QR code: no image")
        }
        defer { cairo_surface_destroy(image) }
        cairo_surface_flush(image)
        let stride = Int(cairo_image_surface_get_stride(image))
        let pixels = cairo_image_surface_get_data(image)!
        var line = [UInt32](repeating: 0xFFFFFF, count: Int(side))
        for moduleRow in 0..<modules {
            let r = moduleRow - 4
            for column in 0..<Int(side) {
                let c = column / scale - 4
                let dark = r >= 0 && c >= 0 && r < width && c < width && code.pointee.data[r * width + c] & 1 == 1
                line[column] = dark ? 0x000000 : 0xFFFFFF
            }
            line.withUnsafeBytes { bytes in
                for y in 0..<scale {
                    (pixels + (moduleRow * scale + y) * stride).update(
                        from: bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), count: bytes.count)
                }
            }
        }
        cairo_surface_mark_dirty(image)
        cairo_save(cr)
        cairo_translate(cr, x, y)
        cairo_scale(cr, size / Double(side), size / Double(side))
        cairo_set_source_surface(cr, image, 0, 0)
        cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST)
        cairo_paint(cr)
        cairo_restore(cr)
    }

    /// The anti-copy background (地紋): equal-tone fields of small and large dots. A copier drops the small
    /// dots and keeps the large ones, so the large-dot words 「複写」 appear on a photocopy.
    func copyProtectionBackground() {
        func dots(spacing: Double, radius: Double) -> OpaquePointer {
            var extents = cairo_rectangle_t(x: 0, y: 0, width: spacing, height: spacing)
            let tile = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &extents)!
            let t = cairo_create(tile)!
            cairo_set_source_rgb(t, 0.70, 0.78, 0.85)
            cairo_arc(t, spacing / 2, spacing / 2, radius, 0, 2 * .pi)
            cairo_fill(t)
            cairo_destroy(t)
            let pattern = cairo_pattern_create_for_surface(tile)!
            cairo_surface_destroy(tile)
            cairo_pattern_set_extend(pattern, CAIRO_EXTEND_REPEAT)
            return pattern
        }
        // Same ink coverage (r²/s²), so the page looks even to the eye.
        let small = dots(spacing: 1.8, radius: 0.32)
        let large = dots(spacing: 3.6, radius: 0.64)
        defer {
            cairo_pattern_destroy(small)
            cairo_pattern_destroy(large)
        }
        cairo_save(cr)
        cairo_set_source(cr, small)
        cairo_paint(cr)
        cairo_new_path(cr)
        for row in 0..<5 {
            for column in 0..<3 {
                textPath("複写", x: 40 + Double(column) * 190 + Double(row % 2) * 60, y: 60 + Double(row) * 165, size: 64, font: .gothic)
            }
        }
        cairo_clip(cr)
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        cairo_set_source(cr, large)
        cairo_paint(cr)
        cairo_restore(cr)
        color(0, 0, 0)
    }
}

public enum DocumentError: Error, CustomStringConvertible {
    case rendering(String)

    public var description: String {
        switch self {
        case .rendering(let m): "PDF rendering failed: \(m)"
        }
    }
}
