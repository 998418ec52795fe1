#!/usr/bin/env python3
"""Validates Madoguchi's /openapi.json with openapi-spec-validator (an independent implementation).

usage: validate_openapi.py OPENAPI_FILE
Prints "valid" and the number of paths, or the first error, exiting 1.
"""
import json
import sys

from openapi_spec_validator import validate


def main():
    spec = json.load(open(sys.argv[1]))
    try:
        validate(spec)
    except Exception as error:
        print(f"invalid: {error}")
        sys.exit(1)
    print(f"valid {len(spec['paths'])}")


if __name__ == "__main__":
    main()
