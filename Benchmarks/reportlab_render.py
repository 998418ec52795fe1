#!/usr/bin/env python3
"""The same 住民票の写し layout as `madoguchi bench render`, drawn with Python ReportLab, for a ratio in one run.

usage: reportlab_render.py COUNT [OUT.pdf] [plain]
Same page: A4, the anti-copy dot background with 「複写」 in large dots, title, a 2-column table of the
個人票 rows, certification sentence, date, mayor and a drawn city seal, and a QR code of the same size
of token; IPAmj明朝 and IPAex fonts embedded as subsets. (ReportLab does not shape IVS sequences: the
name is drawn without the selector — an advantage to ReportLab, not a handicap.)
"""
import io
import sys
import time

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

pdfmetrics.registerFont(TTFont("Mincho", "/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf"))
pdfmetrics.registerFont(TTFont("Gothic", "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"))
pdfmetrics.registerFont(TTFont("MJ", "/usr/share/fonts/truetype/ipamj/ipamjm.ttf"))

W, H = A4
TOKEN = "eyJhbGciOiJFUzI1NiIsImtpZCI6IngiLCJ0eXAiOiJKV1QifQ." + "A" * 420 + "." + "B" * 86
ROWS = [
    ("住所", "神奈川県窓口市中央区本町一丁目1番1号　メゾン本町101号室", "Mincho"),
    ("世帯主", "渡邉　𠮷乃", "MJ"),
    ("氏名", "渡邉　𠮷乃（ワタナベ　ヨシノ）", "MJ"),
    ("生年月日・性別", "昭和64年1月7日生　女", "Mincho"),
    ("続柄", "世帯主", "Mincho"),
    ("住民となった年月日", "平成22年4月1日", "Mincho"),
    ("住所を定めた年月日", "平成22年4月1日　（平成22年4月5日届出）", "Mincho"),
    ("従前の住所", "東京都大田区田園調布一丁目1番1号", "Mincho"),
    ("本籍", "神奈川県窓口市中央区本町一丁目1番地", "Mincho"),
    ("筆頭者", "渡邉　𠮷乃", "MJ"),
]


def background_image():
    """The 地紋 drawn once with PIL at 150 dpi (small dots; 「複写」 in large dots of equal tone).

    ReportLab has no public tiling-pattern API, so a Python implementer places a pre-rendered image on
    each page; drawing every dot as a path takes seconds a page.
    """
    from PIL import Image, ImageDraw, ImageFont

    scale = 150 / 72
    width, height = int(W * scale), int(H * scale)
    def field(spacing, radius):
        image = Image.new("L", (width, height), 255)
        draw = ImageDraw.Draw(image)
        step, r = spacing * scale, radius * scale
        y = 0.0
        while y < height:
            x = 0.0
            while x < width:
                draw.ellipse((x + step / 2 - r, y + step / 2 - r, x + step / 2 + r, y + step / 2 + r), fill=200)
                x += step
            y += step
        return image

    small, large = field(1.8, 0.32), field(3.6, 0.64)
    mask = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(mask)
    font = ImageFont.truetype("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf", int(64 * scale))
    for row in range(5):
        for column in range(3):
            draw.text(((40 + column * 190 + (row % 2) * 60) * scale, (60 + row * 165) * scale), "複写", font=font, fill=255)
    small.paste(large, (0, 0), mask)
    out = io.BytesIO()
    small.save(out, format="PNG")
    out.seek(0)
    return out


BACKGROUND = background_image()


PLAIN = "plain" in sys.argv[1:]


def page(c):
    from reportlab.lib.utils import ImageReader

    if not PLAIN:
        BACKGROUND.seek(0)
        c.drawImage(ImageReader(BACKGROUND), 0, 0, W, H)
    c.setFillColorRGB(0, 0, 0)
    c.setFont("Mincho", 9)
    c.drawRightString(W - 42, H - 48, "第2026-000123号")
    c.setFont("Gothic", 22)
    c.drawCentredString(W / 2, H - 84, "住民票の写し")
    y = H - 128
    for label, value, font in ROWS:
        c.rect(42, y - 22, 112, 22)
        c.rect(154, y - 22, W - 84 - 112, 22)
        c.setFont("Gothic", 9)
        c.drawString(47, y - 15, label)
        c.setFont(font, 10.5)
        c.drawString(160, y - 16, value)
        y -= 22
    c.setFont("Mincho", 11)
    c.drawString(52, 250, "この写しは、住民票の原本と相違ないことを証明する。")
    c.drawString(72, 225, "令和8年11月24日")
    c.setFont("Mincho", 14)
    c.drawRightString(465, 180, "窓口市長　窓口　一郎")
    c.setStrokeColorRGB(0.78, 0.12, 0.14)
    c.setFillColorRGB(0.78, 0.12, 0.14)
    c.setLineWidth(2.4)
    c.rect(477, 165, 58, 58)
    c.setFont("Mincho", 14)
    for i, ch in enumerate("窓口市長之印"):
        c.drawCentredString(520 - (i // 3) * 24, 205 - (i % 3) * 17, ch)
    c.setFillColorRGB(0, 0, 0)
    widget = QrCodeWidget(TOKEN, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(118, 118, transform=[118 / (x1 - x0), 0, 0, 118 / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, c, 42, 40)


def render():
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    page(c)
    c.showPage()
    c.save()
    return out.getvalue()


def main():
    count = int(sys.argv[1])
    first = render()
    if len(sys.argv) > 2 and sys.argv[2] != "plain":
        open(sys.argv[2], "wb").write(first)
    start = time.perf_counter()
    for _ in range(count):
        render()
    seconds = time.perf_counter() - start
    print(f"reportlab: rendered {count}{' plain' if PLAIN else ''} certificates in {seconds:.2f} s: {count / seconds:.1f} per second, {len(first)} bytes each")


if __name__ == "__main__":
    main()
