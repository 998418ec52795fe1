#!/usr/bin/env python3
"""Checks a PDF against the rules of PDF/A-2b (ISO 19005-2, level B) that a file like ours can break.

No PDF/A validator is available from Debian or PyPI here (veraPDF is Java, not packaged), so the clauses are written
out as checks, read with independent parsers: pikepdf (qpdf) for the file's structure, LittleCMS (Pillow's ImageCms)
for the ICC profile, fontTools for the embedded fonts, and Python's XML parser for the XMP.

usage: check_pdfa.py FILE.pdf
Prints one line per failed clause, what it checked (fonts, glyph widths, images, annotations, pages), then "ok"
(exit 0) or "refused" (exit 1).
"""
import io
import re
import sys
import xml.etree.ElementTree as ET

import pikepdf
from fontTools.ttLib import TTFont
from PIL import ImageCms

NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
}

problems = []
checked = {"fonts": 0, "widths": 0, "images": 0, "annotations": 0, "pages": 0}


def fail(clause, what):
    problems.append(f"{clause}: {what}")


def text(obj):
    return str(obj) if obj is not None else None


def check_file(path, raw):
    # 6.1.2 File header: %PDF-1.n, then a comment of at least four bytes above 127.
    lines = raw.split(b"\n", 2)
    if not re.match(rb"%PDF-1\.[0-7]$", lines[0]):
        fail("6.1.2", "header is not %PDF-1.n")
    if not (lines[1].startswith(b"%") and sum(1 for b in lines[1][1:] if b > 127) >= 4):
        fail("6.1.2", "no binary comment after the header")
    with pikepdf.open(path) as pdf:
        # 6.1.3 File trailer: an identifier, no encryption.
        if "/ID" not in pdf.trailer:
            fail("6.1.3", "trailer has no /ID")
        if "/Encrypt" in pdf.trailer:
            fail("6.1.3", "the file is encrypted")
        # qpdf's own structural check: cross-reference, stream lengths, object syntax (6.1.4, 6.1.7).
        for problem in pdf.check_pdf_syntax():
            fail("6.1.4", f"qpdf: {problem}")
        root = pdf.Root
        if "/Names" in root and ("/EmbeddedFiles" in root.Names or "/JavaScript" in root.Names):
            fail("6.8/6.6.1", "embedded files or JavaScript in the name tree")
        if "/AA" in root:
            fail("6.6.2", "additional actions on the catalog")
        if "/AcroForm" in root and root.AcroForm.get("/NeedAppearances", False):
            fail("6.4.1", "NeedAppearances is true")
        check_metadata(pdf)
        check_output_intent(pdf)
        for number, page in enumerate(pdf.pages, 1):
            check_page(pdf, page, number)


def check_metadata(pdf):
    # 6.6.2.1: the catalog's Metadata is an unfiltered XMP stream.
    if "/Metadata" not in pdf.Root:
        fail("6.6.2.1", "no XMP metadata")
        return
    stream = pdf.Root.Metadata
    if stream.get("/Type") != "/Metadata" or stream.get("/Subtype") != "/XML":
        fail("6.6.2.1", "metadata is not /Type /Metadata /Subtype /XML")
    if "/Filter" in stream:
        fail("6.6.2.1", "the metadata stream is filtered")
    data = stream.read_raw_bytes()
    head = re.match(rb'<\?xpacket begin="(\xef\xbb\xbf)?" id="W5M0MpCehiHzreSzNTczkc9d"\?>', data)
    if not head:
        fail("6.6.2.1", "no xpacket header")
    if re.search(rb"<\?xpacket[^>]*\b(bytes|encoding)=", data):
        fail("6.6.2.1", "the xpacket header has bytes or encoding attributes")
    try:
        tree = ET.fromstring(re.sub(rb"<\?xpacket[^>]*\?>", b"", data).strip())
    except ET.ParseError as error:
        fail("6.6.2.1", f"XMP is not well-formed XML: {error}")
        return
    desc = tree.findall(".//rdf:Description", NS)

    def value(path):
        for d in desc:
            found = d.find(path, NS)
            if found is not None:
                return "".join(found.itertext()).strip()
        return None

    # 6.6.4 Version identification.
    if value("pdfaid:part") != "2":
        fail("6.6.4", f"pdfaid:part is {value('pdfaid:part')!r}, not 2")
    if value("pdfaid:conformance") not in ("B", "U", "A"):
        fail("6.6.4", f"pdfaid:conformance is {value('pdfaid:conformance')!r}")
    # 6.6.2.3 (ISO 19005-2 §6.6.3): the information dictionary and the XMP agree.
    info = pdf.trailer.get("/Info")
    pairs = [("/Title", "dc:title/rdf:Alt/rdf:li"), ("/Creator", "xmp:CreatorTool"), ("/Producer", "pdf:Producer"),
             ("/Author", "dc:creator/rdf:Seq/rdf:li"), ("/Subject", "dc:description/rdf:Alt/rdf:li"), ("/Keywords", "pdf:Keywords")]
    for key, path in pairs:
        have = text(info.get(key)) if info is not None else None
        if have is not None and have != value(path):
            fail("6.6.3", f"Info {key} {have!r} differs from XMP {path} {value(path)!r}")
    for key in ("/CreationDate", "/ModDate"):
        if info is not None and key in info:
            xmp_key = "xmp:CreateDate" if key == "/CreationDate" else "xmp:ModifyDate"
            if value(xmp_key) is None:
                fail("6.6.3", f"Info {key} without XMP {xmp_key}")


def check_output_intent(pdf):
    # 6.2.3: one PDF/A output intent whose profile is a valid ICC profile of the device colours used.
    intents = [i for i in pdf.Root.get("/OutputIntents", []) if i.get("/S") == "/GTS_PDFA1"]
    if len(intents) != 1:
        fail("6.2.3", f"{len(intents)} GTS_PDFA1 output intents, not one")
        return
    intent = intents[0]
    if "/OutputConditionIdentifier" not in intent:
        fail("6.2.3", "no OutputConditionIdentifier")
    profile = intent.get("/DestOutputProfile")
    if profile is None:
        fail("6.2.3", "no DestOutputProfile")
        return
    icc = profile.read_bytes()
    try:
        parsed = ImageCms.ImageCmsProfile(io.BytesIO(icc))
    except Exception as error:  # LittleCMS refusing it is the finding
        fail("6.2.3", f"LittleCMS cannot read the profile: {error}")
        return
    p = parsed.profile
    if p.xcolor_space.strip() != "RGB" or int(profile.get("/N", 0)) != 3:
        fail("6.2.3", f"profile colour space {p.xcolor_space!r} with /N {profile.get('/N')}, not RGB with 3")
    if p.device_class.strip() not in ("mntr", "prtr"):
        fail("6.2.3", f"profile class {p.device_class!r} is not output or display")
    if not (2.0 <= p.version < 5.0):
        fail("6.2.3", f"profile version {p.version}")
    # LittleCMS must be able to use it: sRGB through the profile and back stays close.
    srgb = ImageCms.createProfile("sRGB")
    from PIL import Image
    sample = Image.new("RGB", (3, 1))
    sample.putdata([(200, 30, 30), (30, 160, 60), (90, 90, 220)])
    there = ImageCms.profileToProfile(sample, parsed, srgb)
    drift = max(abs(a - b) for i in range(3) for a, b in zip(sample.getpixel((i, 0)), there.getpixel((i, 0))))
    if drift > 3:
        fail("6.2.3", f"the profile is not sRGB: colours move by {drift}")


def resources_of(page):
    yield page.Resources
    for xobject in page.Resources.get("/XObject", {}).values():
        if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
            yield xobject.Resources
    for pattern in page.Resources.get("/Pattern", {}).values():
        if "/Resources" in pattern:
            yield pattern.Resources


def check_page(pdf, page, number):
    where = f"page {number}"
    for resources in resources_of(page):
        for name, font in resources.get("/Font", {}).items():
            check_font(font, f"{where} font {name}")
        for name, image in resources.get("/XObject", {}).items():
            if image.get("/Subtype") != "/Image":
                continue
            checked["images"] += 1
            if image.get("/Interpolate", False):
                fail("6.2.8", f"{where} image {name} has Interpolate true")
            for key in ("/Alternates", "/OPI"):
                if key in image:
                    fail("6.2.8", f"{where} image {name} has {key}")
            if image.get("/ColorSpace") == "/DeviceCMYK":
                fail("6.2.4.3", f"{where} image {name} is DeviceCMYK under an RGB output intent")
        for name, state in resources.get("/ExtGState", {}).items():
            if "/TR" in state or state.get("/TR2", "/Default") != "/Default":
                fail("6.2.5", f"{where} graphics state {name} has a transfer function")
            blend = state.get("/BM")
            if blend is not None and str(blend) not in ("/Normal", "/Compatible", "/Multiply", "/Screen", "/Overlay", "/Darken",
                                                        "/Lighten", "/ColorDodge", "/ColorBurn", "/HardLight", "/SoftLight",
                                                        "/Difference", "/Exclusion", "/Hue", "/Saturation", "/Color", "/Luminosity"):
                fail("6.2.10", f"{where} graphics state {name} blend mode {blend}")
    # 6.2.4.3: no CMYK colour operators under an RGB output intent.
    for operands, operator in pikepdf.parse_content_stream(page):
        if str(operator) in ("k", "K"):
            fail("6.2.4.3", f"{where} uses DeviceCMYK ({operator})")
            break
    checked["pages"] += 1
    for annotation in page.get("/Annots", []):
        checked["annotations"] += 1
        flags = int(annotation.get("/F", 0))
        if not flags & 4 or flags & (1 | 2 | 32 | 256):
            fail("6.3.2", f"{where} annotation {annotation.get('/Subtype')} flags {flags}: print must be set, hidden/invisible/noview not")
        rect = [float(v) for v in annotation.get("/Rect", [0, 0, 0, 0])]
        zero = rect[2] - rect[0] == 0 and rect[3] - rect[1] == 0
        if not zero and "/AP" not in annotation and annotation.get("/Subtype") not in ("/Popup", "/Link"):
            fail("6.3.3", f"{where} annotation without an appearance")
        if "/AP" in annotation and set(annotation.AP.keys()) != {"/N"}:
            fail("6.3.3", f"{where} annotation appearance has more than /N")


def check_font(font, where):
    # 6.2.11.4: every font embedded; 6.2.11.3.2: a Type 2 CIDFont has a CIDToGIDMap; 6.2.11.5: widths match the program.
    if font.get("/Subtype") == "/Type0":
        if str(font.get("/Encoding")) not in ("/Identity-H", "/Identity-V"):
            fail("6.2.11.3", f"{where} has a CMap that is not Identity")
        cid = font.DescendantFonts[0]
    else:
        cid = font
    descriptor = cid.get("/FontDescriptor")
    if descriptor is None:
        fail("6.2.11.4", f"{where} has no descriptor")
        return
    program = descriptor.get("/FontFile2") or descriptor.get("/FontFile") or descriptor.get("/FontFile3")
    if program is None:
        fail("6.2.11.4", f"{where} is not embedded")
        return
    if cid.get("/Subtype") != "/CIDFontType2":
        return
    if "/CIDToGIDMap" not in cid:
        fail("6.2.11.3.2", f"{where} has no CIDToGIDMap")
    try:
        tt = TTFont(io.BytesIO(program.read_bytes()))
    except Exception as error:
        fail("6.2.11.4", f"{where}: fontTools cannot read the embedded program: {error}")
        return
    em = tt["head"].unitsPerEm
    order = tt.getGlyphOrder()
    hmtx = tt["hmtx"].metrics
    default = int(cid.get("/DW", 1000))
    widths = {}
    w = list(cid.get("/W", []))
    i = 0
    while i < len(w):
        first = int(w[i])
        if isinstance(w[i + 1], pikepdf.Array):
            for k, v in enumerate(w[i + 1]):
                widths[first + k] = float(v)
            i += 2
        else:
            for c in range(first, int(w[i + 1]) + 1):
                widths[c] = float(w[i + 2])
            i += 3
    used = set(widths)
    checked["fonts"] += 1
    checked["widths"] += len(used)
    for gid in used:
        if gid >= len(order):
            fail("6.2.11.4", f"{where} widths name glyph {gid}, which the program does not have")
            continue
        advance = hmtx[order[gid]][0] * 1000 / em
        if abs(advance - widths.get(gid, default)) > 1:
            fail("6.2.11.5", f"{where} glyph {gid} width {widths.get(gid, default)} but the program says {advance:.1f}")


def main():
    path = sys.argv[1]
    with open(path, "rb") as f:
        raw = f.read()
    check_file(path, raw)
    for p in problems:
        print(p)
    print("checked: " + " ".join(f"{k}={v}" for k, v in checked.items()))
    print("ok" if not problems else "refused")
    sys.exit(0 if not problems else 1)


if __name__ == "__main__":
    main()
