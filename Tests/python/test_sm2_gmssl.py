"""Strand's SM2 against an independent implementation, `gmssl` (PyPI, pure Python): the
standard's example, signatures made by each verified by the other through `strand sm2`, and
tampered ones refused by both. Prints `N passed, N failed`."""
import os
import secrets
import subprocess
import sys
import tempfile

from gmssl import sm2

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import STRAND  # noqa: E402

ROUNDS = 40
N = int(sm2.default_ecc_table["n"], 16)


def strand(*args):
    return subprocess.run([STRAND, "sm2", *args], capture_output=True, text=True, timeout=30)


def verified_by_strand(public_key, signature, message):
    result = strand("verify", "--public-key", public_key, "--signature", signature, "--message", message.hex())
    assert result.returncode in (0, 1), result
    return result.returncode == 0 and result.stdout.strip() == "valid"


def gmssl(private, public):
    """gmssl's signer; its constructor strips any leading 0s and 4s from a public key (meaning to
    drop an 04 prefix), so the key is set after it."""
    signer = sm2.CryptSM2(private_key=private, public_key="")
    signer.public_key = public.lower()
    return signer


def gmssl_key():
    private = "%064x" % (secrets.randbelow(N - 2) + 1)
    public = sm2.CryptSM2(private_key=private, public_key="")._kg(int(private, 16), sm2.default_ecc_table["g"])
    return private, public


def test_the_standards_example():
    public = ("09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"
              "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13")
    signature = ("F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
                 "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA")
    assert verified_by_strand(public, signature, b"message digest")
    assert not verified_by_strand(public, signature, b"message digesT")
    gm = gmssl("", public)
    assert gm.verify_with_sm3(signature.lower(), b"message digest")


def test_gmssl_signs_strand_verifies():
    for _ in range(ROUNDS):
        private, public = gmssl_key()
        message = secrets.token_bytes(secrets.randbelow(80))
        gm = gmssl(private, public)
        signature = gm.sign_with_sm3(message, "%064x" % (secrets.randbelow(N - 1) + 1))
        assert verified_by_strand(public, signature, message), (private, message.hex(), signature)
        tampered = ("%064x" % ((int(signature[:64], 16) + 1) % N)) + signature[64:]
        assert not verified_by_strand(public, tampered, message)


def test_strand_signs_gmssl_verifies():
    directory = tempfile.mkdtemp(prefix="strand-sm2-")
    for i in range(ROUNDS):
        key_file = os.path.join(directory, f"k{i}")
        made = strand("keygen", "--out", key_file)
        assert made.returncode == 0, made
        public = made.stdout.split("public key:")[1].split()[0].removeprefix("0x")
        message = secrets.token_bytes(secrets.randbelow(80))
        signed = strand("sign", "--key", key_file, "--message", message.hex())
        assert signed.returncode == 0, signed
        signature = signed.stdout.strip().removeprefix("0x")
        gm = gmssl("", public)
        assert gm.verify_with_sm3(signature, message), (public, message.hex(), signature)
        assert not gm.verify_with_sm3(signature, message + b"!")


def test_bad_input_is_refused():
    result = strand("verify", "--public-key", "00" * 64, "--signature", "11" * 64, "--message", "")
    assert result.returncode == 1 and "invalid" in result.stderr, result
    result = strand("verify", "--public-key", "zz", "--signature", "11" * 64, "--message", "")
    assert result.returncode == 1 and "not hex" in result.stderr, result
    result = strand("verify", "--public-key", "11" * 63, "--signature", "11" * 64, "--message", "")
    assert result.returncode == 1 and "64 bytes" in result.stderr, result


def main():
    passed = failed = 0
    for test in (test_the_standards_example, test_gmssl_signs_strand_verifies, test_strand_signs_gmssl_verifies, test_bad_input_is_refused):
        try:
            test()
            passed += 1
            print(f"ok   {test.__name__}", flush=True)
        except Exception:
            failed += 1
            import traceback
            print(f"FAIL {test.__name__}", flush=True)
            traceback.print_exc()
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
