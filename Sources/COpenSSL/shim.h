// The libcrypto and libssl entry points Strand uses: SHA-256, RIPEMD-160 and big-number modular
// exponentiation for the EVM's precompiles; X.509 CRLs and certificates (read, verify, issue) for
// the network; TLS 1.2 with secp256k1 for FISCO's channel port, which BoringSSL cannot speak.
// RIPEMD160() is deprecated in OpenSSL 3 but stays in libcrypto without the legacy provider,
// which EVP would need.
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/sha.h>
#include <openssl/ripemd.h>
#include <openssl/bn.h>
#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

// Macros Swift cannot call, as functions.
static inline int strand_ssl_ctx_tls12_only(SSL_CTX *ctx) {
    return SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) == 1 && SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION) == 1;
}
static inline int strand_ssl_ctx_set_groups(SSL_CTX *ctx, const char *groups) {
    return (int)SSL_CTX_set1_groups_list(ctx, groups);
}
static inline long strand_bio_mem_data(BIO *bio, char **data) { return BIO_get_mem_data(bio, data); }
