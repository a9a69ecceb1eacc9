// libsecp256k1 recovery called straight from C: the reference `strand bench` measures
// StrandCrypto's recovery against.
#include "strand_reference.h"
#include <secp256k1.h>
#include <secp256k1_recovery.h>

size_t strand_reference_recover(const uint8_t *signatures, const uint8_t *recovery_ids,
                                const uint8_t *messages, size_t count) {
    secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_VERIFY);
    size_t recovered = 0;
    for (size_t i = 0; i < count; i++) {
        secp256k1_ecdsa_recoverable_signature sig;
        secp256k1_pubkey key;
        if (secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &sig, signatures + 64 * i, recovery_ids[i]) &&
            secp256k1_ecdsa_recover(ctx, &key, &sig, messages + 32 * i)) {
            recovered++;
        }
    }
    secp256k1_context_destroy(ctx);
    return recovered;
}
