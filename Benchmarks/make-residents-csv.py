#!/usr/bin/env python3
"""Writes a synthetic residents CSV (the importer's Japanese header) for the import benchmark.

usage: make-residents-csv.py ROWS OUT.csv [utf-8|cp932]
Numbers are valid (check digits computed) and unique; every person is synthetic.
"""
import sys


def check_digit_individual(d):
    s = sum(d[11 - n] * (n + 1 if n <= 6 else n - 5) for n in range(1, 12))
    r = s % 11
    return 0 if r <= 1 else 11 - r


def check_digit_record_code(d):
    w = [2, 3, 4, 5, 6, 7, 2, 3, 4, 5]
    r = sum(d[9 - i] * w[i] for i in range(10)) % 11
    return 0 if r <= 1 else 11 - r


def main():
    rows, out = int(sys.argv[1]), sys.argv[2]
    encoding = sys.argv[3] if len(sys.argv) > 3 else "utf-8"
    header = ("世帯番号,氏,名,氏カナ,名カナ,旧氏,旧氏カナ,生年月日,性別,続柄,本籍,筆頭者,住民となった年月日,住所を定めた年月日,"
              "届出日,従前の住所,個人番号,住民票コード,都道府県,市区町村,区,町丁目,番地,方書")
    families = [("髙橋", "タカハシ"), ("山﨑", "ヤマザキ"), ("佐藤", "サトウ"), ("鈴木", "スズキ"), ("田中", "タナカ")]
    lines = [header]
    for i in range(rows):
        body = f"{80000000000 + i:011d}"
        number = body + str(check_digit_individual([int(c) for c in body]))
        body2 = f"{8000000000 + i:010d}"
        code = body2 + str(check_digit_record_code([int(c) for c in body2]))
        family, kana = families[i % len(families)]
        household = i // 2
        relation, given, gkana, sex = (("世帯主", "一郎", "イチロウ", "男") if i % 2 == 0 else ("妻", "花子", "ハナコ", "女"))
        lines.append(
            f"B{household},{family},{given},{kana},{gkana},,,昭和55年1月{1 + i % 28}日,{sex},{relation},"
            f"窓口市中央区本町一丁目1番地,{family}　一郎,1980-01-{1 + i % 28:02d},2020-04-01,令和2年4月3日,"
            f"東京都大田区田園調布一丁目1番1号,{number},{code},神奈川県,窓口市,中央区,本町一丁目,{household % 30 + 1}番{household % 20 + 1}号,")
    with open(out, "w", encoding=encoding, newline="") as f:
        f.write("\r\n".join(lines) + "\r\n")


if __name__ == "__main__":
    main()
