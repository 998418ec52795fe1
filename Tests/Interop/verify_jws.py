#!/usr/bin/env python3
"""Independent check of Madoguchi's signed QR codes with joserfc (not Madoguchi's own code).

usage: verify_jws.py JWKS_FILE TOKEN_FILE
Prints the verified payload as JSON on the first line and, on the second, whether the token's kid is
the RFC 7638 thumbprint (first 16 characters) of the key that verified it. Exits 1 if verification fails.
"""
import json
import sys

from joserfc import jws
from joserfc.jwk import KeySet


def main():
    keys = KeySet.import_key_set(json.load(open(sys.argv[1])))
    token = open(sys.argv[2]).read().strip()
    try:
        obj = jws.deserialize_compact(token, keys, algorithms=["ES256"])
    except Exception as error:  # any failure is a refusal
        print(f"refused: {error}")
        sys.exit(1)
    kid = obj.protected["kid"]
    key = keys.get_by_kid(kid)
    print(json.dumps(json.loads(obj.payload), ensure_ascii=False, sort_keys=True))
    print("thumbprint-kid" if key.thumbprint()[:16] == kid else f"kid {kid} != thumbprint {key.thumbprint()}")


if __name__ == "__main__":
    main()
