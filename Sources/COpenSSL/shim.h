// The few libcrypto entry points the EVM's precompiles need: SHA-256, RIPEMD-160 and
// big-number modular exponentiation. RIPEMD160() is deprecated in OpenSSL 3 but stays in
// libcrypto without the legacy provider, which EVP would need.
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/sha.h>
#include <openssl/ripemd.h>
#include <openssl/bn.h>
