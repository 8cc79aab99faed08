"""Debian's python3-dkim (dkimpy) as the independent DKIM implementation of the tests.

sign SELECTOR DOMAIN KEYFILE HEADERCANON BODYCANON ALGORITHM LENGTH(0|1) < message > signed message
verify TXTRECORD < message   -> prints "pass" (exit 0) or "fail" (exit 1); the key comes from
                                TXTRECORD for any name, so no DNS is needed.
"""
import sys

import dkim


def main():
    cmd = sys.argv[1]
    message = sys.stdin.buffer.read()
    if cmd == "sign":
        selector, domain, keyfile, hc, bc, alg, length = sys.argv[2:9]
        with open(keyfile, "rb") as f:
            key = f.read()
        sig = dkim.sign(message, selector.encode(), domain.encode(), key,
                        canonicalize=(hc.encode(), bc.encode()), signature_algorithm=alg.encode(),
                        length=(length == "1"))
        sys.stdout.buffer.write(sig + message)
        return 0
    if cmd == "verify":
        record = sys.argv[2].encode()
        ok = dkim.verify(message, dnsfunc=lambda name, timeout=5: record)
        print("pass" if ok else "fail")
        return 0 if ok else 1
    return 2


if __name__ == "__main__":
    sys.exit(main())
