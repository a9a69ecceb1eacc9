// OpenSSL 3.0's SM2, used as applications use it (EVP with SM3 and an explicit signer ID): the
// physical reference that Strand's SM2 is measured and cross-checked against.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "strand_reference.h"
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <string.h>

void *strand_reference_sm2_key(const uint8_t public_key[64], const uint8_t *private_key) {
    EC_KEY *ec = EC_KEY_new_by_curve_name(NID_sm2);
    if (ec == NULL) return NULL;
    uint8_t octets[65];
    octets[0] = 4;
    memcpy(octets + 1, public_key, 64);
    if (EC_KEY_oct2key(ec, octets, sizeof octets, NULL) != 1) { EC_KEY_free(ec); return NULL; }
    if (private_key != NULL) {
        BIGNUM *d = BN_bin2bn(private_key, 32, NULL);
        int set = d != NULL && EC_KEY_set_private_key(ec, d) == 1;
        BN_free(d);
        if (!set) { EC_KEY_free(ec); return NULL; }
    }
    EVP_PKEY *key = EVP_PKEY_new();
    if (key == NULL || EVP_PKEY_assign_EC_KEY(key, ec) != 1) { EVP_PKEY_free(key); EC_KEY_free(ec); return NULL; }
    return key;
}

void strand_reference_sm2_key_free(void *key) { EVP_PKEY_free((EVP_PKEY *)key); }

static EVP_MD_CTX *digest_context(EVP_PKEY *key, const uint8_t *id, size_t id_length, int signing) {
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    EVP_PKEY_CTX *key_context = EVP_PKEY_CTX_new(key, NULL);
    if (context == NULL || key_context == NULL || EVP_PKEY_CTX_set1_id(key_context, id, id_length) <= 0) goto fail;
    EVP_MD_CTX_set_pkey_ctx(context, key_context);
    int ready = signing ? EVP_DigestSignInit(context, NULL, EVP_sm3(), NULL, key) : EVP_DigestVerifyInit(context, NULL, EVP_sm3(), NULL, key);
    if (ready != 1) { EVP_MD_CTX_free(context); EVP_PKEY_CTX_free(key_context); return NULL; }
    return context;
fail:
    EVP_MD_CTX_free(context);
    EVP_PKEY_CTX_free(key_context);
    return NULL;
}

static void release(EVP_MD_CTX *context) {
    EVP_PKEY_CTX *key_context = EVP_MD_CTX_get_pkey_ctx(context);
    EVP_MD_CTX_free(context);
    EVP_PKEY_CTX_free(key_context);
}

int strand_reference_sm2_verify(void *key, const uint8_t *message, size_t length, const uint8_t r[32], const uint8_t s[32],
                                const uint8_t *id, size_t id_length) {
    ECDSA_SIG *signature = ECDSA_SIG_new();
    BIGNUM *br = BN_bin2bn(r, 32, NULL), *bs = BN_bin2bn(s, 32, NULL);
    if (signature == NULL || br == NULL || bs == NULL) { ECDSA_SIG_free(signature); BN_free(br); BN_free(bs); return -1; }
    ECDSA_SIG_set0(signature, br, bs);
    uint8_t der[80], *cursor = der;
    int der_length = i2d_ECDSA_SIG(signature, &cursor);
    ECDSA_SIG_free(signature);
    EVP_MD_CTX *context = digest_context((EVP_PKEY *)key, id, id_length, 0);
    if (context == NULL || der_length <= 0) return -1;
    int valid = EVP_DigestVerify(context, der, (size_t)der_length, message, length) == 1;
    release(context);
    return valid;
}

int strand_reference_sm2_sign(void *key, const uint8_t *message, size_t length, uint8_t r[32], uint8_t s[32],
                              const uint8_t *id, size_t id_length) {
    EVP_MD_CTX *context = digest_context((EVP_PKEY *)key, id, id_length, 1);
    if (context == NULL) return 0;
    uint8_t der[80];
    size_t der_length = sizeof der;
    int signed_ = EVP_DigestSign(context, der, &der_length, message, length) == 1;
    release(context);
    if (!signed_) return 0;
    const uint8_t *cursor = der;
    ECDSA_SIG *signature = d2i_ECDSA_SIG(NULL, &cursor, (long)der_length);
    if (signature == NULL) return 0;
    int written = BN_bn2binpad(ECDSA_SIG_get0_r(signature), r, 32) == 32 && BN_bn2binpad(ECDSA_SIG_get0_s(signature), s, 32) == 32;
    ECDSA_SIG_free(signature);
    return written;
}
