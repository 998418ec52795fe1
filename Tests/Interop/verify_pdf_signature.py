#!/usr/bin/env python3
"""Checks a signed PDF with pyHanko, an independent PAdES implementation.

usage: verify_pdf_signature.py FILE.pdf AUTHORITY.pem
Prints one line a signature: intact (the digest over /ByteRange matches), valid (the CMS signature verifies), trusted
(the signer's chain ends at AUTHORITY.pem), the coverage, the /SubFilter, the signed attributes by name and the
signature timestamp's verdict and time (PAdES B-T); then "ok" and exit 0 when every signature is intact, valid, trusted
and covers the entire file, and its timestamp, when it has one, is intact, valid and trusted; else exit 1.
"""
import sys

from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext


def main():
    pdf, authority = sys.argv[1], sys.argv[2]
    context = ValidationContext(trust_roots=[load_cert_from_pemder(authority)], allow_fetching=False)
    good = True
    with open(pdf, "rb") as f:
        reader = PdfFileReader(f, strict=True)
        signatures = reader.embedded_signatures
        if not signatures:
            print("no signature")
            sys.exit(1)
        for signature in signatures:
            try:
                status = validate_pdf_signature(signature, context)
            except Exception as error:  # a refusal is the finding
                print(f"invalid: {error!r}")
                good = False
                continue
            attributes = sorted(a["type"].native for a in signature.signer_info["signed_attrs"])
            stamp = status.timestamp_validity
            if stamp is None:
                stamped = "timestamp=none"
            else:
                stamped = (f"timestamp=intact:{stamp.intact},valid:{stamp.valid},trusted:{stamp.trusted},"
                           f"at:{stamp.timestamp.isoformat()}")
                good = good and stamp.intact and stamp.valid and stamp.trusted
            print(f"intact={status.intact} valid={status.valid} trusted={status.trusted} coverage={status.coverage.name} "
                  f"subfilter={signature.sig_object['/SubFilter']} attributes={','.join(attributes)} {stamped}")
            good = good and status.intact and status.valid and status.trusted and status.coverage.name == "ENTIRE_FILE"
    print("ok" if good else "refused")
    sys.exit(0 if good else 1)


if __name__ == "__main__":
    main()
