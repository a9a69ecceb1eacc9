// The libcrypto entry points Strand uses: SHA-256, RIPEMD-160 and big-number modular
// exponentiation for the EVM's precompiles; X.509 CRLs (read, verify, issue) for the network.
// RIPEMD160() is deprecated in OpenSSL 3 but stays in libcrypto without the legacy provider,
// which EVP would need.
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/sha.h>
#include <openssl/ripemd.h>
#include <openssl/bn.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
