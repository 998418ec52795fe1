#!/usr/bin/env python3
"""The same 住民票の写し layout as `madoguchi bench render`, compiled by Typst (the `typst` package from PyPI),
for a ratio in one run (issue 15).

usage: typst_render.py COUNT [--out OUT.pdf] [--plain] [--tags]

Same page: A4, the anti-copy dot background with 「複写」 in large dots (a tiling of small dots, the words
filled white and then with a tiling of large dots), the serial number, the title, the two-column table of the
個人票 rows, the certification sentence, the date, the mayor and a drawn city seal, a QR code of the same token
size and its caption; IPAmj明朝 (IVS names) and IPAex fonts embedded as subsets.

Every document differs (serial number, name, address, date of birth, QR code), so nothing is served from Typst's
incremental cache: one `Compiler` is made once (fonts loaded once, as a server would keep it) and compiles each
document with its own `sys.inputs`. The QR codes are made by `segno` as SVG files before the clock starts, an
advantage to Typst. PDF tags are off unless `--tags` (our PDF is not tagged either).
"""
import argparse
import os
import tempfile
import time

import segno
import typst

FONTS = [
    "/usr/share/fonts/opentype/ipaexfont-mincho",
    "/usr/share/fonts/opentype/ipaexfont-gothic",
    "/usr/share/fonts/truetype/ipamj",
]

FAMILY = ["渡邉\U000E0110", "髙橋", "齋藤", "山﨑", "吉田", "渡辺", "邊見", "濵田"]
GIVEN = ["𠮷乃", "一郎", "花子", "太郎", "美咲", "翔太", "陽菜", "蓮"]

SOURCE = r"""
#set page(paper: "a4", margin: 0pt)
#set text(font: "IPAexMincho", size: 10.5pt, lang: "ja")
#let input = sys.inputs
#let gothic = "IPAexGothic"
#let mj = "IPAmjMincho"
#let name = input.name
#let kana = input.kana
#let plain = input.plain == "1"
#if not plain {
  let dot(s, r) = tiling(size: (s * 1pt, s * 1pt))[#place(dx: s * 0.5pt - r * 1pt, dy: s * 0.5pt - r * 1pt, circle(radius: r * 1pt, fill: rgb(179, 199, 217)))]
  place(top + left, rect(width: 100%, height: 100%, fill: dot(1.8, 0.32), stroke: none))
  for row in range(5) {
    for column in range(3) {
      let x = 40pt + column * 190pt + calc.rem(row, 2) * 60pt
      let y = 60pt + row * 165pt
      place(top + left, dx: x, dy: y, text(font: gothic, size: 64pt, weight: "bold", fill: white)[複写])
      place(top + left, dx: x, dy: y, text(font: gothic, size: 64pt, weight: "bold", fill: dot(3.6, 0.64))[複写])
    }
  }
}
#place(top + left, dx: 42pt, dy: 40pt, box(width: 511.28pt, align(right, text(size: 9pt)[#input.serial])))
#place(top + left, dx: 42pt, dy: 62pt, box(width: 511.28pt, align(center, text(font: gothic, size: 22pt, weight: "bold")[住民票の写し])))
#let row(label, value, font: "IPAexMincho") = (
  table.cell(inset: (x: 5pt, y: 6pt), text(font: gothic, size: 9pt, label)),
  table.cell(inset: (x: 6pt, y: 5pt), text(font: font, size: 10.5pt, value)),
)
#place(top + left, dx: 42pt, dy: 128pt, table(
  columns: (112pt, 399.28pt), stroke: 0.6pt, rows: auto,
  ..row("住所", input.address),
  ..row("世帯主", name, font: mj),
  ..row("氏名", [#name \ （#kana）], font: mj),
  ..row("生年月日・性別", [#input.birth 生　女]),
  ..row("続柄", "世帯主"),
  ..row("住民となった年月日", "平成22年4月1日"),
  ..row("住所を定めた年月日", "平成22年4月1日　（平成22年4月5日届出）"),
  ..row("従前の住所", "東京都大田区田園調布一丁目1番1号"),
  ..row("本籍", "神奈川県窓口市中央区本町一丁目1番地"),
  ..row("筆頭者", name, font: mj),
))
#place(top + left, dx: 52pt, dy: 616pt, box(width: 491pt, text(size: 11pt)[この写しは、世帯全員の住民票の原本と相違ないことを証明する。]))
#place(top + left, dx: 72pt, dy: 646pt, text(size: 11pt)[令和8年11月24日])
#place(top + left, dx: 42pt, dy: 690pt, box(width: 421pt, align(right, text(size: 14pt)[窓口市長　窓口　一郎])))
#place(top + left, dx: 477pt, dy: 670pt, {
  let red = rgb(199, 31, 36)
  rect(width: 58pt, height: 58pt, stroke: 2.4pt + red, inset: 3pt,
    rect(width: 52pt, height: 52pt, stroke: 0.8pt + red, inset: 2pt,
      grid(columns: (24pt, 24pt), rows: (16pt, 16pt, 16pt), align: center,
        ..("長", "窓", "之", "口", "印", "市").map(c => text(size: 13.7pt, weight: "bold", fill: red, c)))))
})
#place(top + left, dx: 42pt, dy: 683.89pt, image(input.qr, width: 118pt, height: 118pt))
#place(top + left, dx: 168pt, dy: 761.89pt, box(width: 230pt, text(font: gothic, size: 7.5pt)[この証明書が本物であることは、二次元コードを読み取り \ 窓口市の証明書確認ページ（/verify）で確認できます。 \ The QR code verifies this certificate at /verify.]))
"""


def token(n):
    """A token of the bench's size (an ES256 compact JWS of the claims, about 600 characters), different per document."""
    body = f"{n:08d}".encode().hex() * 40
    return "eyJhbGciOiJFUzI1NiIsImtpZCI6IngiLCJ0eXAiOiJKV1QifQ." + body[:420] + "." + f"{n:086d}"


def inputs(n, folder, plain):
    qr = os.path.join(folder, f"qr{n}.svg")
    segno.make_qr(token(n), error="m").save(qr, kind="svg", border=4)
    return {
        "serial": f"第2026-{n:06d}号",
        "name": f"{FAMILY[n % len(FAMILY)]}　{GIVEN[(n // len(FAMILY)) % len(GIVEN)]}",
        "kana": "ワタナベ　ヨシノ",
        "address": f"神奈川県窓口市中央区本町一丁目{n % 30 + 1}番{n % 9 + 1}号　メゾン本町{n % 400 + 101}号室",
        "birth": f"昭和{n % 63 + 1}年{n % 12 + 1}月{n % 28 + 1}日",
        "qr": os.path.basename(qr),
        "plain": "1" if plain else "0",
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("count", type=int)
    parser.add_argument("--out")
    parser.add_argument("--plain", action="store_true")
    parser.add_argument("--tags", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        main_file = os.path.join(folder, "main.typ")
        with open(main_file, "w") as f:
            f.write(SOURCE)
        documents = [inputs(n, folder, args.plain) for n in range(args.count + 3)]
        compiler = typst.Compiler(main_file, root=folder, font_paths=FONTS, ignore_system_fonts=True)
        first = compiler.compile(sys_inputs=documents[0], pdf_tags=args.tags)
        if args.out:
            with open(args.out, "wb") as f:
                f.write(first)
        for d in documents[1:3]:  # warm up with other documents, as `bench render` does
            compiler.compile(sys_inputs=d, pdf_tags=args.tags)
        start = time.perf_counter()
        size = 0
        for d in documents[3:]:
            size += len(compiler.compile(sys_inputs=d, pdf_tags=args.tags))
        seconds = time.perf_counter() - start
    print(f"typst {typst.__version__}: rendered {args.count}{' plain' if args.plain else ''} varied certificates on 1 thread "
          f"in {seconds:.2f} s: {args.count / seconds:.1f} per second, {size // args.count} bytes each")


if __name__ == "__main__":
    main()
